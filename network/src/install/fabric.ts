// SPDX-License-Identifier: Apache-2.0
import fs from 'node:fs';
import path from 'node:path';

import { UserError } from '../errors';
import type { Component, InstallContext } from './component';
import { allExecutable, readInstallRecord, writeInstallRecord } from './component';
import { goBuildInModule } from './go-install';
import { componentDir } from './paths';

/** The Fabric release Consortia targets. */
export const FABRIC_VERSION = '2.5.16';
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

/** A commit of Fabric's release-2.5 branch that the programs can be built from. */
export interface FabricSource {
  /** How progress lines and the install record name it. */
  name: string;
  /** The release the programs report (`peer version`, operations /version). */
  release: string;
  commit: string;
  /** The commit time in UTC, as Go's pseudo-versions spell it (yyyymmddhhmmss). */
  committed: string;
  /** The module's go.sum hashes, when known, so a proxy cannot hand over other content. */
  sums?: { zip: string; mod: string };
}

/**
 * Where Fabric is built from, in order of preference. The module path has no /v2 suffix, so a
 * v2 tag cannot be named: each commit is required by the pseudo-version Go derives from it (its
 * newest ancestor tag that fits the path is v1.4.0-rc1). Some module proxies serve only part of
 * Fabric's history; the second entry is the release-2.5 branch shortly before v2.5.16 (v2.5.15
 * and its dependency updates), used only when the proxy refuses the first.
 */
export const FABRIC_SOURCES: readonly FabricSource[] = [
  {
    name: 'v2.5.16',
    release: '2.5.16',
    commit: 'f871cf92a026aba7b12e6f06d71ded3e6e659d71',
    committed: '20260617221605',
  },
  {
    name: 'release-2.5 at 2ab85f97 (v2.5.15 with later fixes)',
    release: '2.5.15',
    commit: '2ab85f97b1d30e67af68224b9d435aa594902bfc',
    committed: '20260325124038',
    sums: {
      zip: 'h1:oS9cccSKHilOHKd7nazpjIxe9gMi0tsgdT4hALYVLZ8=',
      mod: 'h1:P/cID1/Xc7X+1ibpxt1YOy/5mRNBDHLRDIuFsRIghhA=',
    },
  },
];

export function fabricPseudoVersion(source: FabricSource): string {
  return `v1.4.0-rc1.0.${source.committed}-${source.commit.slice(0, 12)}`;
}

/** The wrapper module's go.mod: it requires Fabric at the source's pseudo-version, nothing else. */
export function fabricGoMod(source: FabricSource): string {
  return [
    'module consortia.local/fabric-build',
    '',
    'go 1.26.0',
    '',
    `require ${FABRIC_MODULE} ${fabricPseudoVersion(source)}`,
    '',
  ].join('\n');
}

/** Stamps the version as Fabric's own release build does; a plain build reports "latest". */
export function fabricLdflags(source: FabricSource): string {
  const metadata = `${FABRIC_MODULE}/common/metadata`;
  return `-X ${metadata}.Version=${source.release} -X ${metadata}.CommitSHA=${source.commit.slice(0, 8)}`;
}

export function fabricGoSum(source: FabricSource): string {
  if (!source.sums) return '';
  const version = fabricPseudoVersion(source);
  return (
    `${FABRIC_MODULE} ${version} ${source.sums.zip}\n` +
    `${FABRIC_MODULE} ${version}/go.mod ${source.sums.mod}\n`
  );
}

function installDir(home: string): string {
  return componentDir(home, 'fabric', '2.5');
}

/** Where the Fabric programs are: CONSORTIA_FABRIC_BIN when set, else the install directory. */
export function fabricBinDir(home: string, env: NodeJS.ProcessEnv = process.env): string {
  const own = env.CONSORTIA_FABRIC_BIN?.trim();
  return own ? path.resolve(own) : path.join(installDir(home), 'bin');
}

export function fabricTool(
  home: string,
  tool: FabricTool,
  env: NodeJS.ProcessEnv = process.env,
): string {
  return path.join(fabricBinDir(home, env), tool);
}

/** Which source the installed programs were built from, when Consortia built them. */
export function installedFabricSource(home: string): FabricSource | undefined {
  const record = readInstallRecord(installDir(home));
  return FABRIC_SOURCES.find((source) => source.name === record?.version);
}

/**
 * The Fabric release the network runs, as network.json records it: the one the installed programs
 * were built from (2.5.15 when the proxy served only the fallback source), else the one targeted.
 */
export function fabricReleaseInUse(home: string, env: NodeJS.ProcessEnv = process.env): string {
  if (env.CONSORTIA_FABRIC_BIN?.trim()) return FABRIC_VERSION;
  return installedFabricSource(home)?.release ?? FABRIC_VERSION;
}

/** True when the proxy refused Fabric itself (so another source may do), not one of its dependencies. */
export function refusedFabric(error: unknown): boolean {
  return (
    error instanceof UserError &&
    error.message.includes('refused') &&
    error.message.includes(`${FABRIC_MODULE}@`)
  );
}

async function buildFrom(source: FabricSource, context: InstallContext, binDir: string) {
  await goBuildInModule(
    {
      label: 'fabric',
      srcDir: path.join(installDir(context.home), 'src'),
      goMod: fabricGoMod(source),
      goSum: fabricGoSum(source),
      packages: FABRIC_TOOLS.map((tool) => `${FABRIC_MODULE}/cmd/${tool}`),
      output: `${binDir}/`,
      ldflags: fabricLdflags(source),
      refusal: `the Go module proxy refused to serve Fabric ${source.name}`,
      refusedHint:
        'use a Go module proxy that serves github.com/hyperledger/fabric, or set CONSORTIA_FABRIC_BIN to a directory holding Fabric 2.5 binaries built elsewhere',
    },
    {
      ...context,
      // The checksum database is not reached through every proxy; the hashes above stand in.
      env: { ...context.env, GONOSUMDB: appendPattern(context.env.GONOSUMDB, FABRIC_MODULE) },
    },
  );
}

function appendPattern(list: string | undefined, pattern: string): string {
  return list?.trim() ? `${list},${pattern}` : pattern;
}

export const fabricComponent: Component = {
  name: 'fabric',
  version: FABRIC_VERSION,
  summary: `Hyperledger Fabric ${FABRIC_VERSION}: ${FABRIC_TOOLS.join(', ')}`,
  prerequisites: ['go'],

  isInstalled(home, env = process.env) {
    const binDir = fabricBinDir(home, env);
    if (env.CONSORTIA_FABRIC_BIN?.trim()) return allExecutable(binDir, FABRIC_TOOLS);
    return installedFabricSource(home) !== undefined && allExecutable(binDir, FABRIC_TOOLS);
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
    for (const [index, source] of FABRIC_SOURCES.entries()) {
      const next = FABRIC_SOURCES[index + 1];
      try {
        context.progress(`building Fabric ${source.name} (commit ${source.commit.slice(0, 12)})`);
        await buildFrom(source, context, binDir);
        writeInstallRecord(installDir(context.home), 'fabric', source.name);
        if (index > 0) {
          context.progress(
            `built Fabric ${source.name}: the module proxy does not serve ${String(FABRIC_SOURCES[0]?.name)}`,
          );
        }
        return;
      } catch (error) {
        if (!next || !refusedFabric(error)) throw error;
        context.progress(
          `the Go module proxy refuses Fabric ${source.name}; trying ${next.name} instead`,
        );
      }
    }
  },
};
