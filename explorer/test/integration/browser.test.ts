// SPDX-License-Identifier: Apache-2.0
// End to end in a real browser: headless Chromium drives the explorer's front end, served by the
// explorer over a mirror that datasync fills from the shared real Fabric network, while a
// transaction goes in through the DAPP.
import assert from 'node:assert/strict';
import fs from 'node:fs';

import type { TestNetwork } from '@consortia/network/testing';
import { sharedTestNetwork, testNetworkUnavailable } from '@consortia/network/testing';
import type { Browser, BrowserContext, Page } from 'playwright-core';

import type { Overview } from '../../src/http/api-types';
import {
  chromiumUnavailable,
  launchChromium,
  overflowsHorizontally,
  screenshot,
} from '../support/browser';
import { OPERATOR } from '../support/explorer';
import { eventually, tempDir } from '../support/infra';
import type { RealStack } from '../support/stack';
import { STACK_GRAFANA_URL, startRealStack } from '../support/stack';

interface Committed {
  txId: string;
  blockNumber: number;
}

describe('explorer in headless Chromium against the real stack', function () {
  this.timeout(600_000);
  let network: TestNetwork;
  let dir: string | undefined;
  let stack: RealStack | undefined;
  let browser: Browser | undefined;
  let context: BrowserContext;
  let page: Page;
  let channel: string;
  let committed: Committed;
  const assetId = `E2E-${Date.now().toString(36)}`;

  const url = (route: string) => `${stack!.explorerUrl}${route}`;

  /** Submits a CreateAsset through the DAPP and waits for its commit. */
  async function submitThroughDapp(): Promise<Committed> {
    const response = await fetch(
      `${stack!.dappUrl}/v1/channels/${channel}/chaincodes/${network.chaincode}/transactions`,
      {
        method: 'POST',
        headers: { 'x-api-key': stack!.apiKey, 'content-type': 'application/json' },
        body: JSON.stringify({
          function: 'AssetContract:CreateAsset',
          args: [assetId, 'container', 'e2e', JSON.stringify({ colour: 'green' })],
          mode: 'sync',
        }),
      },
    );
    const body = (await response.json()) as Record<string, unknown>;
    assert.equal(response.status, 200, JSON.stringify(body));
    assert.equal(body.validationCode, 'VALID');
    return { txId: String(body.txId), blockNumber: Number(body.blockNumber) };
  }

  before(async function () {
    const reason = testNetworkUnavailable() ?? chromiumUnavailable();
    if (reason) {
      process.stderr.write(`      ${reason}: skipped\n`);
      this.skip();
    }
    network = await sharedTestNetwork();
    channel = network.topology.options.channel;
    dir = tempDir('browser');
    stack = await startRealStack(network, dir);
    // the mirror catches up with the ledger before the pages are looked at
    const cookie = await (async () => {
      const response = await fetch(url('/api/session'), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(OPERATOR),
      });
      return (response.headers.get('set-cookie') ?? '').split(';')[0]!;
    })();
    await eventually(
      'the mirror to catch up with the peers',
      async () => {
        const overview = (await (
          await fetch(url('/api/overview'), { headers: { cookie } })
        ).json()) as Overview;
        const summary = overview.channels.find((item) => item.channel === channel);
        return summary && summary.height > 1 && summary.lagBlocks === 0 ? true : undefined;
      },
      240_000,
      500,
    );
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    page = await context.newPage();
  });

  after(async function () {
    await browser?.close();
    await stack?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('asks for the operator login, then shows the dashboard', async function () {
    await page.goto(url('/'));
    await page.getByLabel('User').waitFor();
    await screenshot(page, 'login');
    await page.getByLabel('User').fill(OPERATOR.user);
    await page.getByLabel('Password').fill('wrong password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('alert').filter({ hasText: 'not right' }).waitFor();
    await page.getByLabel('Password').fill(OPERATOR.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { level: 1, name: `Channel ${channel}` }).waitFor();
    assert.equal(new URL(page.url()).pathname, `/channels/${channel}`);
    await page.locator('.live-on').waitFor();
    // every figure is filled in, the charts are drawn, and every node is reported up
    await page.getByTestId('latest-blocks').waitFor();
    await page.locator('.recharts-surface').first().waitFor();
    await page.locator('.node-list .health-up').first().waitFor();
    await eventually('every node up', async () =>
      (await page.locator('.node-list .health-up').count()) ===
      network.topology.orgs.flatMap((org) => org.peers).length + network.topology.orderers.length
        ? true
        : undefined,
    );
    const stats = await page.getByTestId('channel-stats').innerText();
    assert.doesNotMatch(stats, /…/);
  });

  it('shows a transaction submitted through the DAPP as its block arrives, without reloading', async function () {
    await page.evaluate('window.__notReloaded = true');
    committed = await submitThroughDapp();
    const row = page
      .getByTestId('latest-blocks')
      .getByRole('link', { name: String(committed.blockNumber), exact: true });
    await row.waitFor({ timeout: 60_000 });
    assert.equal(await page.evaluate('window.__notReloaded'), true);
    await page.getByTestId('latest-transactions').locator(`a[href*="${committed.txId}"]`).waitFor();
    await screenshot(page, 'dashboard');
  });

  it('opens the block and its transaction from the dashboard', async function () {
    await page
      .getByTestId('latest-blocks')
      .getByRole('link', { name: String(committed.blockNumber), exact: true })
      .click();
    await page.getByRole('heading', { level: 1, name: `Block ${committed.blockNumber}` }).waitFor();
    const facts = await page.locator('dl.facts').innerText();
    assert.match(facts, /matches the block's data/);
    await page
      .getByRole('link', { name: `Block ${committed.blockNumber - 1}` })
      .first()
      .waitFor();
    await screenshot(page, 'block');
    await page.locator(`a[href*="${committed.txId}"]`).click();
    await page.getByRole('heading', { level: 1, name: 'Transaction' }).waitFor();
    // the heading shows while the transaction still loads; wait for its details
    await page.locator('main').getByText('AssetContract:CreateAsset').first().waitFor();
    const detail = await page.locator('main').innerText();
    assert.match(detail, new RegExp(committed.txId));
    assert.match(detail, /AssetContract:CreateAsset/);
    assert.match(detail, /Org1MSP/);
    assert.match(detail, /VALID/);
    assert.match(detail, new RegExp(assetId));
    assert.match(detail, /AssetCreated/);
    await screenshot(page, 'transaction');
  });

  it('finds the transaction by its id in the search box', async function () {
    await page.goto(url(`/channels/${channel}/blocks`));
    await page.getByRole('heading', { level: 1, name: 'Blocks' }).waitFor();
    await screenshot(page, 'blocks');
    const search = page.getByRole('searchbox', { name: /Search by block number/ });
    await search.fill(committed.txId);
    await search.press('Enter');
    await page.waitForURL((target) => target.pathname.endsWith(`/transactions/${committed.txId}`));
    await page.getByRole('heading', { level: 1, name: 'Transaction' }).waitFor();
    // a block number and a key part find their pages too
    await search.fill(String(committed.blockNumber));
    await search.press('Enter');
    await page.getByRole('heading', { level: 1, name: `Block ${committed.blockNumber}` }).waitFor();
    await search.fill(assetId);
    await search.press('Enter');
    // the asset's id is also a part of its index keys, so the results page lists them all
    await page.getByRole('link', { name: `Key asset ${assetId} of ${network.chaincode}` }).click();
    await page.getByRole('heading', { level: 1, name: /^Key/ }).waitFor();
    // the heading shows while the key still loads; wait for its value
    await page.locator('main').getByText(/green/).first().waitFor();
    assert.match(await page.locator('main').innerText(), /green/);
    await screenshot(page, 'key');
  });

  it('lists chaincodes with version and sequence, world state, assets, tokens and nodes', async function () {
    await page.goto(url(`/channels/${channel}/chaincodes`));
    const row = page.getByRole('row').filter({ hasText: network.chaincode }).first();
    await row.waitFor();
    assert.match(await row.innerText(), /\b1\b/);
    await screenshot(page, 'chaincodes');

    await page.goto(url(`/channels/${channel}/state/${network.chaincode}`));
    await page.getByTestId('state-table').waitFor();
    await page.getByLabel('Key contains').fill(assetId);
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByTestId('state-table').getByText(assetId).first().waitFor();
    await screenshot(page, 'state');

    await page.goto(url(`/channels/${channel}/assets?owner=Org1MSP`));
    await page.getByRole('link', { name: assetId }).waitFor();
    await screenshot(page, 'assets');

    await page.goto(url(`/channels/${channel}/tokens`));
    await page.getByRole('heading', { level: 1, name: 'Token balances' }).waitFor();
    await screenshot(page, 'tokens');

    await page.goto(url('/nodes'));
    await page.locator('.node-card').first().waitFor();
    assert.equal(
      await page.locator('.node-card').count(),
      network.topology.orgs.flatMap((org) => org.peers).length + network.topology.orderers.length,
    );
    // with a Grafana URL configured, each node links to its dashboard
    const links = await page.getByRole('link', { name: 'Grafana dashboard' }).all();
    const dashboards = await Promise.all(links.map((link) => link.getAttribute('href')));
    assert.equal(dashboards.length, await page.locator('.node-card').count());
    assert.ok(dashboards.includes(`${STACK_GRAFANA_URL}/d/consortia-peers`), String(dashboards));
    assert.ok(dashboards.includes(`${STACK_GRAFANA_URL}/d/consortia-ordering`), String(dashboards));
    await screenshot(page, 'nodes');

    // and each organization with transactions to its peers' dashboard
    await page.goto(url(`/channels/${channel}`));
    const org = page.getByRole('link', { name: 'Org1MSP' });
    await org.waitFor();
    assert.equal(
      await org.getAttribute('href'),
      `${STACK_GRAFANA_URL}/d/consortia-peers?var-org=Org1MSP`,
    );
  });

  it('is usable from the keyboard: skip link first, focus on the new page’s heading', async function () {
    await page.goto(url(`/channels/${channel}`));
    await page.getByTestId('latest-blocks').waitFor();
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate('document.activeElement.textContent'), 'Skip to content');
    await page.getByRole('link', { name: 'Blocks', exact: true }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Blocks' }).waitFor();
    await eventually('focus on the heading', async () =>
      (await page.evaluate('document.activeElement.id')) === 'page-title' ? true : undefined,
    );
  });

  it('fits a phone screen', async function () {
    const phone = await browser!.newPage({ viewport: { width: 390, height: 844 } });
    try {
      // the session cookie belongs to the first context; a phone logs in on its own
      await phone.goto(url(`/channels/${channel}/transactions/${committed.txId}`));
      await phone.getByLabel('User').fill(OPERATOR.user);
      await phone.getByLabel('Password').fill(OPERATOR.password);
      await phone.getByRole('button', { name: 'Log in' }).click();
      await phone.getByRole('heading', { level: 1, name: 'Transaction' }).waitFor();
      assert.equal(
        await overflowsHorizontally(phone),
        false,
        'transaction page wider than a phone',
      );
      await screenshot(phone, 'phone-transaction');
      await phone.goto(url(`/channels/${channel}`));
      await phone.getByTestId('latest-blocks').waitFor();
      await phone.locator('.recharts-surface').first().waitFor();
      // charts measure their container after the first paint; give the layout a moment to settle
      await phone.getByTestId('latest-transactions').waitFor();
      let overflows = await overflowsHorizontally(phone);
      for (let tries = 0; overflows && tries < 25; tries++) {
        await phone.waitForTimeout(200);
        overflows = await overflowsHorizontally(phone);
      }
      assert.equal(overflows, false, 'dashboard wider than a phone');
      await screenshot(phone, 'phone-dashboard');
    } finally {
      await phone.close();
    }
  });
});
