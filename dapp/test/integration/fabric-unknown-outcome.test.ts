// SPDX-License-Identifier: Apache-2.0
// On a real Fabric network: a transaction whose commit-status wait times out (a tiny
// FABRIC_COMMIT_TIMEOUT_MS) is reported `unknown`, never `failed`, and reconciliation then records
// the commit the ledger shows, exactly once. Skipped, with the reason logged, where the Fabric
// binaries cannot be installed.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';

import { hashApiKey } from '../../src/http/auth';
import type { NetworkDapp } from '../support/fabric';
import { CHAINCODE, log, skipWithoutNetwork, startNetworkDapp } from '../support/fabric';
import type { DappAnswer } from '../support/http';
import { callDapp } from '../support/http';
import { eventually, tempDir } from '../support/infra';

describe('DAPP outcomes in doubt on a real Fabric network', function () {
  this.timeout(900_000);
  const dir = tempDir('fabric-unknown');
  let dapp: NetworkDapp | undefined;
  let apiKey: string;
  let channel: string;

  const call = (method: string, route: string, body?: unknown): Promise<DappAnswer> =>
    callDapp(dapp!.base, apiKey, method, route, body);

  const balance = async (account: string) =>
    (
      await call('POST', `/v1/channels/${channel}/chaincodes/${CHAINCODE}/queries`, {
        function: 'TokenContract:BalanceOf',
        args: [account],
      })
    ).body.result;

  const settled = (requestId: string) =>
    eventually(
      `${requestId} settled`,
      async () => {
        const record = (await call('GET', `/v1/requests/${requestId}`)).body;
        assert.notEqual(record.status, 'failed', JSON.stringify(record));
        return record.status === 'committed' ? record : undefined;
      },
      120_000,
      250,
    );

  before(async function () {
    skipWithoutNetwork(this);
    const key = await hashApiKey('doubt-test');
    apiKey = key.key;
    dapp = await startNetworkDapp(dir, {
      DAPP_API_KEYS: key.entry,
      // The wait for the commit status gives up at once; the transaction still commits.
      FABRIC_COMMIT_TIMEOUT_MS: '1',
      RETRY_MAX_ATTEMPTS: '1',
      RECONCILE_INTERVAL_MS: '500',
      RECONCILE_GRACE_MS: '1000',
    });
    channel = dapp.network.topology.options.channel;
  });

  after(async function () {
    await dapp?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers a sync transfer 202 unknown, then records the commit from the ledger', async function () {
    const recipient = crypto.randomBytes(32).toString('hex');
    // unique per run: the shared network keeps its ledger, and with it every request id used
    const syncId = `doubt-sync-${crypto.randomBytes(4).toString('hex')}`;
    const answer = await call(
      'POST',
      `/v1/channels/${channel}/chaincodes/${CHAINCODE}/transactions`,
      {
        function: 'TokenContract:Transfer',
        args: [recipient, '0.75'],
        requestId: syncId,
        mode: 'sync',
      },
    );
    // Asked right after the timeout, the ledger cannot show it yet: the block is still being cut.
    assert.equal(answer.status, 202, JSON.stringify(answer.body));
    assert.equal(answer.body.status, 'unknown');
    const txId = String(answer.body.txId);
    assert.match(txId, /^[0-9a-f]{64}$/);
    const record = await settled(syncId);
    assert.equal(record.txId, txId);
    const ledger = await call('GET', `/v1/transactions/${txId}?channel=${channel}`);
    assert.equal(ledger.body.valid, true);
    assert.equal(await balance(recipient), '0.75', 'committed exactly once');
    log(
      `sync answered ${answer.status}; settled as committed in block ${String(record.blockNumber)}`,
    );
  });

  it('records an async transfer whose commit wait timed out as unknown, then committed', async function () {
    const recipient = crypto.randomBytes(32).toString('hex');
    // unique per run: the shared network keeps its ledger, and with it every request id used
    const asyncId = `doubt-async-${crypto.randomBytes(4).toString('hex')}`;
    const answer = await call(
      'POST',
      `/v1/channels/${channel}/chaincodes/${CHAINCODE}/transactions`,
      {
        function: 'TokenContract:Transfer',
        args: [recipient, '0.5'],
        requestId: asyncId,
        mode: 'async',
      },
    );
    assert.equal(answer.status, 202, JSON.stringify(answer.body));
    const record = await settled(asyncId);
    // a later attempt may have been sent while the first was in doubt; the chaincode lets only
    // one commit, and the recorded transaction is one of the request's own attempts
    assert.ok(
      (record.attemptTxIds as string[]).includes(record.txId as string),
      JSON.stringify(record),
    );
    const ledger = await call('GET', `/v1/transactions/${String(record.txId)}?channel=${channel}`);
    assert.equal(ledger.body.valid, true);
    assert.equal(await balance(recipient), '0.5', 'committed exactly once');
  });
});
