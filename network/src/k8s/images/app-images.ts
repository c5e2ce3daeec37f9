// SPDX-License-Identifier: Apache-2.0
import fs from 'node:fs';
import path from 'node:path';

import { CCAAS_BUILDER_DIR } from '../../chaincode/builder';
import { UserError } from '../../errors';
import {
  FABRIC_MODULE,
  FABRIC_TOOLS,
  FABRIC_VERSION,
  fabricPseudoVersion,
  fabricTool,
  installedFabricSource,
} from '../../install/fabric';
import { runCommand } from '../../process/run-command';
import { debianBaseLayer } from './base-image';
import type { BuiltImage } from './node-images';
import { imagesDir } from './node-images';
import type { ImageConfig } from './oci';
import { layerFromDirectory, writeOciArchive } from './oci';
import { layOutServiceApp } from './service-app';
import type { ServiceWorkspace } from './service-images';
import { NODE_IN_IMAGE, SERVICE_WORKSPACES, serviceImageLayout } from './service-images';

export const PATH_ENV = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const FABRIC_CFG_PATH = '/etc/hyperledger/fabric';
/** Where Fabric's sample core.yaml (externalBuilders: ccaas_builder) expects the builder. */
export const CCAAS_BUILDER_IN_IMAGE = '/opt/hyperledger/ccaas_builder';

export interface ImageBuildContext {
  home: string;
  /** The repository root, whose workspaces' build output goes into the service images. */
  repo: string;
  progress: (line: string) => void;
}

export function workDir(home: string, key: string): string {
  const dir = path.join(imagesDir(home), 'work', key);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

export function place(from: string, stageDir: string, to: string, mode?: number): void {
  const target = path.join(stageDir, to);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.cpSync(from, target, { recursive: true, dereference: true });
  if (mode !== undefined) fs.chmodSync(target, mode);
}

/** Writes the image's archive from its layers (bottom first) and drops the work files. */
export function finish(
  home: string,
  key: string,
  name: string,
  layers: string[],
  config: ImageConfig,
): BuiltImage {
  const archive = path.join(imagesDir(home), `${key}.oci.tar`);
  writeOciArchive(
    { name, layers, config },
    path.join(imagesDir(home), 'work', `${key}-layout`),
    archive,
  );
  fs.rmSync(path.join(imagesDir(home), 'work'), { recursive: true, force: true });
  return { name, archive };
}

/** Fabric's sample configuration from the module the programs were built from, as its images carry. */
async function fabricSampleConfig(home: string): Promise<string> {
  const source = installedFabricSource(home);
  if (!source) throw new UserError('Fabric is not installed', 'run `consortia install fabric`');
  const modCache = (await runCommand('go', ['env', 'GOMODCACHE'])).stdout.trim();
  const dir = path.join(
    modCache,
    `${FABRIC_MODULE}@${fabricPseudoVersion(source)}`,
    'sampleconfig',
  );
  if (!fs.existsSync(dir)) throw new UserError(`Fabric's sample configuration is missing: ${dir}`);
  return dir;
}

interface FabricImage {
  key: string;
  repository: string;
  programs: readonly string[];
  config: ImageConfig;
  /** Hyperledger's peer image carries the chaincode-as-a-service builder its core.yaml names. */
  ccaasBuilder?: boolean;
}

/** The layout of Hyperledger's own images: programs in /usr/local/bin, config in FABRIC_CFG_PATH. */
export const FABRIC_IMAGES: readonly FabricImage[] = [
  {
    key: 'fabric-peer',
    repository: 'docker.io/hyperledger/fabric-peer',
    programs: ['peer'],
    config: { cmd: ['peer', 'node', 'start'], exposedPorts: ['7051/tcp'] },
    ccaasBuilder: true,
  },
  {
    key: 'fabric-orderer',
    repository: 'docker.io/hyperledger/fabric-orderer',
    programs: ['orderer'],
    config: { cmd: ['orderer'], exposedPorts: ['7050/tcp'] },
  },
  {
    key: 'fabric-tools',
    repository: 'docker.io/hyperledger/fabric-tools',
    programs: FABRIC_TOOLS,
    config: { cmd: ['/bin/sh'] },
  },
];

export async function fabricImages(context: ImageBuildContext): Promise<BuiltImage[]> {
  const base = await debianBaseLayer(context.home, context.progress);
  const sample = await fabricSampleConfig(context.home);
  const built: BuiltImage[] = [];
  for (const image of FABRIC_IMAGES) {
    const name = `${image.repository}:${FABRIC_VERSION}`;
    context.progress(`image ${name}`);
    const stage = workDir(context.home, image.key);
    for (const program of image.programs) {
      place(
        fabricTool(context.home, program as (typeof FABRIC_TOOLS)[number]),
        stage,
        `usr/local/bin/${program}`,
        0o755,
      );
    }
    place(sample, stage, FABRIC_CFG_PATH.slice(1));
    if (image.ccaasBuilder) place(CCAAS_BUILDER_DIR, stage, CCAAS_BUILDER_IN_IMAGE.slice(1));
    fs.mkdirSync(path.join(stage, 'var/hyperledger/production'), { recursive: true });
    const layer = layerFromDirectory(stage, `${stage}.tar`);
    built.push(
      finish(context.home, image.key, name, [base, layer], {
        ...image.config,
        env: [PATH_ENV, `FABRIC_CFG_PATH=${FABRIC_CFG_PATH}`],
      }),
    );
  }
  return built;
}

/** The machine's own node binary, where the official Node images keep theirs. */
function nodeRuntimeLayer(home: string): string {
  const stage = workDir(home, 'node-runtime');
  place(process.execPath, stage, NODE_IN_IMAGE.slice(1), 0o755);
  return layerFromDirectory(stage, `${stage}.tar`);
}

export async function serviceImage(
  context: ImageBuildContext,
  workspace: ServiceWorkspace,
): Promise<BuiltImage> {
  const layout = serviceImageLayout(context.repo, workspace);
  context.progress(`image ${layout.name}`);
  const base = await debianBaseLayer(context.home, context.progress);
  const runtime = nodeRuntimeLayer(context.home);
  const stage = workDir(context.home, `${workspace}-app`);
  // the same /app the Dockerfile's build stage lays out for the image
  await layOutServiceApp(context.repo, workspace, path.join(stage, 'app'));
  const app = layerFromDirectory(stage, `${stage}.tar`);
  return finish(context.home, `consortia-${workspace}`, layout.name, [base, runtime, app], {
    cmd: layout.cmd,
    env: [PATH_ENV, ...Object.entries(layout.env).map(([key, value]) => `${key}=${value}`)],
    user: layout.user,
    workingDir: layout.workingDir,
    exposedPorts: layout.exposedPorts,
  });
}

export async function serviceImages(context: ImageBuildContext): Promise<BuiltImage[]> {
  const built: BuiltImage[] = [];
  for (const workspace of SERVICE_WORKSPACES) built.push(await serviceImage(context, workspace));
  return built;
}
