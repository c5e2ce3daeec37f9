// SPDX-License-Identifier: Apache-2.0
import { Command, CommanderError } from 'commander';

import { describeError } from '../errors';
import { registerCaCommands } from './commands/ca';
import { registerK8s } from './commands/k8s';
import { registerK8sNode } from './commands/k8s-node';
import { registerChaincodeCommands } from './commands/chaincode';
import { registerInstall } from './commands/install';
import { registerMigrateConsensus } from './commands/migrate-consensus';
import { registerMonitoring } from './commands/monitoring';
import { registerNetworkCommands } from './commands/network';
import { registerOrgCommands } from './commands/org';
import { registerServiceCommand } from './commands/service';
import { registerStart } from './commands/start';
import { resolvePathOptions } from './path-options';

export function buildProgram(): Command {
  const program = new Command('consortia')
    .description('Run a Hyperledger Fabric consortium on this machine, and deploy it to Kubernetes')
    .showHelpAfterError('(run with --help for usage)')
    // `consortia service <name> ...` passes every option after the name on to the service
    .enablePositionalOptions()
    .exitOverride()
    // every --state-dir, --path, --collections, --kubeconfig, … names a path from the caller's cwd
    .hook('preAction', (_program, action) => resolvePathOptions(action));
  registerInstall(program);
  registerNetworkCommands(program);
  registerChaincodeCommands(program);
  registerOrgCommands(program);
  registerCaCommands(program);
  registerStart(program);
  registerServiceCommand(program);
  registerK8s(program);
  registerK8sNode(program);
  registerMonitoring(program);
  registerMigrateConsensus(program);
  return program;
}

export async function run(argv: readonly string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv]);
  } catch (error) {
    if (error instanceof CommanderError) {
      // commander already printed the message (or the help text)
      process.exitCode = error.exitCode;
      return;
    }
    console.error(`consortia: ${describeError(error)}`);
    process.exitCode = 1;
  }
}
