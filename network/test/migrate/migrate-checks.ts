// SPDX-License-Identifier: Apache-2.0
/**
 * What the live migration test runs and checks besides the traffic: the CLI run that is killed
 * half-way, the peers' heights (`peer channel getinfo`), and datasync's own `verify` of its
 * mirror against the peer.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import { raftLeaders, readChannels } from '../../src/consensus-migration/channels';
import type { RaftConsenter } from '../../src/consensus-migration/consensus-type';
import { ordererTlsCert } from '../../src/consensus-migration/consensus-type';
import { ordererCaOrg } from '../../src/consensus-migration/orderer-crypto';
import { channelHeight } from '../../src/fabric/channel-info';
import { consortiaHome } from '../../src/install';
import type { LocalService } from '../../src/services/local-services';
import type { Topology } from '../../src/topology/topology';
import { ordererCryptoDir } from '../../src/topology/topology';
import type { DappClient, Request, Traffic } from './migrate-traffic';
import { assetExists, historyLength } from './migrate-traffic';

const CLI_FROM_SOURCE = path.join(__dirname, 'migrate-cli.ts');

/** Runs the CLI's migration and SIGKILLs it once its output shows `marker`. */
export function migrateUntilKilled(stateDir: string, marker: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', CLI_FROM_SOURCE, 'migrate-consensus', '--to', 'etcdraft'],
      {
        env: { ...process.env, CONSORTIA_STATE_DIR: stateDir },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    const watch = (chunk: Buffer) => {
      output += chunk.toString();
      if (marker.test(output)) child.kill('SIGKILL');
    };
    child.stdout.on('data', watch);
    child.stderr.on('data', watch);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(output);
      else
        reject(
          new Error(`the migration ended (${code}) before it could be interrupted:\n${output}`),
        );
    });
  });
}

/** Waits until the traffic has committed `count` requests after `since`. */
export async function commitsAfter(traffic: Traffic, since: number, count: number): Promise<void> {
  const deadline = Date.now() + 300_000;
  while (traffic.commits().filter((time) => time > since).length < count) {
    assert.ok(Date.now() < deadline, `${count} commits within 300 s`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** Every peer's height of the application channel, as `peer channel getinfo` reports it. */
export async function peerHeights(topology: Topology): Promise<number[]> {
  const home = consortiaHome();
  return Promise.all(
    topology.orgs
      .flatMap((org) => org.peers)
      .map(async (peer) => (await channelHeight({ home, topology }, peer)) ?? -1),
  );
}

/** Polls until every peer reports the same height; returns the last reading. */
export async function agreedPeerHeights(topology: Topology): Promise<number[]> {
  let heights = await peerHeights(topology);
  for (let tries = 0; tries < 30 && new Set(heights).size > 1; tries++) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    heights = await peerHeights(topology);
  }
  return heights;
}

/** `datasync verify` with the settings the network gives datasync: exit code and output. */
export function verifyMirror(datasync: LocalService): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [path.join(datasync.workspace, 'dist', 'index.js'), 'verify', '--catch-up', '120'],
      { env: { ...process.env, ...datasync.env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code: code ?? 1, output }));
  });
}

/**
 * Every request the DAPP accepted committed, and its asset has exactly one version on the
 * ledger; no asset whose requests were all refused exists. Returns the accepted requests.
 */
export async function assertEveryAcceptedOnce(
  traffic: Traffic,
  dapp: DappClient,
): Promise<Request[]> {
  const { requests } = traffic;
  assert.deepEqual(traffic.anomalies, [], 'no refused request committed');
  const accepted = requests.filter((request) => request.accepted);
  const unsettled = accepted.filter((request) => request.status !== 'committed');
  assert.deepEqual(
    unsettled.map((request) => `${request.requestId} ${request.mode} ${request.status}`),
    [],
    'every accepted request committed',
  );
  const acceptedAssets = new Set(accepted.map((request) => request.assetId));
  assert.equal(acceptedAssets.size, accepted.length, 'one accepted request per asset');
  for (const request of accepted) {
    assert.equal(await historyLength(dapp, request.assetId), 1, `${request.assetId} once`);
  }
  const refusedOnly = new Set(
    requests
      .filter((request) => !acceptedAssets.has(request.assetId))
      .map((request) => request.assetId),
  );
  for (const assetId of refusedOnly) {
    assert.equal(await assetExists(dapp, assetId), false, `refused ${assetId} never committed`);
  }
  return accepted;
}

/** A certificate signed by the CA whose certificate is in `caFile`. */
function issuedBy(certificate: X509Certificate, caFile: string): boolean {
  const ca = new X509Certificate(fs.readFileSync(caFile));
  return certificate.checkIssued(ca) && certificate.verify(ca.publicKey);
}

/**
 * On a network of Fabric CAs: every orderer's signing certificate comes from the orderer org's
 * intermediate CA and its TLS certificate, valid for its host name, from the org's TLS CA; each
 * channel names exactly those TLS certificates as its consenters. Returns the orderers' names.
 */
export async function assertCaIssuedConsenters(
  topology: Topology,
  channels: readonly string[],
): Promise<string[]> {
  const org = ordererCaOrg(topology);
  const tlsCerts = topology.orderers.map((orderer) => {
    const dir = ordererCryptoDir(topology, orderer);
    const signing = new X509Certificate(
      fs.readFileSync(path.join(dir, 'msp', 'signcerts', `${orderer.hostname}-cert.pem`)),
    );
    assert.ok(
      issuedBy(signing, path.join(org.intermediate.dir, 'ca-cert.pem')),
      `${orderer.name}: signing certificate from ${org.intermediate.caName}`,
    );
    assert.match(signing.subject, /OU=orderer/, `${orderer.name}: an orderer by its NodeOU`);
    const file = ordererTlsCert(topology, orderer.index);
    const tls = new X509Certificate(fs.readFileSync(file));
    assert.ok(
      issuedBy(tls, path.join(org.tls.dir, 'ca-cert.pem')),
      `${orderer.name}: TLS certificate from ${org.tls.caName}`,
    );
    assert.equal(tls.checkHost(orderer.hostname, { subject: 'never' }), orderer.hostname);
    return Buffer.from(fs.readFileSync(file, 'utf8')).toString('base64');
  });
  const current = await readChannels({ home: consortiaHome(), topology }, channels);
  for (const channel of current) {
    const consenters = (channel.metadata as { consenters?: RaftConsenter[] } | undefined)
      ?.consenters;
    assert.deepEqual(
      consenters?.map((consenter) => consenter.server_tls_cert).sort(),
      [...tlsCerts].sort(),
      `${channel.channel}: the consenters are the CA-issued TLS certificates`,
    );
  }
  return topology.orderers.map((orderer) => orderer.name);
}

/**
 * Polls the surviving orderers' metrics until one of them leads the channel: the new leader and
 * how long after `since` (the old leader's death) it was elected.
 */
export async function newLeaderAfter(
  survivors: Topology,
  channel: string,
  since: number,
): Promise<{ leader: string; ms: number }> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const [leader] = await raftLeaders(survivors, channel);
    if (leader) return { leader, ms: Date.now() - since };
    assert.ok(Date.now() < deadline, `${channel}: a new Raft leader within 120 s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** What the explorer shows of one config block's ordering. */
interface ShownOrdering {
  consensusType: string;
  state: string;
  consenters: unknown[];
}

/**
 * The explorer's members page data for a channel, read as the operator: the ordering of the
 * newest mirrored config block, and of the config blocks before it.
 */
export async function explorerOrdering(
  explorer: { url: string; user: string; password: string },
  channel: string,
): Promise<{ ordering: ShownOrdering | null; history: { ordering: ShownOrdering | null }[] }> {
  const login = await fetch(`${explorer.url}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user: explorer.user, password: explorer.password }),
    signal: AbortSignal.timeout(30_000),
  });
  const cookie = login.headers.get('set-cookie')?.split(';')[0];
  assert.ok(login.status === 200 && cookie, `explorer login answered ${login.status}`);
  const response = await fetch(
    `${explorer.url}/api/channels/${encodeURIComponent(channel)}/members`,
    { headers: { cookie }, signal: AbortSignal.timeout(30_000) },
  );
  assert.equal(response.status, 200, await response.clone().text());
  return (await response.json()) as Awaited<ReturnType<typeof explorerOrdering>>;
}
