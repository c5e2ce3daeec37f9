// SPDX-License-Identifier: Apache-2.0
import fs from 'node:fs';
import path from 'node:path';

import { UserError } from '../../errors';
import { kubernetesNodeDir, nodeBinary } from '../../install/kubernetes-node';
import type { ImageSpec } from './oci';
import { layerFromDirectory, writeOciArchive } from './oci';

/** The images a bare node needs (sandbox, DNS) and a tiny one to prove a pod runs. */
export const NODE_IMAGES = {
  pause: 'consortia.local/pause:3.10',
  coredns: 'consortia.local/coredns:v1.12.1',
  busybox: 'consortia.local/busybox:1.35',
} as const;

/** busybox from Debian's busybox-static package: one static file, every applet by name. */
export const BUSYBOX = '/bin/busybox';
const BUSYBOX_APPLETS = [
  'sh',
  'cat',
  'echo',
  'hostname',
  'httpd',
  'ls',
  'mkdir',
  'nslookup',
  'sleep',
  'wget',
];

export interface BuiltImage {
  name: string;
  archive: string;
}

export function imagesDir(home: string): string {
  return path.join(kubernetesNodeDir(home), 'images');
}

function stage(workDir: string, name: string): string {
  const dir = path.join(workDir, `${name}-stage`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

function copyExecutable(from: string, to: string): void {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.copyFileSync(from, to);
  fs.chmodSync(to, 0o755);
}

/** Builds one single-layer image from a staging function, unless its archive exists already. */
export function buildStagedImage(
  home: string,
  key: string,
  name: string,
  fill: (stageDir: string) => void,
  config: ImageSpec['config'],
): BuiltImage {
  const dir = imagesDir(home);
  const archive = path.join(dir, `${key}.oci.tar`);
  if (fs.existsSync(archive)) return { name, archive };
  const work = path.join(dir, 'work');
  const stageDir = stage(work, key);
  fill(stageDir);
  const layer = layerFromDirectory(stageDir, path.join(work, `${key}.layer.tar`));
  writeOciArchive({ name, layers: [layer], config }, path.join(work, `${key}-layout`), archive);
  fs.rmSync(work, { recursive: true, force: true });
  return { name, archive };
}

/** An image of one of the node's own binaries, which it runs as its entrypoint. */
function binaryImage(
  home: string,
  key: 'pause' | 'coredns',
  config: Omit<ImageSpec['config'], 'entrypoint'>,
): BuiltImage {
  return buildStagedImage(
    home,
    key,
    NODE_IMAGES[key],
    (dir) => copyExecutable(nodeBinary(home, key), path.join(dir, key)),
    { entrypoint: [`/${key}`], ...config },
  );
}

export function pauseImage(home: string): BuiltImage {
  return binaryImage(home, 'pause', { user: '65535:65535', env: [] });
}

export function corednsImage(home: string): BuiltImage {
  return binaryImage(home, 'coredns', { exposedPorts: ['53/tcp', '53/udp'], env: [] });
}

export function busyboxImage(home: string): BuiltImage {
  if (!fs.existsSync(BUSYBOX)) {
    throw new UserError(
      `${BUSYBOX} is missing: the test image is made from it`,
      'install the Debian package busybox-static (apt-get install busybox-static)',
    );
  }
  return buildStagedImage(
    home,
    'busybox',
    NODE_IMAGES.busybox,
    (dir) => {
      copyExecutable(BUSYBOX, path.join(dir, 'bin', 'busybox'));
      for (const applet of BUSYBOX_APPLETS) {
        fs.symlinkSync('busybox', path.join(dir, 'bin', applet));
      }
      fs.mkdirSync(path.join(dir, 'tmp'));
      fs.chmodSync(path.join(dir, 'tmp'), 0o1777);
    },
    { cmd: ['/bin/sh'], env: ['PATH=/bin'] },
  );
}

/** Every image the node itself needs, built (once) from the installed binaries. */
export function nodeImages(home: string): BuiltImage[] {
  return [pauseImage(home), corednsImage(home), busyboxImage(home)];
}
