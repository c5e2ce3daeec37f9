// SPDX-License-Identifier: Apache-2.0
import { execFileSync } from 'node:child_process';
import path from 'node:path';

/** Runs openssl quietly; throws if it fails. */
export function openssl(args: string[]): void {
  execFileSync('openssl', args, { stdio: 'ignore' });
}

/**
 * A self-signed P-256 certificate valid one day, subject `/CN=<name>`, written as
 * `<dir>/<name>.pem` and its key as `<dir>/<name>-key.pem`.
 */
export function selfSigned(dir: string, name: string): { cert: string; key: string } {
  const cert = path.join(dir, `${name}.pem`);
  const key = path.join(dir, `${name}-key.pem`);
  openssl([
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    key,
    '-out',
    cert,
    '-days',
    '1',
    '-subj',
    `/CN=${name}`,
  ]);
  return { cert, key };
}
