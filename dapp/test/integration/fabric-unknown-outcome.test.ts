// SPDX-License-Identifier: Apache-2.0
// On a real Fabric network: a transaction whose commit-status wait times out (a tiny
// FABRIC_COMMIT_TIMEOUT_MS) is reported `unknown`, never `failed`, and reconciliation then records
// the commit the ledger shows, exactly once. Skipped, with the reason logged, where the Fabric
// binaries cannot be installed.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';

import type { Database } from '@consortia/common';
import { createLogger } from '@consortia/common';
import { testNetworkUnavailable } from '@consortia/network/testing';

import { readConfig } from '../../src/config';
import { hashApiKey } from '../../src/http/auth';
import type { RunningService } from '../../src/service';
import { startService } from '../../src/service';
import type { DappNetwork } from '../support/fabric';
import { CHAINCODE, startDappNetwork } from '../support/fabric';
import { eventually, startPostgres, tempDir } from '../support/infra';

const log = (message: string) => process.stderr.write(`      ${message}\n`);

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

describe('DAPP outcomes in doubt on a real Fabric network', function () {
  this.timeout(900_000);
  const dir = tempDir('fabric-unknown');
  let network: DappNetwork | undefined;
  let database: Database | undefined;
  let service: RunningService | undefined;
  let base: string;
  let apiKey: string;
  let channel: string;

  async function call(method: string, route: string, body?: unknown): Promise<Answer> {
    const response = await fetch(`${base}${route}`, {
      method,
      headers: { 'x-api-key': apiKey, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

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
    const unavailable = testNetworkUnavailable();
    if (unavailable) {
      log(`${unavailable}: skipped`);
      this.skip();
    }
    network = await startDappNetwork(log);
    channel = network.topology.options.channel;
    database = await startPostgres(dir);
    const key = await hashApiKey('doubt-test');
    apiKey = key.key;
    service = await startService(
      readConfig({
        ...network.env,
        HOST: '127.0.0.1',
        PORT: '0',
        LOG_LEVEL: 'warn',
        DATABASE_URL: database.connectionString,
        DAPP_API_KEYS: key.entry,
        KAFKA_SESSION_TIMEOUT_MS: '6000',
        // The wait for the commit status gives up at once; the transaction still commits.
        FABRIC_COMMIT_TIMEOUT_MS: '1',
        RETRY_MAX_ATTEMPTS: '1',
        RECONCILE_INTERVAL_MS: '500',
        RECONCILE_GRACE_MS: '1000',
      }),
      createLogger('dapp-test', 'warn'),
      'serve',
    );
    base = `http://127.0.0.1:${service.port}`;
  });

  after(async function () {
    await service?.stop();
    await database?.stop();
    await network?.stop();
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
