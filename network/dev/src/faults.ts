// SPDX-License-Identifier: Apache-2.0
/**
 * `npm run faults`: the fault-injection suite. It brings up its own consortium (own state dir and
 * ports), drives a steady mixed load through the DAPP and the app-api, crashes or cuts off one
 * part at a time, and checks every request against the ledger. Writes
 * bench/results/faults.json (and faults-<consensus>.json) at the repository root.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { describeError, REPOSITORY_ROOT } from '@consortia/network';
import type { Consensus } from '@consortia/network';
import { testNetworkUnavailable } from '@consortia/network/testing';

import { FAULTS } from './faults/catalogue';
import { formatReport, passed, writeReport } from './faults/report';
import { runFaults } from './faults/runner';

const USAGE = `Usage: npm run faults -- [options]

Brings up a private consortium (2 orgs x 2 peers, the four services) and, while a steady mixed
load of sync and async asset writes and token transfers runs through the DAPP and the app-api,
injects one fault at a time, waits for recovery and checks every request against the ledger:
lost, duplicated, wrong recorded status, datasync verify, the outbox's ledger.events, recovery time.

Options:
  --consensus kafka|raft   ordering service (default kafka)
  --only NAME[,NAME...]    run only these faults (repeatable)
  --duration SECONDS       seconds of load around each fault (default 24)
  --tps N                  requests per second (default 6)
  --base-port N            first port of the private network (default 16000)
  --keep                   leave the stack running at the end (stop it with
                           \`node network/bin/consortia.js down --purge --state-dir <dir>\`)
  --help                   this text

Faults:
${FAULTS.map((fault) => `  ${fault.name.padEnd(16)} ${fault.description}`).join('\n')}

Exit code: 0 when nothing was lost, duplicated or wrongly recorded, every fault recovered and the
mirror verified clean; 1 otherwise.`;

interface Parsed {
  help: boolean;
  consensus: Consensus;
  only: string[];
  durationSec: number;
  tps: number;
  basePort: number;
  keep: boolean;
}

export function parseFaultArguments(args: readonly string[]): Parsed {
  const parsed: Parsed = {
    help: false,
    consensus: 'kafka',
    only: [],
    durationSec: 24,
    tps: 6,
    basePort: 16000,
    keep: false,
  };
  const number = (name: string, value: string | undefined, min: number, max: number) => {
    const result = Number(value);
    if (!/^\d+(\.\d+)?$/.test(value ?? '') || result < min || result > max) {
      throw new Error(`--${name} must be a number from ${min} to ${max}, got '${value ?? ''}'`);
    }
    return result;
  };
  for (let index = 0; index < args.length; index++) {
    const arg = args[index];
    const value = () => args[++index];
    if (arg === '--help' || arg === '-h') parsed.help = true;
    else if (arg === '--keep') parsed.keep = true;
    else if (arg === '--consensus') {
      const consensus = value();
      if (consensus === 'raft' || consensus === 'etcdraft') parsed.consensus = 'etcdraft';
      else if (consensus === 'kafka') parsed.consensus = 'kafka';
      else throw new Error(`--consensus must be kafka or raft, got '${consensus ?? ''}'`);
    } else if (arg === '--only') {
      parsed.only.push(...(value() ?? '').split(',').filter(Boolean));
    } else if (arg === '--duration') parsed.durationSec = number('duration', value(), 6, 600);
    else if (arg === '--tps') parsed.tps = number('tps', value(), 0.5, 20);
    else if (arg === '--base-port') parsed.basePort = number('base-port', value(), 1024, 60000);
    else throw new Error(`unknown option '${String(arg)}'\n\n${USAGE}`);
  }
  const unknown = parsed.only.filter((name) => !FAULTS.some((fault) => fault.name === name));
  if (unknown.length > 0) {
    throw new Error(
      `unknown fault ${unknown.join(', ')}; choose from ${FAULTS.map((f) => f.name).join(', ')}`,
    );
  }
  return parsed;
}

async function main(): Promise<void> {
  const options = parseFaultArguments(process.argv.slice(2));
  if (options.help) {
    console.log(USAGE);
    return;
  }
  const unavailable = testNetworkUnavailable();
  if (unavailable) throw new Error(`${unavailable}; the fault suite needs a real network`);
  const stateDir = path.join(
    fs.mkdtempSync(path.join(os.tmpdir(), 'consortia-faults-')),
    'network',
  );
  const log = (message: string) => process.stderr.write(`${message}\n`);
  log(`fault suite: ${options.consensus} network in ${stateDir}, ports from ${options.basePort}`);
  const results = path.join(REPOSITORY_ROOT, 'bench', 'results');
  const partial = path.join(results, 'faults-partial.json');
  const report = await runFaults(
    {
      ...options,
      stateDir,
      onFault: (done) =>
        writeReport({ consensus: options.consensus, partial: true, faults: done }, partial),
    },
    log,
  );
  fs.rmSync(partial, { force: true });
  if (!options.keep) fs.rmSync(path.dirname(stateDir), { recursive: true, force: true });
  writeReport(report, path.join(results, 'faults.json'));
  writeReport(
    report,
    path.join(results, `faults-${options.consensus === 'etcdraft' ? 'raft' : 'kafka'}.json`),
  );
  console.log(formatReport(report));
  console.log(`\nwritten: ${path.join(results, 'faults.json')}`);
  process.exitCode = passed(report) ? 0 : 1;
}

if (require.main === module) {
  process.on('exit', (code) => process.stderr.write(`faults: exit ${code}\n`));
  // exits explicitly: a gRPC or Kafka client left open must not keep a finished run alive
  main().then(
    () => process.exit(process.exitCode ?? 0),
    (error: unknown) => {
      process.stderr.write(`faults: ${describeError(error)}\n`);
      process.exit(1);
    },
  );
}
