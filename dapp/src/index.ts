#!/usr/bin/env node
import { createLogger, gracefulShutdown, optionValue, runMain, wantsHelp } from '@consortia/common';

import { SERVICE_NAME, readConfig } from './config';
import { ApiKeyVerifier, hashApiKey, parseApiKeyEntries, rescopeApiKeyEntry } from './http/auth';
import type { Role } from './service';
import { startService } from './service';

// Programmatic use (embedding the DAPP, or running it in another workspace's tests).
export type { DappConfig } from './config';
export type {
  CommittedTransaction,
  EvaluateCall,
  LedgerTransactionStatus,
  Submitter,
  TransactionCall,
} from './fabric/submitter';
export { FabricFailure } from './fabric/errors';
export type { RunningService, ServiceOverrides } from './service';
// DAPP_API_KEYS entries are made and read only by these, wherever they are generated (k8s secrets)
export {
  ApiKeyVerifier,
  hashApiKey,
  parseApiKeyEntries,
  readConfig,
  rescopeApiKeyEntry,
  startService,
};

const USAGE = `Usage: node dist/index.js [command] [options]

The Consortia DAPP: a REST front door that turns application requests into Fabric transactions.

Commands:
  serve                 HTTP API, with an in-process queue worker unless DAPP_IN_PROCESS_WORKER=false (default)
  worker                only a queue worker: consumes KAFKA_TOPIC and submits to Fabric
  hash-key [--name N] [--key K] [--identities A,B]
                        makes an API key (or hashes the given one) and prints its DAPP_API_KEYS entry,
                        scoped to the Fabric identities named (default: default; * for all)

Options:
  -h, --help            show this help (also after a command)

Configuration comes from environment variables; see dapp/README.md.`;

async function hashKeyCommand(args: string[]): Promise<void> {
  const name = optionValue(args, '--name') ?? 'client';
  const given = optionValue(args, '--key');
  const prefix = `${name}.`;
  if (given !== undefined && !given.startsWith(prefix)) {
    throw new Error(`a key for '${name}' must start with '${prefix}'`);
  }
  const identities = (optionValue(args, '--identities') ?? 'default')
    .split(/[,|]/)
    .map((identity) => identity.trim())
    .filter(Boolean);
  const { key, entry } = await hashApiKey(name, given?.slice(prefix.length), identities);
  process.stdout.write(
    `API key (give it to the caller; it is not stored): ${key}\n` +
      `DAPP_API_KEYS entry (comma-separate several): ${entry}\n`,
  );
}

async function runService(role: Role): Promise<void> {
  const config = readConfig();
  const logger = createLogger(SERVICE_NAME, config.LOG_LEVEL);
  const service = await startService(config, logger, role);
  gracefulShutdown(logger, service.shutdownSteps, { timeoutMs: config.SHUTDOWN_TIMEOUT_MS });
}

export async function main(argv: string[]): Promise<number> {
  const [command = 'serve', ...rest] = argv;
  if (wantsHelp(argv)) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  switch (command) {
    case 'serve':
    case 'worker':
      await runService(command);
      return 0;
    case 'hash-key':
      await hashKeyCommand(rest);
      return 0;
    default:
      process.stderr.write(`unknown command '${command}'\n\n${USAGE}\n`);
      return 2;
  }
}

if (require.main === module) void runMain(main, process.argv.slice(2), { stackTraces: true });
