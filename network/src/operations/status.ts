// SPDX-License-Identifier: Apache-2.0
import fs from 'node:fs';

import { serviceProcessName } from '../chaincode/service';
import { ORG_SERVICES, orgServiceName, recordedOrgServices } from '../membership/org-services';
import { UserError } from '../errors';
import { channelHeight } from '../fabric/channel-info';
import { isOurs, logFile, readPidRecord } from '../process/supervisor';
import { httpOk, tcpOpen } from '../process/wait';
import type { NetworkManifest } from '../state/manifest';
import { manifestPath, optionsFromManifest, readManifest } from '../state/manifest';
import { caServers } from '../ca/layout';
import { caServing } from '../ca/server';
import type { Topology } from '../topology/topology';
import { buildTopology, HOST, ordererHealthPath, servicePorts } from '../topology/topology';

export interface ProcessStatus {
  name: string;
  kind: 'ca' | 'kafka' | 'orderer' | 'peer' | 'chaincode' | 'service';
  port: number;
  pid?: number;
  running: boolean;
  healthy: boolean;
  logFile?: string;
}

export interface NetworkStatus {
  stateDir: string;
  consensus: string;
  channel: string;
  channelHeight?: number;
  processes: ProcessStatus[];
}

export function loadNetwork(stateDir: string): { topology: Topology; manifest: NetworkManifest } {
  const manifest = readManifest(manifestPath(stateDir));
  if (!manifest) {
    throw new UserError(
      `there is no network in ${stateDir}`,
      'run `consortia up` first, or pass the --state-dir you used',
    );
  }
  return { topology: buildTopology(optionsFromManifest(manifest, stateDir, {})), manifest };
}

interface Expected {
  name: string;
  kind: ProcessStatus['kind'];
  port: number;
  health: () => Promise<boolean>;
}

function expectedProcesses(topology: Topology, manifest: NetworkManifest): Expected[] {
  const expected: Expected[] = caServers(topology).map((server) => ({
    name: server.name,
    kind: 'ca',
    port: server.port,
    health: () => caServing(server),
  }));
  if (topology.kafka) {
    const port = topology.kafka.port;
    expected.push({ name: 'kafka', kind: 'kafka', port, health: () => tcpOpen(port) });
  }
  for (const orderer of topology.orderers) {
    const url = `http://${HOST}:${orderer.operationsPort}${ordererHealthPath(topology)}`;
    expected.push({
      name: orderer.name,
      kind: 'orderer',
      port: orderer.port,
      health: () => httpOk(url),
    });
  }
  for (const peer of topology.orgs.flatMap((org) => org.peers)) {
    const url = `http://${HOST}:${peer.operationsPort}/healthz`;
    expected.push({ name: peer.name, kind: 'peer', port: peer.port, health: () => httpOk(url) });
  }
  for (const chaincode of manifest.chaincodes) {
    for (const org of topology.orgs) {
      const service = chaincode.services[org.mspId];
      if (!service) continue;
      const port = service.port;
      expected.push({
        name: serviceProcessName(chaincode.name, org),
        kind: 'chaincode',
        port,
        health: () => tcpOpen(port),
      });
    }
  }
  for (const [name, ports] of Object.entries(servicePorts(topology))) {
    // services appear once `consortia start` has run them, and stay listed (stopped) after:
    // `down` removes their pid records, their logs remain
    const started =
      readPidRecord(topology.paths.run, name) !== undefined ||
      fs.existsSync(logFile(topology.paths.logs, name));
    if (!started) continue;
    const url = `http://${HOST}:${ports.http}/healthz`;
    expected.push({ name, kind: 'service', port: ports.http, health: () => httpOk(url) });
  }
  // an added organization's own services, which `start` and `up` run again
  for (const { org, record } of recordedOrgServices(topology, manifest)) {
    for (const service of ORG_SERVICES) {
      const port = record.ports[service].http;
      const url = `http://${HOST}:${port}/healthz`;
      expected.push({
        name: orgServiceName(org, service),
        kind: 'service',
        port,
        health: () => httpOk(url),
      });
    }
  }
  return expected;
}

/** Each process of the network: its pid, whether it runs, whether it answers its health check. */
export async function networkStatus(home: string, stateDir: string): Promise<NetworkStatus> {
  const { topology, manifest } = loadNetwork(stateDir);
  const processes: ProcessStatus[] = [];
  for (const expected of expectedProcesses(topology, manifest)) {
    const record = readPidRecord(topology.paths.run, expected.name);
    const running = record !== undefined && isOurs(record);
    const healthy = running && (await expected.health().catch(() => false));
    processes.push({
      name: expected.name,
      kind: expected.kind,
      port: expected.port,
      pid: running ? record.pid : undefined,
      running,
      healthy,
      logFile: record?.logFile,
    });
  }
  const firstPeer = topology.orgs[0]?.peers[0];
  const peerUp = processes.find((process) => process.name === firstPeer?.name)?.healthy;
  const height =
    firstPeer && peerUp
      ? await channelHeight({ home, topology }, firstPeer).catch(() => undefined)
      : undefined;
  return {
    stateDir,
    consensus: topology.options.consensus,
    channel: topology.options.channel,
    channelHeight: height,
    processes,
  };
}
