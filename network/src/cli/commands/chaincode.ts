// SPDX-License-Identifier: Apache-2.0
import path from 'node:path';

import type { Command } from 'commander';

import { deployChaincode } from '../../chaincode/deploy';
import { UserError } from '../../errors';
import { consortiaHome } from '../../install';
import { loadNetwork } from '../../operations/status';
import { REPOSITORY_ROOT } from '../../repository';
import { writeManifest } from '../../state/manifest';
import { formatTable, progress } from '../output';
import { stateDirOf } from './network';

/** The repository's own chaincode workspace, deployed when --path is not given. */
export const DEFAULT_CHAINCODE_DIR = path.join(REPOSITORY_ROOT, 'chaincode');
export const DEFAULT_CHAINCODE_NAME = 'consortia';

interface DeployFlags {
  stateDir?: string;
  name: string;
  path: string;
  version?: string;
  sequence?: string;
  policy?: string;
  collections?: string;
}

export async function runDeploy(stateDir: string, flags: Omit<DeployFlags, 'stateDir'>) {
  let sequence: number | undefined;
  if (flags.sequence !== undefined) {
    sequence = Number(flags.sequence);
    if (!Number.isInteger(sequence) || sequence < 1) {
      throw new UserError(`--sequence must be a positive whole number, got '${flags.sequence}'`);
    }
  }
  const { topology, manifest } = loadNetwork(stateDir);
  const deployed = await deployChaincode(
    { home: consortiaHome(), topology, progress, started: [] },
    manifest,
    {
      path: flags.path,
      name: flags.name,
      version: flags.version,
      sequence,
      policy: flags.policy,
      collections: flags.collections,
    },
  );
  writeManifest(topology.paths.manifest, manifest);
  return deployed;
}

export function registerChaincodeCommands(program: Command): void {
  program
    .command('deploy-chaincode')
    .description(
      'deploy (or upgrade, with the next sequence) a chaincode workspace as a chaincode service',
    )
    .option('--name <name>', 'chaincode name', DEFAULT_CHAINCODE_NAME)
    .option('--path <dir>', 'chaincode workspace (built)', DEFAULT_CHAINCODE_DIR)
    .option('--version <version>', "version label (default: the workspace's package.json version)")
    .option('--sequence <n>', 'definition sequence (default: the committed one plus 1)')
    .option(
      '--policy <policy>',
      "endorsement signature policy, e.g. \"AND('Org1MSP.peer','Org2MSP.peer')\" (default: a majority of orgs)",
    )
    .option('--collections <file>', 'private data collections configuration (JSON)')
    .option('--state-dir <dir>', 'the network to deploy to')
    .action(async (flags: DeployFlags) => {
      const deployed = await runDeploy(stateDirOf(flags), flags);
      console.log(
        formatTable(
          ['org', 'package id', 'service'],
          Object.entries(deployed.services).map(([msp, service]) => [
            msp,
            service.packageId,
            `127.0.0.1:${service.port}`,
          ]),
        ),
      );
      progress(`${deployed.name} ${deployed.version} committed at sequence ${deployed.sequence}`);
    });
}
