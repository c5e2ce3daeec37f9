#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
import { CommandLine, createLogger, runMain, serveUntilSignalled } from '@consortia/common';

import { SERVICE_NAME, readConfig } from './config';
import { rotateIdentityKeys } from './fabric/user-identities';
import { ApiKeyVerifier, hashApiKey, parseApiKeyEntries, rescopeApiKeyEntry } from './http/auth';
import type { Role } from './service';
import { startService } from './service';
import { enrollOrgCommand } from './org-enrollment';
import { openStore } from './store/database';

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
// The chart's enrollment Job (`enroll-org`), for tests that run it against a real CA and API server.
export { enrollOrg, KubeObjects, parsePlan } from './org-enrollment';
export type { EnrollmentSettings, KubeAccess } from './org-enrollment';
// The identity vault, for tools and tests that open a user's sealed key with the KEKs.
export { parseKeks, UserIdentityVault } from './fabric/identities';
export type { RunningService, ServiceOverrides } from './service';
// DAPP_API_KEYS entries are made and read only by these, wherever they are generated (k8s secrets)
export {
  ApiKeyVerifier,
  hashApiKey,
  parseApiKeyEntries,
  readConfig,
  rescopeApiKeyEntry,
  SERVICE_NAME,
  startService,
};

interface HashKeyOptions {
  name: string;
  key?: string;
  identities: string;
}

async function hashKeyCommand(options: HashKeyOptions): Promise<number> {
  const prefix = `${options.name}.`;
  if (options.key !== undefined && !options.key.startsWith(prefix)) {
    throw new Error(`a key for '${options.name}' must start with '${prefix}'`);
  }
  const identities = options.identities
    .split(/[,|]/)
    .map((identity) => identity.trim())
    .filter(Boolean);
  const { key, entry } = await hashApiKey(
    options.name,
    options.key?.slice(prefix.length),
    identities,
  );
  process.stdout.write(
    `API key (give it to the caller; it is not stored): ${key}\n` +
      `DAPP_API_KEYS entry (comma-separate several): ${entry}\n`,
  );
  return 0;
}

async function runService(role: Role): Promise<number> {
  const config = readConfig();
  await serveUntilSignalled({
    service: SERVICE_NAME,
    logLevel: config.LOG_LEVEL,
    shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    start: (logger) => startService(config, logger, role),
  });
  return 0;
}

async function rotateCommand(): Promise<number> {
  const config = readConfig();
  const { store, connection, database } = await openStore(
    config,
    createLogger(SERVICE_NAME, config.LOG_LEVEL),
  );
  try {
    const resealed = await rotateIdentityKeys(config, connection);
    process.stdout.write(
      `resealed ${resealed} identity key(s) under '${String(config.FABRIC_IDENTITY_KEKS?.split(':')[0]?.trim())}'; the other keys can now be dropped from FABRIC_IDENTITY_KEKS\n`,
    );
    return 0;
  } finally {
    await store.close();
    await database?.stop();
  }
}

/** The DAPP's command line; `serve` when no command is named. */
export function commandLine(): CommandLine {
  const cli = new CommandLine({
    name: 'dapp',
    description:
      'The Consortia DAPP: a REST front door that turns application requests into Fabric transactions.',
    footer: 'Configuration comes from environment variables; see dapp/README.md.',
  });
  cli.command(
    'serve',
    'HTTP API, with an in-process queue worker unless DAPP_IN_PROCESS_WORKER=false (default)',
    () => runService('serve'),
  );
  cli.command('worker', 'only a queue worker: consumes KAFKA_TOPIC and submits to Fabric', () =>
    runService('worker'),
  );
  cli
    .command<HashKeyOptions>(
      'hash-key',
      'makes an API key (or hashes the given one) and prints its DAPP_API_KEYS entry',
      hashKeyCommand,
    )
    .option('--name <name>', "the key's name, which every key starts with", 'client')
    .option('--key <key>', 'hash this key (<name>.<secret>) rather than making one')
    .option(
      '--identities <list>',
      'the Fabric identities the key may use, comma-separated (* for all)',
      'default',
    );
  cli.command(
    'rotate-identity-keys',
    "reseals every user identity's key under the first of FABRIC_IDENTITY_KEKS",
    rotateCommand,
  );
  cli.command(
    'enroll-org',
    "the chart's enrollment Job: registers and enrolls ENROLL_PLAN's identities at the org's CA into Secrets",
    enrollOrgCommand,
  );
  return cli;
}

export function main(argv: readonly string[]): Promise<number | undefined> {
  return commandLine().run(argv, 'serve');
}

if (require.main === module) void runMain(main, process.argv.slice(2), { stackTraces: true });
