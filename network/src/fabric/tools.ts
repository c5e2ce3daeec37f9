// SPDX-License-Identifier: Apache-2.0
import path from 'node:path';

import { UserError } from '../errors';
import type { FabricTool } from '../install/fabric';
import { fabricComponent, fabricTool } from '../install/fabric';
import { runCommand } from '../process/run-command';
import type { Org, PeerNode, Topology } from '../topology/topology';
import { HOST, orgAdminMspDir, orgTlsCaFile, ordererTlsCaFile } from '../topology/topology';

export function assertFabricInstalled(home: string, env: NodeJS.ProcessEnv = process.env): void {
  if (!fabricComponent.isInstalled(home, env)) {
    throw new UserError(
      `the Fabric ${fabricComponent.version} programs are not installed`,
      'run `consortia install fabric`, or set CONSORTIA_FABRIC_BIN to a directory holding peer, orderer, configtxgen, configtxlator, osnadmin and cryptogen',
    );
  }
}

export interface FabricRun {
  home: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  logFile?: string;
}

/** Runs a Fabric program and returns its output; a failure carries the program's own words. */
export async function runFabric(tool: FabricTool, args: string[], run: FabricRun): Promise<string> {
  const result = await runCommand(fabricTool(run.home, tool), args, {
    env: { ...process.env, ...run.env },
    cwd: run.cwd,
    logFile: run.logFile,
    timeoutMs: 5 * 60_000,
  });
  if (result.code !== 0) {
    const output = `${result.stderr}\n${result.stdout}`.trim().split('\n').slice(-12).join('\n');
    throw new UserError(`${tool} ${args.slice(0, 3).join(' ')} failed:\n${output}`);
  }
  return `${result.stdout}\n${result.stderr}`;
}

/** The peer CLI's environment for acting as an org's admin against one of its peers. */
export function peerAdminEnv(topology: Topology, org: Org, peer: PeerNode): Record<string, string> {
  return {
    FABRIC_CFG_PATH: peer.dir,
    CORE_PEER_TLS_ENABLED: 'true',
    CORE_PEER_LOCALMSPID: org.mspId,
    CORE_PEER_TLS_ROOTCERT_FILE: orgTlsCaFile(topology, org),
    CORE_PEER_MSPCONFIGPATH: orgAdminMspDir(topology, org),
    CORE_PEER_ADDRESS: `${HOST}:${peer.port}`,
  };
}

/** Arguments that point the peer CLI at the first orderer over TLS. */
export function ordererArgs(topology: Topology): string[] {
  const orderer = topology.orderers[0];
  if (!orderer) throw new Error('a network has at least one orderer');
  return ['-o', `${HOST}:${orderer.port}`, '--tls', '--cafile', ordererTlsCaFile(topology)];
}

export function channelBlockFile(topology: Topology): string {
  return path.join(topology.paths.config, `${topology.options.channel}.block`);
}

/** Where network setup steps log the Fabric programs' output. */
export function setupLogFile(topology: Topology): string {
  return path.join(topology.paths.logs, 'setup.log');
}
