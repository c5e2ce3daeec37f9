// SPDX-License-Identifier: Apache-2.0
import path from 'node:path';

import { assertPortsFree } from '../process/ports';
import type { PidRecord } from '../process/supervisor';
import { isOurs, readPidRecord, stopDaemon } from '../process/supervisor';
import { REPOSITORY_ROOT } from '../repository';
import type { ServiceRunner } from '../services/local-services';
import {
  dappTransientKey,
  localApiKey,
  runService,
  serviceFabricEnv,
  servicesDir,
} from '../services/local-services';
import type { NetworkManifest, OrgServicesRecord } from '../state/manifest';
import { readManifest } from '../state/manifest';
import type { Org, Topology } from '../topology/topology';
import { HOST } from '../topology/topology';

/** The services an organization that joined runs for itself: its own gateway and ledger mirror. */
export const ORG_SERVICES = ['dapp', 'datasync'] as const;
export type OrgServiceName = (typeof ORG_SERVICES)[number];

export interface OrgService {
  /** The process name, e.g. dapp.org3 (`consortia logs dapp.org3`). */
  name: string;
  service: OrgServiceName;
  workspace: string;
  url: string;
  env: Record<string, string>;
}

/**
 * The ports of org o's own services, in the room its port block leaves above its peers (at most
 * 8, up to P+100o+72) and below its chaincode services (P+100o+90..99): the DAPP and datasync on
 * P+100o+80 and +81, their embedded Postgres servers on +82 and +83.
 */
export function orgServicePorts(
  topology: Topology,
  org: Org,
): Record<OrgServiceName, { http: number; postgres: number }> {
  const base = topology.options.basePort + 100 * org.index + 80;
  return {
    dapp: { http: base, postgres: base + 2 },
    datasync: { http: base + 1, postgres: base + 3 },
  };
}

/** The process name of an org's own service, e.g. dapp.org3 (`consortia logs dapp.org3`). */
export function orgServiceName(org: Org, service: OrgServiceName): string {
  return `${service}.${org.name.toLowerCase()}`;
}

/** What network.json keeps of an org's own services, so that `start` and `up` run them again. */
export function orgServicesRecord(
  topology: Topology,
  org: Org,
  chaincode: string,
): OrgServicesRecord {
  return { chaincode, ports: orgServicePorts(topology, org) };
}

/** Drops the org's own services from network.json's record (the org left). */
export function forgetOrgServices(manifest: NetworkManifest, org: Org): void {
  if (!manifest.orgServices) return;
  manifest.orgServices = Object.fromEntries(
    Object.entries(manifest.orgServices).filter(([mspId]) => mspId !== org.mspId),
  );
}

/**
 * The DAPP and datasync of an organization other than the first, as its own operator runs them:
 * its peers, its user, its own mirror. They go without Kafka, whose topics and consumer groups
 * belong to the first organization's services; the DAPP then submits synchronously only.
 */
export async function orgServices(
  topology: Topology,
  org: Org,
  record: OrgServicesRecord,
): Promise<OrgService[]> {
  const { ports } = record;
  const fabric = serviceFabricEnv(topology, org, record.chaincode);
  const dataDir = (service: OrgServiceName) =>
    path.join(servicesDir(topology), org.name.toLowerCase(), service, 'postgres');
  const key = await localApiKey(topology.options.stateDir);
  const service = (name: OrgServiceName, env: Record<string, string>): OrgService => ({
    name: orgServiceName(org, name),
    service: name,
    workspace: path.join(REPOSITORY_ROOT, name),
    url: `http://${HOST}:${ports[name].http}`,
    env: { ...fabric, PORT: String(ports[name].http), HOST, ...env },
  });
  return [
    service('dapp', {
      DAPP_API_KEYS: key.entry,
      DAPP_TRANSIENT_KEY: dappTransientKey(topology),
      DAPP_DATA_DIR: dataDir('dapp'),
      DAPP_EMBEDDED_PG_PORT: String(ports.dapp.postgres),
    }),
    service('datasync', {
      DATASYNC_DATA_DIR: dataDir('datasync'),
      DATASYNC_EMBEDDED_PG_PORT: String(ports.datasync.postgres),
    }),
  ];
}

/**
 * Starts the org's DAPP and datasync (those not already running) and waits until healthy: for
 * `org add --services`, and again for `start` and `up` from what network.json recorded.
 */
export async function startOrgServices(
  topology: Topology,
  org: Org,
  record: OrgServicesRecord,
  started: PidRecord[],
  progress: (line: string) => void,
  run: ServiceRunner = runService,
): Promise<OrgService[]> {
  const services = await orgServices(topology, org, record);
  const ours = (name: string) => {
    const pid = readPidRecord(topology.paths.run, name);
    return pid !== undefined && isOurs(pid);
  };
  await assertPortsFree(
    services
      .filter((service) => !ours(service.name))
      .flatMap((service) => [
        { port: record.ports[service.service].http, owner: service.name },
        { port: record.ports[service.service].postgres, owner: `${service.name} postgres` },
      ]),
  );
  const running: OrgService[] = [];
  for (const service of services) {
    progress(`starting ${service.name} on ${service.url}`);
    if (await run(topology, service, started)) running.push(service);
    else progress(`${service.name}: the ${service.service} workspace is not built; skipped`);
  }
  return running;
}

/** The members whose own services network.json records, with what it records of them. */
export function recordedOrgServices(
  topology: Topology,
  manifest: NetworkManifest,
): { org: Org; record: OrgServicesRecord }[] {
  return topology.orgs.flatMap((org) => {
    const record = manifest.orgServices?.[org.mspId];
    return record ? [{ org, record }] : [];
  });
}

/**
 * Starts again the own services of every member that joined with them (`org add --services`),
 * as network.json records them; `start` runs this after the first org's services, `up` alone.
 */
export async function startRecordedOrgServices(
  topology: Topology,
  started: PidRecord[],
  progress: (line: string) => void,
  run: ServiceRunner = runService,
): Promise<OrgService[]> {
  const manifest = readManifest(topology.paths.manifest);
  if (!manifest) return [];
  const running: OrgService[] = [];
  for (const { org, record } of recordedOrgServices(topology, manifest)) {
    running.push(...(await startOrgServices(topology, org, record, started, progress, run)));
  }
  return running;
}

/** Stops the org's own services, if it ran any. */
export async function stopOrgServices(topology: Topology, org: Org): Promise<void> {
  for (const name of ORG_SERVICES) {
    await stopDaemon(topology.paths.run, orgServiceName(org, name));
  }
}
