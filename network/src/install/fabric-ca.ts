// SPDX-License-Identifier: Apache-2.0
import fs from 'node:fs';
import path from 'node:path';

import type { Component, InstallContext } from './component';
import { allExecutable, readInstallRecord, writeInstallRecord } from './component';
import { goBuildInModule } from './go-install';
import { componentDir } from './paths';

/** The Fabric CA release Consortia runs: the 1.5 line that issues certificates for Fabric 2.5. */
export const FABRIC_CA_VERSION = '1.5.15';
export const FABRIC_CA_MODULE = 'github.com/hyperledger/fabric-ca';
export const FABRIC_CA_TOOLS = ['fabric-ca-server', 'fabric-ca-client'] as const;
export type FabricCaTool = (typeof FABRIC_CA_TOOLS)[number];

/** go.sum hashes of the module at that version, so a proxy cannot hand over other content. */
const FABRIC_CA_SUMS = {
  zip: 'h1:55lQb2B/nWjpZZ8Ke/5dczoSh9juHT3OgrUFn640ks0=',
  mod: 'h1:hNlaUH2hxoVHaapBdRPa2paSHaST+TCxbqQ5xNQQYfo=',
};

function installDir(home: string): string {
  return componentDir(home, 'fabric-ca', FABRIC_CA_VERSION);
}

/** Where the CA programs are: CONSORTIA_FABRIC_CA_BIN when set, else the install directory. */
export function fabricCaBinDir(home: string, env: NodeJS.ProcessEnv = process.env): string {
  const own = env.CONSORTIA_FABRIC_CA_BIN?.trim();
  return own ? path.resolve(own) : path.join(installDir(home), 'bin');
}

export function fabricCaTool(
  home: string,
  tool: FabricCaTool,
  env: NodeJS.ProcessEnv = process.env,
): string {
  return path.join(fabricCaBinDir(home, env), tool);
}

/** The wrapper module's go.mod: it requires Fabric CA at its release tag, nothing else. */
export function fabricCaGoMod(): string {
  return [
    'module consortia.local/fabric-ca-build',
    '',
    'go 1.26.0',
    '',
    `require ${FABRIC_CA_MODULE} v${FABRIC_CA_VERSION}`,
    '',
  ].join('\n');
}

export function fabricCaGoSum(): string {
  const version = `v${FABRIC_CA_VERSION}`;
  return (
    `${FABRIC_CA_MODULE} ${version} ${FABRIC_CA_SUMS.zip}\n` +
    `${FABRIC_CA_MODULE} ${version}/go.mod ${FABRIC_CA_SUMS.mod}\n`
  );
}

export const fabricCaComponent: Component = {
  name: 'ca',
  version: FABRIC_CA_VERSION,
  summary: `Hyperledger Fabric CA ${FABRIC_CA_VERSION}: ${FABRIC_CA_TOOLS.join(', ')}`,
  // the server's default store is SQLite, compiled in through cgo
  prerequisites: ['go', 'gcc'],

  isInstalled(home, env = process.env) {
    const binDir = fabricCaBinDir(home, env);
    if (env.CONSORTIA_FABRIC_CA_BIN?.trim()) return allExecutable(binDir, FABRIC_CA_TOOLS);
    return (
      readInstallRecord(installDir(home))?.version === FABRIC_CA_VERSION &&
      allExecutable(binDir, FABRIC_CA_TOOLS)
    );
  },

  async install(context: InstallContext) {
    const binDir = fabricCaBinDir(context.home, context.env);
    fs.mkdirSync(binDir, { recursive: true });
    context.progress(`building Fabric CA ${FABRIC_CA_VERSION} (cgo, for SQLite)`);
    await goBuildInModule(
      {
        label: 'fabric-ca',
        srcDir: path.join(installDir(context.home), 'src'),
        goMod: fabricCaGoMod(),
        goSum: fabricCaGoSum(),
        packages: FABRIC_CA_TOOLS.map((tool) => `${FABRIC_CA_MODULE}/cmd/${tool}`),
        output: `${binDir}/`,
        refusal: `the Go module proxy refused to serve Fabric CA v${FABRIC_CA_VERSION}`,
        refusedHint: `use a Go module proxy that serves ${FABRIC_CA_MODULE}@v${FABRIC_CA_VERSION}, or set CONSORTIA_FABRIC_CA_BIN to a directory holding fabric-ca-server and fabric-ca-client`,
      },
      {
        ...context,
        env: {
          ...context.env,
          CGO_ENABLED: '1',
          // the checksum database is not reached through every proxy; the hashes above stand in
          GONOSUMDB: context.env.GONOSUMDB?.trim()
            ? `${context.env.GONOSUMDB},${FABRIC_CA_MODULE}`
            : FABRIC_CA_MODULE,
        },
      },
    );
    writeInstallRecord(installDir(context.home), 'ca', FABRIC_CA_VERSION);
  },
};
