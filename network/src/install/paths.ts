// SPDX-License-Identifier: Apache-2.0
import os from 'node:os';
import path from 'node:path';

/** Root of everything installed outside the repository; CONSORTIA_HOME overrides it. */
export function consortiaHome(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.CONSORTIA_HOME?.trim();
  return configured ? path.resolve(configured) : path.join(os.homedir(), '.cache', 'consortia');
}

export function componentDir(home: string, component: string, version: string): string {
  return path.join(home, component, version);
}

export function installLogDir(home: string): string {
  return path.join(home, 'logs');
}
