// SPDX-License-Identifier: Apache-2.0
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import { UserError } from '../../errors';
import { findOnPath, runCommand } from '../../process/run-command';
import { imagesDir } from './node-images';

/** The Debian release the base image is made from: the same as the machine's, for node's libc. */
export const BASE_SUITE = 'bookworm';
/**
 * Packages besides Debian's minimal base: TLS roots, node's C++ runtime, time zones, and jq,
 * which Hyperledger's tools image carries and the charts' and Jobs' scripts use on config JSON.
 */
export const BASE_PACKAGES = ['ca-certificates', 'libstdc++6', 'tzdata', 'jq'];
/** The unprivileged user the official Node images carry and the charts run as. */
export const BASE_USER = { name: 'node', uid: 1000 };

/** Named after its package list, so a layer made from an older list is never reused. */
export function baseLayerPath(home: string): string {
  const packages = crypto.createHash('sha256').update(BASE_PACKAGES.join(',')).digest('hex');
  return path.join(imagesDir(home), `debian-${BASE_SUITE}-base-${packages.slice(0, 8)}.tar`);
}

/** The mmdebstrap command line that makes the base layer (printed in errors and docs). */
export function mmdebstrapArgs(output: string): string[] {
  const user = `chroot "$1" useradd --uid ${BASE_USER.uid} --user-group --create-home --shell /bin/sh ${BASE_USER.name}`;
  return [
    '--variant=minbase',
    `--include=${BASE_PACKAGES.join(',')}`,
    `--customize-hook=${user}`,
    // no apt lists or caches in the image
    '--customize-hook=rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*',
    BASE_SUITE,
    output,
  ];
}

/**
 * A minimal Debian root file system as one uncompressed layer, made by mmdebstrap from the
 * distribution's packages (through the machine's apt sources), once.
 */
export async function debianBaseLayer(
  home: string,
  progress: (line: string) => void,
): Promise<string> {
  const output = baseLayerPath(home);
  if (fs.existsSync(output)) return output;
  if (!findOnPath('mmdebstrap')) {
    throw new UserError(
      'the Debian base image is made with mmdebstrap, which is not on PATH',
      'install the Debian package mmdebstrap (apt-get install mmdebstrap)',
    );
  }
  fs.mkdirSync(path.dirname(output), { recursive: true });
  const partial = `${output}.partial.tar`;
  const args = mmdebstrapArgs(partial);
  progress(`mmdebstrap ${args.join(' ')} (a few minutes)`);
  const result = await runCommand('mmdebstrap', args, {
    logFile: path.join(imagesDir(home), 'mmdebstrap.log'),
  });
  if (result.code !== 0) {
    fs.rmSync(partial, { force: true });
    const tail = result.stderr.trim().split('\n').slice(-10).join('\n');
    throw new UserError(`mmdebstrap ${args.join(' ')} failed:\n${tail}`);
  }
  fs.renameSync(partial, output);
  return output;
}
