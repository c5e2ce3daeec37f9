// SPDX-License-Identifier: Apache-2.0
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import type { Command } from 'commander';

import { UserError } from '../../errors';
import { loadNetwork } from '../../operations/status';
import type { LocalService } from '../../services/local-services';
import { localCredentials, localServices } from '../../services/local-services';
import { LOCAL_SERVICES } from '../../topology/topology';
import { DEFAULT_CHAINCODE_NAME } from './chaincode';
import { addStateDir, stateDirOf } from './network';

/**
 * The environment of a one-off service run: the settings `consortia start` gives the service,
 * under the caller's own, so `DATABASE_URL=… PORT=… consortia service …` changes them for that run.
 */
export function oneOffEnv(
  serviceEnv: Readonly<Record<string, string>>,
  callerEnv: NodeJS.ProcessEnv,
): NodeJS.ProcessEnv {
  return { ...serviceEnv, ...callerEnv };
}

/**
 * How a one-off run starts: the service's entry point in the caller's directory, so paths among
 * its arguments and in the caller's variables name files from there, as for any other command.
 */
export function oneOffSpawn(
  service: Pick<LocalService, 'workspace' | 'env'>,
  args: readonly string[],
  caller: { env: NodeJS.ProcessEnv; cwd: string },
): { entry: string; args: string[]; cwd: string; env: NodeJS.ProcessEnv } {
  const entry = path.join(service.workspace, 'dist', 'index.js');
  return {
    entry,
    args: [entry, ...args],
    cwd: caller.cwd,
    env: oneOffEnv(service.env, caller.env),
  };
}

/**
 * `consortia service <name> [args...]`: runs a service workspace's own command line with the
 * environment `consortia start` gives that service, so its subcommands (the app-api's
 * `create-admin`, datasync's `verify`, the explorer's `hash-password`, …) reach the local
 * network's databases and peers without copying any settings by hand.
 */
export function registerServiceCommand(program: Command): void {
  addStateDir(
    program
      .command('service')
      .description(
        `run a local service's command line with its local settings (${LOCAL_SERVICES.join(', ')})`,
      )
      .argument('<name>', `one of: ${LOCAL_SERVICES.join(', ')}`)
      .argument('[args...]', 'passed on to the service (e.g. create-admin --username alice)')
      .allowUnknownOption()
      .passThroughOptions()
      .addHelpText(
        'after',
        '\nExamples:\n' +
          '  consortia service app-api create-admin --username alice   (prints a generated password once)\n' +
          '  consortia service datasync verify --offline\n' +
          '  consortia service app-api --help\n' +
          '  LOG_LEVEL=debug consortia service datasync verify   (your environment wins over the local settings)',
      ),
  ).action(async (name: string, args: string[], flags: { stateDir?: string }) => {
    const stateDir = stateDirOf(flags);
    const { topology } = loadNetwork(stateDir);
    const credentials = await localCredentials(stateDir);
    const service = localServices(topology, DEFAULT_CHAINCODE_NAME, credentials).find(
      (candidate) => candidate.name === name,
    );
    if (!service) {
      throw new UserError(`unknown service '${name}'`, `choose from: ${LOCAL_SERVICES.join(', ')}`);
    }
    const run = oneOffSpawn(service, args, { env: process.env, cwd: process.cwd() });
    if (!fs.existsSync(run.entry)) {
      throw new UserError(`${run.entry} is missing`, 'build the workspaces first: `npx tsc -b`');
    }
    const code = await new Promise<number>((resolve, reject) => {
      const child = spawn(process.execPath, run.args, {
        cwd: run.cwd,
        env: run.env,
        stdio: 'inherit',
      });
      child.once('error', reject);
      child.once('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 1 : 0)));
    });
    process.exitCode = code;
  });
}
