// SPDX-License-Identifier: Apache-2.0
import fs from 'node:fs';

import type { Command } from 'commander';

import { UserError } from '../../errors';
import { consortiaHome } from '../../install';
import { startRecordedOrgServices } from '../../membership/org-services';
import { correlatedLines } from '../../monitoring/correlated-logs';
import { adminExports } from '../../operations/admin-env';
import { down } from '../../operations/down';
import { loadNetwork, networkStatus } from '../../operations/status';
import { up } from '../../operations/up';
import { logFile } from '../../process/supervisor';
import type { RawNetworkOptions } from '../../topology/options';
import {
  CONSENSUS_TYPES,
  CRYPTO_SOURCES,
  DEFAULTS,
  defaultStateDir,
  LIMITS,
} from '../../topology/options';
import { printLog } from '../log-output';
import { formatTable, progress } from '../output';

interface StateDirFlag {
  stateDir?: string;
}

export function stateDirOf(flags: StateDirFlag): string {
  return flags.stateDir ?? defaultStateDir();
}

export function addStateDir(command: Command): Command {
  return command.option(
    '--state-dir <dir>',
    'where the network keeps its files (default: .consortia/network, or CONSORTIA_STATE_DIR)',
  );
}

export function addNetworkOptions(command: Command): Command {
  return addStateDir(
    command
      .option(
        '--consensus <type>',
        `ordering: ${CONSENSUS_TYPES.join(' or ')} (default: ${DEFAULTS.consensus})`,
      )
      .option(
        '--crypto <source>',
        `certificates from: ${CRYPTO_SOURCES.join(' (Fabric CAs per organization) or ')} (default: ${DEFAULTS.crypto})`,
      )
      .option(
        '--orgs <n>',
        `member organizations, ${LIMITS.orgs.min}..${LIMITS.orgs.max} (default: ${DEFAULTS.orgs})`,
      )
      .option(
        '--peers-per-org <m>',
        `peers per organization, ${LIMITS.peersPerOrg.min}..${LIMITS.peersPerOrg.max} (default: ${DEFAULTS.peersPerOrg})`,
      )
      .option('--channel <name>', `application channel (default: ${DEFAULTS.channel})`)
      .option(
        '--base-port <p>',
        `first port of the network's range (default: ${DEFAULTS.basePort})`,
      ),
  );
}

export async function runUp(flags: RawNetworkOptions): Promise<Awaited<ReturnType<typeof up>>> {
  const result = await up(consortiaHome(), flags, progress);
  const { topology } = result;
  progress(
    `network ${result.restarted ? 'restarted' : 'up'}: ${topology.options.consensus} ordering, ${topology.orgs.length} org(s), channel ${topology.options.channel}`,
  );
  return result;
}

export function registerNetworkCommands(program: Command): void {
  addNetworkOptions(
    program
      .command('up')
      .description(
        'bring up a local Fabric network (or restart the one in the state dir, ledgers kept)',
      ),
  ).action(async (flags: RawNetworkOptions) => {
    const { topology } = await runUp(flags);
    // organizations that joined with their own DAPP and datasync (`org add --services`) get them
    // back; the first org's services are `consortia start`'s
    await startRecordedOrgServices(topology, [], progress);
    await printStatus(stateDirOf(flags), false);
  });

  addStateDir(
    program
      .command('down')
      .description('stop every process the network started, gracefully then forcibly')
      .option('--purge', 'also delete the state dir: crypto material, ledgers, logs'),
  ).action(async (flags: StateDirFlag & { purge?: boolean }) => {
    const stateDir = stateDirOf(flags);
    const result = await down(stateDir, Boolean(flags.purge));
    for (const stop of result.stopped) progress(`${stop.name}: ${stop.result}`);
    if (result.stopped.length === 0) progress(`no running processes recorded in ${stateDir}`);
    if (result.purged) progress(`removed ${stateDir}`);
  });

  addStateDir(
    program
      .command('status')
      .description(
        'each process of the network with its port, pid and health, and the channel height',
      )
      .option('--json', 'print JSON instead of a table'),
  ).action(async (flags: StateDirFlag & { json?: boolean }) => {
    await printStatus(stateDirOf(flags), Boolean(flags.json));
  });

  addStateDir(
    program
      .command('logs')
      .description(
        "print a process's log (see `status` for names, e.g. peer0.org1, orderer0, kafka); colours only on a terminal",
      )
      .argument('[name]', 'process name')
      .option('-n, --lines <n>', 'how many of the last lines', '100')
      .option('-f, --follow', 'keep printing new lines')
      .option('--correlation-id <id>', "every process's lines for one request, in time order"),
  ).action(async (name: string | undefined, flags: LogsFlags) => {
    const { topology } = loadNetwork(stateDirOf(flags));
    if (flags.correlationId) {
      for (const found of correlatedLines(topology.paths.logs, flags.correlationId)) {
        console.log(`${found.process} | ${found.line}`);
      }
      return;
    }
    if (!name) throw new UserError('name a process, or give --correlation-id');
    const file = logFile(topology.paths.logs, name);
    if (!fs.existsSync(file)) {
      const known = fs.readdirSync(topology.paths.logs).map((entry) => entry.replace(/\.log$/, ''));
      throw new UserError(`no log named '${name}'`, `choose one of: ${known.join(', ')}`);
    }
    await printLog(file, flags.lines, Boolean(flags.follow));
  });

  addStateDir(
    program
      .command('env')
      .description(
        'print the exports that let the plain `peer` CLI act as an org\'s admin (eval "$(consortia env --org Org1)")',
      )
      .requiredOption('--org <name>', 'organization, e.g. Org1')
      .option('--peer <index>', 'which of its peers', '0'),
  ).action((flags: StateDirFlag & { org: string; peer: string }) => {
    const { topology } = loadNetwork(stateDirOf(flags));
    const index = Number(flags.peer);
    if (!Number.isInteger(index) || index < 0)
      throw new UserError(`--peer must be a peer index, got '${flags.peer}'`);
    console.log(adminExports(consortiaHome(), topology, flags.org, index));
  });
}

type LogsFlags = StateDirFlag & { lines: string; follow?: boolean; correlationId?: string };

export async function printStatus(stateDir: string, json: boolean): Promise<void> {
  const status = await networkStatus(consortiaHome(), stateDir);
  if (json) {
    console.log(JSON.stringify(status, null, 2));
    return;
  }
  console.log(
    formatTable(
      ['process', 'port', 'pid', 'state'],
      status.processes.map((process) => [
        process.name,
        String(process.port),
        process.pid ? String(process.pid) : '-',
        process.healthy ? 'healthy' : process.running ? 'running, not healthy' : 'stopped',
      ]),
    ),
  );
  console.log(
    `\nchannel ${status.channel} (${status.consensus} ordering): height ${status.channelHeight ?? 'unknown'}; state dir ${status.stateDir}`,
  );
}
