// SPDX-License-Identifier: Apache-2.0
import fs from 'node:fs';

import type { NetworkContext } from '../fabric/network';
import { ensureRunning } from '../process/daemon';
import { tcpOpen } from '../process/wait';
import type { DeployedChaincode, NetworkManifest } from '../state/manifest';
import type { Org, Topology } from '../topology/topology';
import { firstOrg, HOST } from '../topology/topology';
import { chaincodeServerProgram } from './package';

/** The supervisor's name for one org's service of a chaincode. */
export function serviceProcessName(chaincode: string, org: Org): string {
  return `chaincode-${chaincode}.org${org.index}`;
}

/**
 * What an org's chaincode service must be told. TOKEN_ADMIN_MSP names the one organization whose
 * members may initialize the token (the network's first org, which `start` and the test network
 * initialize it as): without it, whichever org called Initialize first would become admin.
 * CORE_PEER_LOCALMSPID is the org whose peers the service serves: a chaincode service is not
 * launched by its peer, so fabric-shim's getMspID() (which ReadAssetPrivateDetails uses to answer
 * only on the owner organization's peers) reads it from here. fabric-shim logs at warning unless
 * the caller's CORE_CHAINCODE_LOGGING_LEVEL says otherwise: at info it writes a line for every
 * transaction it serves, a sixth of the service's CPU under load.
 */
function chaincodeServiceVariables(topology: Topology, org: Org): Record<string, string> {
  return {
    TOKEN_ADMIN_MSP: firstOrg(topology).mspId,
    CORE_PEER_LOCALMSPID: org.mspId,
    CORE_CHAINCODE_LOGGING_LEVEL: process.env.CORE_CHAINCODE_LOGGING_LEVEL ?? 'warning',
  };
}

function chaincodeServiceEnv(topology: Topology, org: Org): NodeJS.ProcessEnv {
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
