// SPDX-License-Identifier: Apache-2.0
import fs from 'node:fs';
import path from 'node:path';

import { UserError } from '../errors';
import { runCommand } from '../process/run-command';

export interface ServicePackageInput {
  label: string;
  /** host:port where the chaincode service listens, as the peer dials it. */
  address: string;
  /** The chaincode workspace; its META-INF (state database indexes) travels in the package. */
  sourceDir: string;
  outputDir: string;
}

async function tarGz(archive: string, cwd: string, entries: string[]): Promise<void> {
  const result = await runCommand('tar', ['-czf', archive, '-C', cwd, ...entries]);
  if (result.code !== 0) throw new UserError(`could not write ${archive}: ${result.stderr}`);
}

/**
 * A chaincode-as-a-service package: metadata.json (type "ccaas") and code.tar.gz, whose
 * connection.json tells the peer where the service listens.
 */
export async function buildServicePackage(input: ServicePackageInput): Promise<string> {
  const work = path.join(input.outputDir, 'work');
  const code = path.join(work, 'code');
  fs.rmSync(work, { recursive: true, force: true });
  fs.mkdirSync(code, { recursive: true });
  const connection = { address: input.address, dial_timeout: '10s', tls_required: false };
  fs.writeFileSync(path.join(code, 'connection.json'), `${JSON.stringify(connection, null, 2)}\n`);
  const codeEntries = ['connection.json'];
  const metaInf = path.join(input.sourceDir, 'META-INF');
  if (fs.existsSync(metaInf)) {
    fs.cpSync(metaInf, path.join(code, 'META-INF'), { recursive: true });
    codeEntries.push('META-INF');
  }
  await tarGz(path.join(work, 'code.tar.gz'), code, codeEntries);
  fs.writeFileSync(
    path.join(work, 'metadata.json'),
    `${JSON.stringify({ type: 'ccaas', label: input.label })}\n`,
  );
  const packageFile = path.join(input.outputDir, `${input.label}.tar.gz`);
  await tarGz(packageFile, work, ['metadata.json', 'code.tar.gz']);
  return packageFile;
}

/** The program that serves a chaincode workspace in fabric-shim's server mode. */
export function chaincodeServerProgram(chaincodeDir: string): string {
  let manifest: string;
  try {
    manifest = require.resolve('fabric-shim/package.json', { paths: [chaincodeDir] });
  } catch {
    throw new UserError(
      `${chaincodeDir} does not depend on fabric-shim`,
      'run `npm ci` at the repository root',
    );
  }
  return path.join(path.dirname(manifest), 'cli.js');
}

export interface ChaincodeProject {
  dir: string;
  name: string;
  version: string;
}

/** Reads the chaincode workspace's package.json and checks it is built. */
export function readChaincodeProject(dir: string): ChaincodeProject {
  const manifestFile = path.join(dir, 'package.json');
  let manifest: { name?: string; version?: string; main?: string };
  try {
    manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as typeof manifest;
  } catch {
    throw new UserError(
      `no chaincode project at ${dir} (no readable package.json)`,
      'pass --path to a chaincode workspace',
    );
  }
  const main = path.join(dir, manifest.main ?? 'index.js');
  if (!fs.existsSync(main)) {
    throw new UserError(
      `the chaincode at ${dir} is not built (${main} is missing)`,
      'run `npm run build` at the repository root',
    );
  }
  return {
    dir,
    name: (manifest.name ?? path.basename(dir)).replace(/^@[^/]+\//, ''),
    version: manifest.version ?? '1.0.0',
  };
}
