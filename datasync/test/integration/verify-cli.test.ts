// SPDX-License-Identifier: Apache-2.0
// `datasync verify` as an operator runs it, against the shared real Fabric network: on an empty
// mirror, against a mirror a running datasync serves from its embedded Postgres (directly and
// through `consortia service datasync verify`), and with a mirror it cannot reach.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { freePort } from '@consortia/common/testing';
import type { Topology } from '@consortia/network';
import { localCredentials, localServices } from '@consortia/network';
import { testNetworkDir } from '@consortia/network/testing';

import { GatewayBlockSource } from '../../src/source/gateway-source';
import { CHAINCODE, fabricUnavailable, gatewayOptions, testNetwork } from '../support/fabric';
import type { TestPostgres } from '../support/postgres';
import { startPostgres, waitUntil } from '../support/postgres';

const WORKSPACE = path.join(__dirname, '..', '..');
const ENTRY = path.join(WORKSPACE, 'src', 'index.ts');
const CONSORTIA = path.join(WORKSPACE, '..', 'network', 'bin', 'consortia.js');

interface Outcome {
  code: number | null;
  output: string;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, output }));
  });
}

const verify = (args: string[], env: NodeJS.ProcessEnv) =>
  run(process.execPath, ['--require', 'tsx/cjs', ENTRY, 'verify', ...args], env);

describe('datasync verify on the real network', function () {
  this.timeout(900_000);
  let topology: Topology;
  let fabricEnv: NodeJS.ProcessEnv;
  let height: number;

  before(async function () {
    const reason = fabricUnavailable();
    if (reason) {
      process.stderr.write(`      ${reason}: skipped\n`);
      this.skip();
    }
    topology = await testNetwork();
    const options = gatewayOptions(topology, topology.orgs[0]!);
    fabricEnv = {
      ...process.env,
      FABRIC_CHANNEL: topology.options.channel,
      FABRIC_MSP_ID: options.mspId,
      FABRIC_PEER_ENDPOINTS: options.peerEndpoints.join(','),
      FABRIC_CERT_FILE: options.certFile,
      FABRIC_KEY_FILE: options.keyFile,
      FABRIC_TLS_CA_FILE: options.tlsCaFile,
      LOG_LEVEL: 'warn',
    };
    const source = new GatewayBlockSource(options);
    try {
      height = await source.height(topology.options.channel);
    } finally {
      await source.close();
    }
  });

  describe('an empty mirror', function () {
    let postgres: TestPostgres;

    before(async function () {
      postgres = await startPostgres('verify-empty', await freePort());
    });

    after(async function () {
      await postgres?.stop();
    });

    it('is a mirror behind the ledger, not "no differences"', async function () {
      const outcome = await verify(['--catch-up', '0'], {
        ...fabricEnv,
        DATABASE_URL: postgres.database.connectionString,
      });
      assert.equal(outcome.code, 1, outcome.output);
      assert.doesNotMatch(outcome.output, /no differences/);
      assert.match(
        outcome.output,
        new RegExp(`mirror is behind: it holds 0 of the ledger's \\d+ blocks`),
        outcome.output,
      );
      assert.ok(height > 0);
    });

    it('offline, names the configured channel it holds nothing of', async function () {
      const outcome = await verify(['--offline'], {
        ...fabricEnv,
        DATABASE_URL: postgres.database.connectionString,
      });
      assert.equal(outcome.code, 1, outcome.output);
      assert.match(outcome.output, /holds no block of this channel/);
    });
  });

  it('prints the cause when the mirror cannot be reached', async function () {
    const port = await freePort();
    const outcome = await verify([], {
      ...fabricEnv,
      DATABASE_URL: `postgres://postgres:secret@127.0.0.1:${port}/datasync`,
    });
    assert.equal(outcome.code, 2, outcome.output);
    assert.match(outcome.output, /ECONNREFUSED/);
    assert.doesNotMatch(outcome.output, /secret/);
    assert.doesNotMatch(outcome.output, /^undefined$/m);
  });

  describe('beside a running datasync, as `npm start` runs it', function () {
    let stateDir: string;
    let datasyncEnv: NodeJS.ProcessEnv;
    let datasync: ChildProcess | undefined;
    let dataDir: string;

    before(async function () {
      stateDir = testNetworkDir();
      const credentials = await localCredentials(stateDir);
      const service = localServices(topology, CHAINCODE, credentials).find(
        (candidate) => candidate.name === 'datasync',
      )!;
      dataDir = service.env.DATASYNC_DATA_DIR!;
      if (fs.existsSync(path.join(dataDir, 'postmaster.pid'))) {
        process.stderr.write('      a datasync already runs on the shared network: skipped\n');
        this.skip();
      }
      // no Kafka: the shared broker's ledger-events topic belongs to other tests
      datasyncEnv = { ...process.env, ...service.env, LOG_LEVEL: 'warn', KAFKA_BROKERS: '' };
      datasync = spawn(process.execPath, ['--require', 'tsx/cjs', ENTRY, 'run'], {
        env: datasyncEnv,
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      await waitUntil(
        'datasync to mirror the ledger',
        async () => {
          const ready = await fetch(`${service.url}/readyz`).catch(() => undefined);
          return ready?.status === 200;
        },
        300_000,
      );
    });

    after(async function () {
      if (datasync && datasync.exitCode === null) {
        const exited = new Promise((resolve) => datasync?.once('exit', resolve));
        datasync.kill('SIGTERM');
        await exited;
      }
      // leave the shared network's state dir as it was found
      if (dataDir) {
        fs.rmSync(path.dirname(dataDir), { recursive: true, force: true });
      }
    });

    it('`datasync verify` reads the running mirror instead of starting a second server', async function () {
      const outcome = await verify(['--catch-up', '120'], datasyncEnv);
      assert.equal(outcome.code, 0, outcome.output);
      assert.match(outcome.output, /no differences/);
      assert.match(outcome.output, /blocks compared/);
    });

    it('`datasync migrate` uses the running server too', async function () {
      const outcome = await run(
        process.execPath,
        ['--require', 'tsx/cjs', ENTRY, 'migrate'],
        datasyncEnv,
      );
      assert.equal(outcome.code, 0, outcome.output);
    });

    it('`consortia service datasync verify` reaches it too', async function () {
      const outcome = await run(
        process.execPath,
        [CONSORTIA, 'service', '--state-dir', stateDir, 'datasync', 'verify', '--catch-up', '120'],
        { ...process.env },
      );
      assert.equal(outcome.code, 0, outcome.output);
      assert.match(outcome.output, /no differences/);
    });
  });
});
