// SPDX-License-Identifier: Apache-2.0
/**
 * Organizations joining and leaving a real running network, under continuous traffic: a Kafka
 * network of Org1 and Org2 (cryptogen, 2 peers each) with the business chaincode and Org1's
 * datasync and explorer; Org3 joins with 2 peers and its own DAPP and datasync, its peers reach
 * the channel's height, it endorses and submits transactions through its DAPP, its mirror
 * verifies clean, Org1's mirror shows its transactions and the explorer (not restarted) lists it
 * among the members; the network restarts and Org3's own services run again from network.json
 * (listed by `status`, its DAPP ready and submitting); then Org2 leaves, the explorer stops listing it, and Org1 and Org3 keep
 * committing. Run with `npm run test:membership -w
 * network`: it starts its own network (base port 24000, or CONSORTIA_MEMBERSHIP_TEST_BASE_PORT)
 * in a fresh state dir and stops and removes it at the end. It takes minutes.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import os from 'node:os';
import path from 'node:path';

import { deployChaincode } from '../../src/chaincode/deploy';
import { channelHeight } from '../../src/fabric/channel-info';
import type { GatewayConnection } from '../../src/fabric/gateway-client';
import { connectGateway } from '../../src/fabric/gateway-client';
import { consortiaHome } from '../../src/install';
import { addOrg } from '../../src/membership/add-org';
import type { OrgService } from '../../src/membership/org-services';
import { startRecordedOrgServices } from '../../src/membership/org-services';
import { removeOrg } from '../../src/membership/remove-org';
import { down } from '../../src/operations/down';
import { loadNetwork, networkStatus } from '../../src/operations/status';
import { up } from '../../src/operations/up';
import { REPOSITORY_ROOT } from '../../src/repository';
import { runCommand } from '../../src/process/run-command';
import {
  localApiKey,
  localCredentials,
  localServices,
  startLocalServices,
} from '../../src/services/local-services';
import type { LocalService } from '../../src/services/local-services';
import { writeManifest } from '../../src/state/manifest';
import type { Org, Topology } from '../../src/topology/topology';

const BASE_PORT = Number(process.env.CONSORTIA_MEMBERSHIP_TEST_BASE_PORT ?? 24000);
const STATE_DIR = path.join(os.tmpdir(), `consortia-membership-${BASE_PORT}`);
const CHAINCODE = 'consortia';
/**
 * The chaincode's endorsement policy; by default the channel's (a majority of the members, which
 * follows the membership by itself). A signature policy such as
 * "AND('Org1MSP.peer','Org2MSP.peer')" makes the joining and the leaving move the definition to a
 * new sequence that names the members.
 */
const POLICY = process.env.CONSORTIA_MEMBERSHIP_TEST_POLICY;

const log = (line: string) => console.log(`      ${line}`);

function orgNamed(topology: Topology, name: string): Org {
  const org = topology.orgs.find((candidate) => candidate.name === name);
  assert.ok(org, `${name} is a member`);
  return org;
}

/** Submits CreateAsset as the org's user, endorsed only by the given organizations. */
async function createAsset(
  connection: GatewayConnection,
  topology: Topology,
  endorsers?: string[],
): Promise<string> {
  const id = `MEMBER-${crypto.randomUUID().slice(0, 8)}`;
  const contract = connection.gateway
    .getNetwork(topology.options.channel)
    .getContract(CHAINCODE, 'AssetContract');
  const proposal = contract.newProposal('CreateAsset', {
    arguments: [id, 'container', 'alice', '{}'],
    ...(endorsers ? { endorsingOrganizations: endorsers } : {}),
  });
  const transaction = await proposal.endorse();
  const commit = await transaction.submit();
  const status = await commit.getStatus();
  assert.ok(status.successful, `${id} committed valid (code ${status.code})`);
  return id;
}

/** Org1 submits a transaction every second until stopped, counting what committed. */
function continuousTraffic(connection: GatewayConnection, topology: Topology) {
  const counts = { committed: 0, failed: 0, errors: [] as string[] };
  let running = true;
  const loop = (async () => {
    while (running) {
      try {
        await createAsset(connection, topology);
        counts.committed += 1;
      } catch (error) {
        counts.failed += 1;
        counts.errors.push(error instanceof Error ? (error.message.split('\n')[0] ?? '') : '');
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  })();
  return {
    counts,
    stop: async () => {
      running = false;
      await loop;
      return counts;
    },
  };
}

/** Until `check` returns something, or fails with its last error after `ms`. */
async function eventually<T>(what: string, check: () => Promise<T | undefined>, ms = 120_000) {
  const deadline = Date.now() + ms;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  const reason = last instanceof Error ? last.message : JSON.stringify(last);
  throw new Error(`${what}: not within ${ms / 1000} s${last ? ` (${reason})` : ''}`);
}

/** The explorer's API as its operator: logs in once, then GETs with the session cookie. */
async function explorerReader(explorer: LocalService) {
  const credentials = await localCredentials(STATE_DIR);
  const login = await fetch(`${explorer.url}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      user: credentials.explorer.user,
      password: credentials.explorer.password,
    }),
  });
  assert.equal(login.status, 200, await login.clone().text());
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  return async (route: string) => {
    const response = await fetch(`${explorer.url}/api${route}`, { headers: { cookie } });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
}

/** CreateAsset through an organization's own DAPP (synchronous: answers once committed). */
async function createThroughDapp(dapp: OrgService, channel: string): Promise<string> {
  const { key } = await localApiKey(STATE_DIR);
  const response = await fetch(
    `${dapp.url}/v1/channels/${channel}/chaincodes/${CHAINCODE}/transactions`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key },
      body: JSON.stringify({
        function: 'AssetContract:CreateAsset',
        args: [`DAPP-${crypto.randomUUID().slice(0, 8)}`, 'container', 'alice', '{}'],
      }),
    },
  );
  const body = (await response.json()) as { txId?: string };
  assert.equal(response.status, 200, JSON.stringify(body));
  assert.match(String(body.txId), /^[0-9a-f]{64}$/);
  return String(body.txId);
}

/** The channel's members as the explorer reads them from the newest mirrored config block. */
async function explorerMembers(
  read: Awaited<ReturnType<typeof explorerReader>>,
  channel: string,
): Promise<string[]> {
  const answer = await read(`/channels/${channel}/members`);
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  return (answer.body.members as { mspId: string }[]).map((member) => member.mspId).sort();
}

describe('organizations joining and leaving a running network', function () {
  this.timeout(1_800_000);
  const home = consortiaHome();
  const connections: GatewayConnection[] = [];
  let org3Services: OrgService[] = [];
  let readExplorer: Awaited<ReturnType<typeof explorerReader>>;
  const connect = (topology: Topology, org: Org) => {
    const connection = connectGateway(topology, org);
    connections.push(connection);
    return connection;
  };

  before(async function () {
    await down(STATE_DIR, true);
    const started = Date.now();
    const { topology } = await up(
      home,
      { crypto: 'cryptogen', consensus: 'kafka', basePort: BASE_PORT, stateDir: STATE_DIR },
      log,
    );
    const { manifest } = loadNetwork(STATE_DIR);
    await deployChaincode({ home, topology, progress: log, started: [] }, manifest, {
      path: path.join(REPOSITORY_ROOT, 'chaincode'),
      name: CHAINCODE,
      policy: POLICY,
    });
    writeManifest(topology.paths.manifest, manifest);
    // Org1's mirror and explorer run throughout, as `consortia start` runs them
    const credentials = await localCredentials(STATE_DIR);
    const services = await startLocalServices(
      topology,
      localServices(topology, CHAINCODE, credentials).filter(
        (service) => service.name === 'datasync' || service.name === 'explorer',
      ),
      [],
    );
    const explorer = services.find((service) => service.name === 'explorer');
    assert.ok(explorer, 'the explorer is built and runs');
    readExplorer = await explorerReader(explorer);
    assert.deepEqual(
      await eventually('the explorer lists the two members', async () => {
        const members = await explorerMembers(readExplorer, topology.options.channel);
        return members.length === 2 ? members : undefined;
      }),
      ['Org1MSP', 'Org2MSP'],
    );
    log(`2-org network with the chaincode in ${Math.round((Date.now() - started) / 1000)} s`);
  });

  after(async function () {
    for (const connection of connections) connection.close();
    if (!process.env.CONSORTIA_MEMBERSHIP_TEST_KEEP) await down(STATE_DIR, true);
  });

  it('adds Org3 under traffic: its peers catch up and it endorses and submits', async function () {
    const before = loadNetwork(STATE_DIR).topology;
    const traffic = continuousTraffic(connect(before, orgNamed(before, 'Org1')), before);
    const started = Date.now();
    const added = await addOrg(
      home,
      STATE_DIR,
      { name: 'Org3', peers: 2, services: { chaincode: CHAINCODE } },
      log,
    );
    org3Services = added.services;
    const { topology } = loadNetwork(STATE_DIR);
    assert.deepEqual(
      topology.orgs.map((org) => org.name),
      ['Org1', 'Org2', 'Org3'],
    );
    const org3 = orgNamed(topology, 'Org3');
    const target =
      (await channelHeight({ home, topology }, orgNamed(topology, 'Org1').peers[0]!)) ?? 0;
    for (const peer of org3.peers) {
      const height = (await channelHeight({ home, topology }, peer)) ?? 0;
      assert.ok(height >= target - 2, `${peer.name} at height ${height}, channel at ${target}`);
    }
    // a majority of three (or, under an AND policy, all three) needs Org3's endorsement
    const org3Connection = connect(topology, org3);
    await createAsset(
      org3Connection,
      topology,
      POLICY ? ['Org3MSP', 'Org1MSP', 'Org2MSP'] : ['Org3MSP', 'Org1MSP'],
    );
    const seconds = Math.round((Date.now() - started) / 1000);
    log(
      `org add took ${added.seconds} s; first Org3-endorsed transaction ${seconds} s after the command started`,
    );
    await createAsset(org3Connection, topology);

    // Org3's own DAPP endorses (on Org3's peers, and whom the policy needs) and submits
    const dapp = org3Services.find((service) => service.service === 'dapp');
    const datasync = org3Services.find((service) => service.service === 'datasync');
    assert.ok(dapp && datasync, 'Org3 runs its own DAPP and datasync');
    const channel = topology.options.channel;
    const txId = await createThroughDapp(dapp, channel);
    log(
      `first transaction through Org3's DAPP ${Math.round((Date.now() - started) / 1000)} s after the command started`,
    );
    const counts = await traffic.stop();

    // Org1's mirror has it, as Org3's; the explorer, running since before, lists Org3
    const mirrored = await eventually("Org1's mirror has Org3's transaction", async () => {
      const answer = await readExplorer(`/channels/${channel}/transactions/${txId}`);
      return answer.status === 200 ? answer.body : undefined;
    });
    const transaction = mirrored.transaction as { creatorMsp?: string } | undefined;
    assert.equal(transaction?.creatorMsp, 'Org3MSP', JSON.stringify(mirrored));
    assert.deepEqual(
      await eventually('the explorer lists Org3', async () => {
        const members = await explorerMembers(readExplorer, channel);
        return members.includes('Org3MSP') ? members : undefined;
      }),
      ['Org1MSP', 'Org2MSP', 'Org3MSP'],
    );
    // Org3's own mirror verifies clean against Org3's peer
    const verified = await runCommand(
      process.execPath,
      [path.join(REPOSITORY_ROOT, 'datasync', 'dist', 'index.js'), 'verify', '--catch-up', '120'],
      { env: { ...process.env, ...datasync.env } },
    );
    log(`Org3's mirror: ${verified.stdout.trim().split('\n').slice(-3).join(' | ')}`);
    assert.equal(verified.code, 0, `${verified.stdout}\n${verified.stderr}`);
    log(
      `traffic while Org3 joined: ${counts.committed} committed, ${counts.failed} failed ${counts.errors.slice(0, 3).join(' | ')}`,
    );
    assert.ok(counts.committed > 0, 'Org1 kept committing while Org3 joined');
  });

  it("restarts the network: Org3's own DAPP and datasync run again, on the same ports", async function () {
    const urls = org3Services.map((service) => service.url).sort();
    await down(STATE_DIR, false);
    // as `consortia up` does: the nodes, then the services network.json recorded for Org3
    const { topology } = await up(home, { stateDir: STATE_DIR }, log);
    org3Services = await startRecordedOrgServices(topology, [], log);
    assert.deepEqual(org3Services.map((service) => service.url).sort(), urls);
    const status = await networkStatus(home, STATE_DIR);
    for (const name of ['dapp.org3', 'datasync.org3']) {
      const listed = status.processes.find((process) => process.name === name);
      assert.ok(listed?.healthy, `status lists ${name} healthy: ${JSON.stringify(listed)}`);
    }
    const dapp = org3Services.find((service) => service.service === 'dapp');
    assert.ok(dapp);
    await eventually("Org3's DAPP answers /readyz", async () =>
      (await fetch(`${dapp.url}/readyz`)).status === 200 ? true : undefined,
    );
    await createThroughDapp(dapp, topology.options.channel);
    // Org1's mirror and explorer, which `down` stopped too, for the steps after
    const credentials = await localCredentials(STATE_DIR);
    const services = await startLocalServices(
      topology,
      localServices(topology, CHAINCODE, credentials).filter(
        (service) => service.name === 'datasync' || service.name === 'explorer',
      ),
      [],
    );
    const explorer = services.find((service) => service.name === 'explorer');
    assert.ok(explorer);
    readExplorer = await explorerReader(explorer);
  });

  it('removes Org2: Org1 and Org3 keep committing', async function () {
    const before = loadNetwork(STATE_DIR).topology;
    const traffic = continuousTraffic(connect(before, orgNamed(before, 'Org1')), before);
    const removed = await removeOrg(home, STATE_DIR, 'Org2', log);
    log(`org remove took ${removed.seconds} s`);
    const { topology } = loadNetwork(STATE_DIR);
    assert.deepEqual(
      topology.orgs.map((org) => org.name),
      ['Org1', 'Org3'],
    );
    await createAsset(connect(topology, orgNamed(topology, 'Org1')), topology);
    await createAsset(connect(topology, orgNamed(topology, 'Org3')), topology, [
      'Org3MSP',
      'Org1MSP',
    ]);
    const dapp = org3Services.find((service) => service.service === 'dapp');
    assert.ok(dapp);
    await createThroughDapp(dapp, topology.options.channel);
    const counts = await traffic.stop();
    assert.deepEqual(
      await eventually('the explorer stops listing Org2', async () => {
        const members = await explorerMembers(readExplorer, topology.options.channel);
        return members.includes('Org2MSP') ? undefined : members;
      }),
      ['Org1MSP', 'Org3MSP'],
    );
    log(
      `traffic while Org2 left: ${counts.committed} committed, ${counts.failed} failed ${counts.errors.slice(0, 3).join(' | ')}`,
    );
  });
});
