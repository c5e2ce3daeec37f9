// SPDX-License-Identifier: Apache-2.0
import fs from 'node:fs';

import { UserError } from '../errors';
import { findOnPath, runCommand } from '../process/run-command';
import type { Component } from './component';
import { throttled } from './component';

/** Where Debian's package puts the browser; CHROMIUM_PATH points elsewhere. */
export const DEFAULT_CHROMIUM_PATH = '/usr/bin/chromium';

/** The Chromium the explorer's browser tests drive (playwright-core cannot download one here). */
export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.CHROMIUM_PATH ?? DEFAULT_CHROMIUM_PATH;
}

function executable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * A system package rather than a CONSORTIA_HOME download: browser builds are not published
 * where this machine can fetch them, while the distribution's package is.
 */
export const chromiumComponent: Component = {
  name: 'chromium',
  version: 'system',
  summary: "Chromium (the distribution's package) for the explorer's browser tests",
  prerequisites: [],

  isInstalled(_home, env = process.env) {
    return executable(chromiumPath(env));
  },

  async install({ env, progress }) {
    if (env.CHROMIUM_PATH) {
      throw new UserError(
        `CHROMIUM_PATH is ${env.CHROMIUM_PATH}, which is not an executable`,
        'point CHROMIUM_PATH at a Chromium binary, or unset it to use the system package',
      );
    }
    const aptGet = findOnPath('apt-get', env);
    if (!aptGet || process.getuid?.() !== 0) {
      throw new UserError(
        `Chromium is not installed at ${DEFAULT_CHROMIUM_PATH}`,
        'run `apt-get install chromium` as root (or set CHROMIUM_PATH to an installed Chromium)',
      );
    }
    const onLine = throttled(progress, 5_000);
    const aptEnv = { ...env, DEBIAN_FRONTEND: 'noninteractive' };
    progress('apt-get update');
    await runCommand(aptGet, ['update', '-qq'], { env: aptEnv, onLine });
    progress('apt-get install chromium');
    const result = await runCommand(aptGet, ['install', '-y', '-qq', 'chromium'], {
      env: aptEnv,
      onLine,
    });
    if (result.code !== 0 || !executable(DEFAULT_CHROMIUM_PATH)) {
      throw new UserError(
        `\`apt-get install chromium\` failed (exit ${result.code}): ${result.stderr.trim().split('\n').pop() ?? ''}`,
        'install the chromium package by hand, or set CHROMIUM_PATH to an installed Chromium',
      );
    }
  },
};
