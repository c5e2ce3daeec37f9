// SPDX-License-Identifier: Apache-2.0
import fs from 'node:fs';
import path from 'node:path';

import type { Component, InstallContext } from './component';
import { allExecutable, readInstallRecord, writeInstallRecord } from './component';
import { goInstall } from './go-install';
import { componentDir } from './paths';

export const HELM_VERSION = 'v3.22.0';

export function helmBinary(home: string): string {
  return path.join(componentDir(home, 'helm', HELM_VERSION), 'bin', 'helm');
}

export const helmComponent: Component = {
  name: 'helm',
  version: HELM_VERSION,
  summary: `Helm ${HELM_VERSION}, for rendering and installing the charts`,
  prerequisites: ['go'],

  isInstalled(home) {
    const dir = componentDir(home, 'helm', HELM_VERSION);
    return (
      readInstallRecord(dir)?.version === HELM_VERSION &&
      allExecutable(path.join(dir, 'bin'), ['helm'])
    );
  },

  async install(context: InstallContext) {
    const dir = componentDir(context.home, 'helm', HELM_VERSION);
    fs.mkdirSync(path.join(dir, 'bin'), { recursive: true });
    await goInstall(
      {
        label: 'helm',
        packages: ['helm.sh/helm/v3/cmd/helm'],
        version: HELM_VERSION,
        binDir: path.join(dir, 'bin'),
      },
      context,
    );
    writeInstallRecord(dir, 'helm', HELM_VERSION);
  },
};
