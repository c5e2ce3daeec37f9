import fs from 'node:fs';
import path from 'node:path';

import { UserError } from '../errors';
import type { Component, InstallContext } from './component';
import { allExecutable, readInstallRecord, writeInstallRecord } from './component';
import { goInstall } from './go-install';
import { componentDir } from './paths';

export const FABRIC_VERSION = '2.5.16';
/** The commit of tag v2.5.16: the module path has no /v2 suffix, so the tag cannot be named. */
export const FABRIC_COMMIT = 'f871cf92a026aba7b12e6f06d71ded3e6e659d71';
export const FABRIC_MODULE = 'github.com/hyperledger/fabric';
export const FABRIC_TOOLS = [
  'peer',
  'orderer',
  'configtxgen',
  'configtxlator',
  'osnadmin',
  'cryptogen',
] as const;
export type FabricTool = (typeof FABRIC_TOOLS)[number];

/** Where the Fabric programs are: CONSORTIA_FABRIC_BIN when set, else the install directory. */
export function fabricBinDir(home: string, env: NodeJS.ProcessEnv = process.env): string {
  const own = env.CONSORTIA_FABRIC_BIN?.trim();
  return own ? path.resolve(own) : path.join(componentDir(home, 'fabric', FABRIC_VERSION), 'bin');
}

export function fabricTool(
  home: string,
  tool: FabricTool,
  env: NodeJS.ProcessEnv = process.env,
): string {
  return path.join(fabricBinDir(home, env), tool);
}

export const fabricComponent: Component = {
  name: 'fabric',
  version: FABRIC_VERSION,
  summary: `Hyperledger Fabric ${FABRIC_VERSION}: ${FABRIC_TOOLS.join(', ')}`,
  prerequisites: ['go'],

  isInstalled(home, env = process.env) {
    const binDir = fabricBinDir(home, env);
    if (env.CONSORTIA_FABRIC_BIN?.trim()) return allExecutable(binDir, FABRIC_TOOLS);
    const record = readInstallRecord(path.dirname(binDir));
    return record?.version === FABRIC_VERSION && allExecutable(binDir, FABRIC_TOOLS);
  },

  async install(context: InstallContext) {
    const binDir = fabricBinDir(context.home, context.env);
    if (context.env.CONSORTIA_FABRIC_BIN?.trim()) {
      const missing = FABRIC_TOOLS.filter((tool) => !allExecutable(binDir, [tool]));
      throw new UserError(
        `CONSORTIA_FABRIC_BIN=${binDir} lacks ${missing.join(', ')}`,
        'point CONSORTIA_FABRIC_BIN at a directory holding every Fabric 2.5 program, or unset it to build them',
      );
    }
    fs.mkdirSync(binDir, { recursive: true });
    await goInstall(
      {
        label: 'fabric',
        packages: FABRIC_TOOLS.map((tool) => `${FABRIC_MODULE}/cmd/${tool}`),
        version: FABRIC_COMMIT,
        binDir,
        refusedHint:
          'use a Go module proxy that serves github.com/hyperledger/fabric, or set CONSORTIA_FABRIC_BIN to a directory holding Fabric 2.5 binaries built elsewhere',
      },
      context,
    );
    writeInstallRecord(path.dirname(binDir), 'fabric', FABRIC_VERSION);
  },
};
