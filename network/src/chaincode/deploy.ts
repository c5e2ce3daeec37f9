import fs from 'node:fs';
import path from 'node:path';

import { UserError } from '../errors';
import type { NetworkContext } from '../fabric/network';
import { ordererArgs, peerAdminEnv, runFabric } from '../fabric/tools';
import { ensureRunning } from '../process/daemon';
import { tcpOpen, waitFor } from '../process/wait';
import type { DeployedChaincode, NetworkManifest } from '../state/manifest';
import type { Org, Topology } from '../topology/topology';
import {
  chaincodePort,
  firstOrg,
  firstPeer,
  HOST,
  MAX_CHAINCODES,
  orgTlsCaFile,
} from '../topology/topology';
import { buildServicePackage, chaincodeServerProgram, readChaincodeProject } from './package';

export interface DeployRequest {
  path: string;
  name?: string;
  version?: string;
  sequence?: number;
  /** A signature policy; without one the channel's default (a majority of orgs) applies. */
  policy?: string;
  /** A collections configuration file for explicit private data collections. */
  collections?: string;
}

const NAME = /^[a-zA-Z0-9]+([-_][a-zA-Z0-9]+)*$/;

export function serviceProcessName(chaincode: string, org: Org): string {
  return `chaincode-${chaincode}.org${org.index}`;
}

/** The sequence of the chaincode's committed definition on the channel, 0 when there is none. */
async function committedSequence(context: NetworkContext, name: string): Promise<number> {
  const org = firstOrg(context.topology);
  try {
    const output = await runFabric(
      'peer',
      [
        'lifecycle',
        'chaincode',
        'querycommitted',
        '-C',
        context.topology.options.channel,
        '-n',
        name,
        '-O',
        'json',
      ],
      { home: context.home, env: peerAdminEnv(context.topology, org, firstPeer(org)) },
    );
    const match = /"sequence":\s*(\d+)/.exec(output);
    return match ? Number(match[1]) : 0;
  } catch (error) {
    if (error instanceof UserError && /is not defined|not found/i.test(error.message)) return 0;
    throw error;
  }
}

/**
 * What an org's chaincode service must be told. TOKEN_ADMIN_MSP names the one organization whose
 * members may initialize the token (the network's first org, which `start` and the test network
 * initialize it as): without it, whichever org called Initialize first would become admin.
 * CORE_PEER_LOCALMSPID is the org whose peers the service serves: a chaincode service is not
 * launched by its peer, so fabric-shim's getMspID() (which ReadAssetPrivateDetails uses to answer
 * only on the owner organization's peers) reads it from here.
 */
function chaincodeServiceVariables(topology: Topology, org: Org): Record<string, string> {
  return { TOKEN_ADMIN_MSP: firstOrg(topology).mspId, CORE_PEER_LOCALMSPID: org.mspId };
}

export function chaincodeServiceEnv(topology: Topology, org: Org): NodeJS.ProcessEnv {
  return { ...process.env, ...chaincodeServiceVariables(topology, org) };
}

/** True when the running process's environment has every variable in `wanted` set as given. */
function environmentMatches(pid: number, wanted: Record<string, string>): boolean {
  let environ: string[];
  try {
    environ = fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
  } catch {
    return false;
  }
  return Object.entries(wanted).every(([key, value]) => environ.includes(`${key}=${value}`));
}

/** Starts (or restarts, for a new package id) one org's chaincode service and waits for its port. */
export async function startChaincodeService(
  context: Pick<NetworkContext, 'topology' | 'started'>,
  chaincode: Pick<DeployedChaincode, 'name' | 'path'>,
  org: Org,
  service: { packageId: string; port: number },
): Promise<void> {
  const { topology } = context;
  const name = serviceProcessName(chaincode.name, org);
  await ensureRunning({
    spec: {
      name,
      command: process.execPath,
      args: [
        chaincodeServerProgram(chaincode.path),
        'server',
        '--chaincode-address',
        `${HOST}:${service.port}`,
        '--chaincode-id',
        service.packageId,
      ],
      cwd: chaincode.path,
      env: chaincodeServiceEnv(topology, org),
      runDir: topology.paths.run,
      logDir: topology.paths.logs,
    },
    description: `chaincode service ${name} on ${HOST}:${service.port}`,
    ready: () => tcpOpen(service.port),
    timeoutMs: 30_000,
    // a service still serving an earlier package id, or started without its variables, is replaced
    reuse: (running) =>
      running.args.includes(service.packageId) &&
      environmentMatches(running.pid, chaincodeServiceVariables(topology, org)),
    started: context.started,
  });
}

function approvalStatus(output: string): Record<string, boolean> {
  const json = output.slice(output.indexOf('{'), output.lastIndexOf('}') + 1);
  const parsed = JSON.parse(json) as { approvals?: Record<string, boolean> };
  return parsed.approvals ?? {};
}

/**
 * Deploys a chaincode workspace as a chaincode service through the full lifecycle: package per
 * org (each org runs its own service), install on every peer, start the services, approve per
 * org, check readiness, commit, and confirm on every org. Upgrading is the same call with the
 * next sequence; the network keeps running throughout.
 */
export async function deployChaincode(
  context: NetworkContext,
  manifest: NetworkManifest,
  request: DeployRequest,
): Promise<DeployedChaincode> {
  const { home, topology, progress } = context;
  const project = readChaincodeProject(path.resolve(request.path));
  const name = request.name ?? project.name;
  if (!NAME.test(name)) {
    throw new UserError(
      `invalid chaincode name '${name}'`,
      'use letters and digits, separated by single - or _',
    );
  }
  const version = request.version ?? project.version;
  const existing = manifest.chaincodes.find((chaincode) => chaincode.name === name);
  const slot = existing?.slot ?? manifest.chaincodes.length;
  if (slot >= MAX_CHAINCODES) {
    throw new UserError(
      `a local network serves at most ${MAX_CHAINCODES} chaincodes`,
      'redeploy one of the existing names',
    );
  }

  const committed = await committedSequence(context, name);
  const sequence = request.sequence ?? committed + 1;
  if (sequence !== committed + 1) {
    throw new UserError(
      `chaincode ${name} is at sequence ${committed} on channel ${topology.options.channel}; the next definition must be ${committed + 1}, not ${sequence}`,
      `pass --sequence ${committed + 1}, or leave it out`,
    );
  }
  const channel = topology.options.channel;
  const label = `${name}_${version}`;
  const services: DeployedChaincode['services'] = {};

  for (const org of topology.orgs) {
    const port = chaincodePort(topology, org.index, slot);
    progress(`packaging ${label} for ${org.mspId} (service on ${HOST}:${port})`);
    const packageFile = await buildServicePackage({
      label,
      address: `${HOST}:${port}`,
      sourceDir: project.dir,
      outputDir: path.join(topology.options.stateDir, 'chaincode', name, org.name),
    });
    const admin = peerAdminEnv(topology, org, firstPeer(org));
    const calculated = await runFabric(
      'peer',
      ['lifecycle', 'chaincode', 'calculatepackageid', packageFile],
      { home, env: admin },
    );
    const packageId = calculated
      .split('\n')
      .map((line) => line.trim())
      .find((line) => line.startsWith(`${label}:`));
    if (!packageId)
      throw new UserError(`could not compute the package id of ${label}:\n${calculated}`);
    for (const peer of org.peers) {
      const env = peerAdminEnv(topology, org, peer);
      const installed = await runFabric(
        'peer',
        ['lifecycle', 'chaincode', 'queryinstalled', '-O', 'json'],
        { home, env },
      );
      if (installed.includes(packageId)) continue;
      progress(`installing ${label} on ${peer.name}`);
      await runFabric('peer', ['lifecycle', 'chaincode', 'install', packageFile], { home, env });
    }
    const service = { packageId, port };
    services[org.mspId] = service;
    await startChaincodeService(context, { name, path: project.dir }, org, service);
  }

  const definition = [
    '--channelID',
    channel,
    '--name',
    name,
    '--version',
    version,
    '--sequence',
    String(sequence),
    ...(request.policy ? ['--signature-policy', request.policy] : []),
    ...(request.collections ? ['--collections-config', path.resolve(request.collections)] : []),
  ];
  const readiness = async () => {
    const org = firstOrg(topology);
    const output = await runFabric(
      'peer',
      ['lifecycle', 'chaincode', 'checkcommitreadiness', ...definition, '-O', 'json'],
      {
        home,
        env: peerAdminEnv(topology, org, firstPeer(org)),
      },
    );
    return approvalStatus(output);
  };

  for (const org of topology.orgs) {
    if ((await readiness())[org.mspId]) continue;
    progress(`approving ${label} (sequence ${sequence}) for ${org.mspId}`);
    await runFabric(
      'peer',
      [
        'lifecycle',
        'chaincode',
        'approveformyorg',
        ...definition,
        '--package-id',
        services[org.mspId]?.packageId ?? '',
        '--waitForEvent',
        ...ordererArgs(topology),
      ],
      { home, env: peerAdminEnv(topology, org, firstPeer(org)) },
    );
  }
  await waitFor(
    `every org to approve ${label}`,
    async () => Object.values(await readiness()).every(Boolean),
    {
      timeoutMs: 60_000,
      intervalMs: 500,
    },
  );

  progress(`committing ${label} (sequence ${sequence}) on channel ${channel}`);
  const endorsers = topology.orgs.flatMap((org) => [
    '--peerAddresses',
    `${HOST}:${firstPeer(org).port}`,
    '--tlsRootCertFiles',
    orgTlsCaFile(topology, org),
  ]);
  const committer = firstOrg(topology);
  await runFabric(
    'peer',
    ['lifecycle', 'chaincode', 'commit', ...definition, ...endorsers, ...ordererArgs(topology)],
    {
      home,
      env: peerAdminEnv(topology, committer, firstPeer(committer)),
    },
  );
  for (const org of topology.orgs) {
    await waitFor(
      `${org.mspId} to see ${name} at sequence ${sequence}`,
      async () => {
        const output = await runFabric(
          'peer',
          ['lifecycle', 'chaincode', 'querycommitted', '-C', channel, '-n', name, '-O', 'json'],
          {
            home,
            env: peerAdminEnv(topology, org, firstPeer(org)),
          },
        );
        return new RegExp(`"sequence":\\s*${sequence}\\b`).test(output);
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
  }

  const deployed: DeployedChaincode = {
    name,
    version,
    sequence,
    path: project.dir,
    slot,
    services,
  };
  manifest.chaincodes = [
    ...manifest.chaincodes.filter((chaincode) => chaincode.name !== name),
    deployed,
  ];
  return deployed;
}

/** After a restart: every deployed chaincode's services run again with their package ids. */
export async function restartChaincodeServices(
  context: Pick<NetworkContext, 'topology' | 'started'>,
  manifest: NetworkManifest,
): Promise<void> {
  for (const chaincode of manifest.chaincodes) {
    for (const org of context.topology.orgs) {
      const service = chaincode.services[org.mspId];
      if (service) await startChaincodeService(context, chaincode, org, service);
    }
  }
}

export function describeTopologyServices(topology: Topology, manifest: NetworkManifest) {
  return manifest.chaincodes.flatMap((chaincode) =>
    topology.orgs.map((org) => ({
      name: serviceProcessName(chaincode.name, org),
      port: chaincode.services[org.mspId]?.port,
    })),
  );
}
