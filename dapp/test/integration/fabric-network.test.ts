// SPDX-License-Identifier: Apache-2.0
// The DAPP against a real Fabric network: sync and async TokenContract transfers, a worker process
// killed with SIGKILL mid-burst (ledger commits counted), and failover with a peer down. Skipped,
// with the reason logged, where the Fabric binaries cannot be installed.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import path from 'node:path';

import { consortiaHome, stopDaemon, up } from '@consortia/network';

import { hashApiKey } from '../../src/http/auth';
import type { NetworkDapp } from '../support/fabric';
import { CHAINCODE, log, skipWithoutNetwork, startNetworkDapp } from '../support/fabric';
import type { DappAnswer } from '../support/http';
import { callDapp } from '../support/http';
import { eventually, tempDir } from '../support/infra';

const home = consortiaHome();

describe('DAPP on a real Fabric network (real peers, orderer, Kafka, Postgres)', function () {
  this.timeout(900_000);
  let front: NetworkDapp | undefined;
  let apiKey: string;
  let channel: string;
  const workers: ChildProcess[] = [];

  const call = (method: string, route: string, body?: unknown): Promise<DappAnswer> =>
    callDapp(front!.base, apiKey, method, route, body);

  const txPath = () => `/v1/channels/${channel}/chaincodes/${CHAINCODE}/transactions`;
  const balance = async (account: string) =>
    (
      await call('POST', `/v1/channels/${channel}/chaincodes/${CHAINCODE}/queries`, {
        function: 'TokenContract:BalanceOf',
        args: [account],
      })
    ).body.result;
  const newAccount = () => crypto.randomBytes(32).toString('hex');

  function startWorker(): ChildProcess {
    const child = spawn(
      process.execPath,
      [path.resolve(__dirname, '..', '..', 'dist', 'index.js'), 'worker'],
      {
        env: { ...process.env, ...front!.env },
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    workers.push(child);
    return child;
  }

  before(async function () {
    skipWithoutNetwork(this);
    const key = await hashApiKey('network-test');
    apiKey = key.key;
    front = await startNetworkDapp(tempDir('fabric-dapp'), {
      DAPP_API_KEYS: key.entry,
      DAPP_IN_PROCESS_WORKER: 'false',
    });
    channel = front.network.topology.options.channel;
    startWorker();
  });

  after(async function () {
    for (const child of workers)
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await front?.stop();
  });

  it('submits a transfer synchronously and finds it on the ledger', async function () {
    const recipient = newAccount();
    const answer = await call('POST', txPath(), {
      function: 'TokenContract:Transfer',
      args: [recipient, '1.25'],
      mode: 'sync',
    });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.equal(answer.body.validationCode, 'VALID');
    const ledger = await call('GET', `/v1/transactions/${String(answer.body.txId)}`);
    assert.equal(ledger.body.valid, true);
    assert.equal(ledger.body.blockNumber, answer.body.blockNumber);
    assert.equal(await balance(recipient), '1.25');
  });

  it('refuses a reused request id with the chaincode DUPLICATE_REQUEST', async function () {
    const requestId = crypto.randomUUID();
    const body = { function: 'TokenContract:Transfer', args: [newAccount(), '1'], requestId };
    assert.equal((await call('POST', txPath(), body)).status, 200);
    const again = await call('POST', txPath(), { ...body, requestId });
    assert.equal(again.status, 409);
  });

  it('passes an INSUFFICIENT_FUNDS refusal through with each peer message', async function () {
    const answer = await call('POST', txPath(), {
      function: 'TokenContract:Transfer',
      args: [newAccount(), '999999999999'],
    });
    assert.equal(answer.status, 422);
    const error = answer.body.error as { chaincode: { code: string }; details: unknown[] };
    assert.equal(error.chaincode.code, 'INSUFFICIENT_FUNDS');
  });

  it('commits async transfers through Kafka and the worker', async function () {
    const recipient = newAccount();
    const ids: string[] = [];
    for (let index = 0; index < 10; index += 1) {
      const answer = await call('POST', txPath(), {
        function: 'TokenContract:Transfer',
        args: [recipient, '1'],
        mode: 'async',
        key: 'sender-user1',
      });
      assert.equal(answer.status, 202);
      ids.push(String(answer.body.requestId));
    }
    for (const id of ids) {
      await eventually(
        `${id} committed`,
        async () => {
          const status = await call('GET', `/v1/requests/${id}`);
          return status.body.status === 'committed' ? true : undefined;
        },
        120_000,
        500,
      );
    }
    assert.equal(await balance(recipient), '10');
  });

  it('commits each accepted request exactly once on the ledger across a SIGKILL of the worker', async function () {
    const recipient = newAccount();
    const COUNT = 40;
    const ids: string[] = [];
    for (let index = 0; index < COUNT; index += 1) {
      const answer = await call('POST', txPath(), {
        function: 'TokenContract:Transfer',
        args: [recipient, '1'],
        mode: 'async',
        key: 'sender-user1',
      });
      assert.equal(answer.status, 202);
      ids.push(String(answer.body.requestId));
    }
    await eventually(
      'a few commits',
      async () => {
        const committed = await Promise.all(ids.map((id) => call('GET', `/v1/requests/${id}`)));
        return committed.filter((status) => status.body.status === 'committed').length >= 5
          ? true
          : undefined;
      },
      120_000,
      300,
    );
    for (const child of workers) if (child.exitCode === null) child.kill('SIGKILL');
    startWorker();
    const txIds = new Set<string>();
    for (const id of ids) {
      const status = await eventually(
        `${id} committed`,
        async () => {
          const answer = await call('GET', `/v1/requests/${id}`);
          return answer.body.status === 'committed' ? answer.body : undefined;
        },
        300_000,
        500,
      );
      txIds.add(String(status.txId));
    }
    assert.equal(txIds.size, COUNT, 'one distinct transaction per request');
    assert.equal(
      await balance(recipient),
      String(COUNT),
      'exactly one ledger commit per accepted request',
    );
  });

  it('keeps submitting through the other peer of the org when one is down', async function () {
    const peer = front!.network.org.peers[0]!;
    await stopDaemon(front!.network.topology.paths.run, peer.name);
    try {
      const recipient = newAccount();
      const answer = await call('POST', txPath(), {
        function: 'TokenContract:Transfer',
        args: [recipient, '2'],
      });
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      assert.equal(await balance(recipient), '2');
    } finally {
      await up(home, { stateDir: front!.network.stateDir }, log);
    }
  });
});
