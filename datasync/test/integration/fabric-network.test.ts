// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import path from 'node:path';

import type { Topology } from '@consortia/network';
import { connectGateway } from '@consortia/network/testing';

import { GatewayBlockSource } from '../../src/source/gateway-source';
import { ChannelSync } from '../../src/sync/channel-sync';
import { verifyMirror } from '../../src/verify/verify';
import { fabricUnavailable, gatewayOptions, testNetwork } from '../support/fabric';
import type { TestPostgres } from '../support/postgres';
import { checkpoint, quietLogger, startPostgres, waitUntil } from '../support/postgres';
import { generateTraffic } from '../support/traffic';

const ENTRY = path.join(__dirname, '..', '..', 'src', 'index.ts');

describe('datasync against a real Fabric network (real peers, orderers and Postgres)', function () {
  this.timeout(900_000);
  let topology: Topology;
  let postgres: TestPostgres;
  const channel = () => topology.options.channel;

  before(async function () {
    const reason = fabricUnavailable();
    if (reason) {
      process.stderr.write(`      ${reason}: skipped\n`);
      this.skip();
    }
    topology = await testNetwork();
    postgres = await startPostgres('fabric', 32160);
  });

  after(async function () {
    await postgres?.stop();
  });

  it('mirror equals the ledger after chaincode traffic, and verify is clean', async function () {
    const source = new GatewayBlockSource(gatewayOptions(topology, topology.orgs[0]!));
    const connection = connectGateway(topology, topology.orgs[0]!);
    try {
      await generateTraffic(connection.gateway, channel(), 120);
    } finally {
      connection.close();
    }
    const sync = new ChannelSync({
      channel: channel(),
      source,
      pool: postgres.pool,
      logger: quietLogger(),
      heightPollMs: 500,
    });
    sync.start();
    try {
      const height = await source.height(channel());
      await waitUntil(
        'the mirror to reach the chain height',
        async () => (await checkpoint(postgres.pool, channel())) >= height - 1,
        300_000,
      );
      const report = await verifyMirror({
        pool: postgres.pool,
        ledger: source,
        channels: [channel()],
        sampleSize: 50,
        // the shared network may grow meanwhile; the running sync follows it
        catchUpMs: 60_000,
      });
      assert.deepEqual(report.differences, []);
      assert.ok(report.channels[0]!.blocksCompared >= height);
      const assets = await postgres.pool.query<{ count: string }>('SELECT count(*) FROM v_assets');
      assert.ok(Number(assets.rows[0]!.count) >= 90);
    } finally {
      await sync.stop();
      await source.close();
    }
  });

  it('SIGKILL during catch-up from the peer, restart: every block once, verify clean', async function () {
    await postgres.pool.query(
      'TRUNCATE outbox, chaincode_events, writes, world_state, transactions, blocks, checkpoints',
    );
    const options = gatewayOptions(topology, topology.orgs[0]!);
    const env = {
      ...process.env,
      PORT: '32170',
      DATABASE_URL: postgres.database.connectionString,
      FABRIC_CHANNEL: channel(),
      FABRIC_MSP_ID: options.mspId,
      FABRIC_PEER_ENDPOINTS: options.peerEndpoints.join(','),
      FABRIC_CERT_FILE: options.certFile,
      FABRIC_KEY_FILE: options.keyFile,
      FABRIC_TLS_CA_FILE: options.tlsCaFile,
      LOG_LEVEL: 'warn',
    };
    const start = (): ChildProcess =>
      spawn(process.execPath, ['--require', 'tsx/cjs', ENTRY, 'run'], {
        env,
        stdio: ['ignore', 'ignore', 'inherit'],
      });
    const first = start();
    try {
      await waitUntil(
        'catch-up under way',
        async () => (await checkpoint(postgres.pool, channel())) >= 5,
        120_000,
      );
    } finally {
      first.kill('SIGKILL');
    }
    const second = start();
    const source = new GatewayBlockSource(options);
    try {
      const height = await source.height(channel());
      await waitUntil(
        'the restarted mirror to catch up',
        async () => (await checkpoint(postgres.pool, channel())) >= height - 1,
        300_000,
      );
      const report = await verifyMirror({
        pool: postgres.pool,
        ledger: source,
        channels: [channel()],
        sampleSize: 50,
        // the shared network may grow meanwhile; the running sync follows it
        catchUpMs: 60_000,
      });
      assert.deepEqual(report.differences, []);
    } finally {
      second.kill('SIGTERM');
      await new Promise((resolve) => second.once('exit', resolve));
      await source.close();
    }
  });
});
