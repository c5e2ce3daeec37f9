// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import type { OrgServicesRecord } from '../../../src/state/manifest';
import {
  forgetOrgServices,
  orgServices,
  orgServicesRecord,
  startRecordedOrgServices,
} from '../../../src/membership/org-services';
import { down } from '../../../src/operations/down';
import { startNetworkServices } from '../../../src/operations/services';
import { networkStatus } from '../../../src/operations/status';
import { isOurs, readPidRecord, startDaemon } from '../../../src/process/supervisor';
import type { LocalCredentials, ServiceRunner } from '../../../src/services/local-services';
import {
  manifestFromOptions,
  manifestPath,
  readManifest,
  writeManifest,
} from '../../../src/state/manifest';
import { parseNetworkOptions } from '../../../src/topology/options';
import type { Org, Topology } from '../../../src/topology/topology';
import { buildTopology } from '../../../src/topology/topology';
import { tempDir, testBasePort } from '../../support/temp';

const BASE_PORT = testBasePort(10);

const credentials: LocalCredentials = {
  dapp: { key: 'local.key', entry: 'local:salt:hash:default|@users|@identity-admin' },
  appApiJwtSecret: 'jwt-secret',
  explorer: {
    user: 'operator',
    password: 'password',
    passwordHash: 'scrypt:hash',
    sessionSecret: 'session-secret',
  },
};

/**
 * The state dir of a network Org3 joined with its own services (`org add --services`), as it is
 * after `down`: network.json, the kept DAPP key, no process running.
 */
function networkWithOrg3Services(label: string): { topology: Topology; org3: Org } {
  const stateDir = path.join(tempDir(label), 'network');
  const options = parseNetworkOptions(
    { stateDir, basePort: String(BASE_PORT), consensus: 'etcdraft', crypto: 'cryptogen' },
    {},
  );
  const members = [
    { index: 1, peers: 2 },
    { index: 2, peers: 2 },
    { index: 3, peers: 2 },
  ];
  const topology = buildTopology({ ...options, members });
  const org3 = topology.orgs.find((org) => org.name === 'Org3');
  assert.ok(org3);
  fs.mkdirSync(path.join(stateDir, 'services'), { recursive: true });
  fs.writeFileSync(
    path.join(stateDir, 'services', 'dapp-api-key.json'),
    JSON.stringify({ key: credentials.dapp.key, entry: credentials.dapp.entry }),
  );
  writeManifest(manifestPath(stateDir), {
    ...manifestFromOptions(options, '2.5.15'),
    channelReady: true,
    orgs: 3,
    members,
    orgServices: { Org3MSP: orgServicesRecord(topology, org3, 'consortia') },
  });
  return { topology, org3 };
}

/** The progress lines of the commands under test. */
const lines: string[] = [];
const progress = (line: string) => lines.push(line);

/** Runs nothing: records what would have started, in order. */
function recordingRunner() {
  const ran: { name: string; url: string; env: Record<string, string> }[] = [];
  const run: ServiceRunner = (_topology, service) => {
    ran.push({ name: service.name, url: service.url, env: service.env });
    return Promise.resolve(true);
  };
  return { ran, run };
}

describe("an added organization's own services across restarts", function () {
  this.timeout(20_000);

  it('records the ports of its port block and the chaincode they serve, until the org leaves', function () {
    const { topology, org3 } = networkWithOrg3Services('org-services-record');
    const record: OrgServicesRecord = orgServicesRecord(topology, org3, 'consortia');
    assert.deepEqual(record, {
      chaincode: 'consortia',
      ports: {
        dapp: { http: BASE_PORT + 380, postgres: BASE_PORT + 382 },
        datasync: { http: BASE_PORT + 381, postgres: BASE_PORT + 383 },
      },
    });
    const manifest = readManifest(topology.paths.manifest);
    assert.ok(manifest);
    assert.deepEqual(Object.keys(manifest.orgServices ?? {}), ['Org3MSP']);
    forgetOrgServices(manifest, org3);
    assert.deepEqual(manifest.orgServices, {});
  });

  it("are started by `start` after the first org's services, as `org add --services` ran them", async function () {
    const { topology, org3 } = networkWithOrg3Services('org-services-start');
    const { ran, run } = recordingRunner();
    const started = await startNetworkServices(topology, 'consortia', credentials, progress, run);
    assert.deepEqual(
      ran.map((service) => service.name),
      ['dapp', 'datasync', 'app-api', 'explorer', 'dapp.org3', 'datasync.org3'],
    );
    assert.deepEqual(
      started.orgs.map((service) => [service.name, service.url]),
      [
        ['dapp.org3', `http://127.0.0.1:${BASE_PORT + 380}`],
        ['datasync.org3', `http://127.0.0.1:${BASE_PORT + 381}`],
      ],
    );
    assert.ok(lines.includes(`starting dapp.org3 on http://127.0.0.1:${BASE_PORT + 380}`));
    // the very settings `org add --services` gave them: ports, data dirs, peers, key, chaincode
    const added = await orgServices(topology, org3, orgServicesRecord(topology, org3, 'consortia'));
    assert.deepEqual(
      ran.slice(4).map((service) => service.env),
      added.map((service) => service.env),
    );
    const dapp = ran[4]?.env ?? {};
    assert.equal(dapp.FABRIC_MSP_ID, 'Org3MSP');
    assert.equal(dapp.FABRIC_CHAINCODE, 'consortia');
    assert.equal(dapp.PORT, String(BASE_PORT + 380));
    assert.equal(dapp.DAPP_EMBEDDED_PG_PORT, String(BASE_PORT + 382));
    assert.equal(
      dapp.DAPP_DATA_DIR,
      path.join(topology.options.stateDir, 'services', 'org3', 'dapp', 'postgres'),
    );
    assert.equal(dapp.DAPP_API_KEYS, credentials.dapp.entry);
    assert.equal(
      ran[5]?.env.DATASYNC_DATA_DIR,
      path.join(topology.options.stateDir, 'services', 'org3', 'datasync', 'postgres'),
    );
  });

  it('are started by `up`, alone, and not for an organization that left', async function () {
    const { topology } = networkWithOrg3Services('org-services-up');
    const { ran, run } = recordingRunner();
    await startRecordedOrgServices(topology, [], progress, run);
    assert.deepEqual(
      ran.map((service) => service.name),
      ['dapp.org3', 'datasync.org3'],
    );

    const org2Only = buildTopology({
      ...topology.options,
      members: [
        { index: 1, peers: 2 },
        { index: 2, peers: 2 },
      ],
    });
    const none = recordingRunner();
    await startRecordedOrgServices(org2Only, [], progress, none.run);
    assert.deepEqual(none.ran, []);
  });

  it('are listed by `status`, stopped while they do not run', async function () {
    const { topology } = networkWithOrg3Services('org-services-status');
    const status = await networkStatus(tempDir('home'), topology.options.stateDir);
    assert.deepEqual(
      status.processes
        .filter((process) => process.kind === 'service')
        .map((process) => [process.name, process.port, process.running, process.healthy]),
      [
        ['dapp.org3', BASE_PORT + 380, false, false],
        ['datasync.org3', BASE_PORT + 381, false, false],
      ],
    );
  });

  it('are stopped by `down`', async function () {
    const { topology } = networkWithOrg3Services('org-services-down');
    const runDir = topology.paths.run;
    for (const name of ['dapp.org3', 'datasync.org3']) {
      startDaemon({
        name,
        command: process.execPath,
        args: ['-e', 'setInterval(() => {}, 1000)'],
        runDir,
        logDir: topology.paths.logs,
      });
    }
    const records = ['dapp.org3', 'datasync.org3'].map((name) => readPidRecord(runDir, name));
    assert.ok(records.every((record) => record !== undefined && isOurs(record)));
    const result = await down(topology.options.stateDir, false);
    assert.deepEqual(
      result.stopped.map((stop) => [stop.name, stop.result]),
      [
        ['dapp.org3', 'stopped'],
        ['datasync.org3', 'stopped'],
      ],
    );
    for (const record of records) assert.equal(record && isOurs(record), false);
  });
});
