// SPDX-License-Identifier: Apache-2.0
import { execFileSync, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** The runtime settings of an image, as a Dockerfile's ENTRYPOINT/CMD/ENV/USER/WORKDIR/EXPOSE set them. */
export interface ImageConfig {
  entrypoint?: string[];
  cmd?: string[];
  env?: string[];
  user?: string;
  workingDir?: string;
  /** e.g. '7051/tcp' */
  exposedPorts?: string[];
  labels?: Record<string, string>;
}

export interface ImageSpec {
  /** Full reference, e.g. consortia.local/peer:2.5 */
  name: string;
  /** Uncompressed tar files, bottom layer first. */
  layers: string[];
  config: ImageConfig;
}

export const MEDIA_TYPES = {
  index: 'application/vnd.oci.image.index.v1+json',
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  // uncompressed: images are imported on this machine, where gzip would only cost CPU
  layer: 'application/vnd.oci.image.layer.v1.tar',
} as const;

/** Layers carry a fixed time, so the same inputs give the same digests. */
const EPOCH = '1970-01-01T00:00:00Z';

interface Blob {
  digest: string;
  size: number;
}

function sha256File(file: string): string {
  const hash = crypto.createHash('sha256');
  const fd = fs.openSync(file, 'r');
  const buffer = Buffer.alloc(1 << 20);
  try {
    for (;;) {
      const read = fs.readSync(fd, buffer, 0, buffer.length, null);
      if (read === 0) break;
      hash.update(buffer.subarray(0, read));
    }
  } finally {
    fs.closeSync(fd);
  }
  return `sha256:${hash.digest('hex')}`;
}

function blobPath(layoutDir: string, digest: string): string {
  return path.join(layoutDir, 'blobs', 'sha256', digest.slice('sha256:'.length));
}

function addFileBlob(layoutDir: string, file: string): Blob {
  const digest = sha256File(file);
  const target = blobPath(layoutDir, digest);
  if (!fs.existsSync(target)) fs.copyFileSync(file, target);
  return { digest, size: fs.statSync(target).size };
}

function addJsonBlob(layoutDir: string, value: unknown): Blob {
  const data = Buffer.from(JSON.stringify(value));
  const digest = `sha256:${crypto.createHash('sha256').update(data).digest('hex')}`;
  fs.writeFileSync(blobPath(layoutDir, digest), data);
  return { digest, size: data.length };
}

/** The OCI image configuration document for `spec`, given its layers' digests. */
export function imageConfigDocument(config: ImageConfig, diffIds: string[]): object {
  const ports = Object.fromEntries((config.exposedPorts ?? []).map((port) => [port, {}]));
  return {
    created: EPOCH,
    architecture: 'amd64',
    os: 'linux',
    config: {
      ...(config.entrypoint ? { Entrypoint: config.entrypoint } : {}),
      ...(config.cmd ? { Cmd: config.cmd } : {}),
      Env: config.env ?? ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
      ...(config.user ? { User: config.user } : {}),
      ...(config.workingDir ? { WorkingDir: config.workingDir } : {}),
      ...(Object.keys(ports).length > 0 ? { ExposedPorts: ports } : {}),
      ...(config.labels ? { Labels: config.labels } : {}),
    },
    rootfs: { type: 'layers', diff_ids: diffIds },
    history: diffIds.map(() => ({ created: EPOCH, created_by: 'consortia images' })),
  };
}

/**
 * Writes `spec` as an OCI image layout in `layoutDir` and packs it into `archive` (what
 * `ctr images import` reads). Returns the manifest digest.
 */
export function writeOciArchive(spec: ImageSpec, layoutDir: string, archive: string): string {
  fs.rmSync(layoutDir, { recursive: true, force: true });
  fs.mkdirSync(path.join(layoutDir, 'blobs', 'sha256'), { recursive: true });
  const layers = spec.layers.map((file) => addFileBlob(layoutDir, file));
  const config = addJsonBlob(
    layoutDir,
    imageConfigDocument(
      spec.config,
      layers.map((layer) => layer.digest),
    ),
  );
  const manifest = addJsonBlob(layoutDir, {
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.manifest,
    config: { mediaType: MEDIA_TYPES.config, ...config },
    layers: layers.map((layer) => ({ mediaType: MEDIA_TYPES.layer, ...layer })),
  });
  const tag = spec.name.slice(spec.name.lastIndexOf(':') + 1);
  fs.writeFileSync(
    path.join(layoutDir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.index,
      manifests: [
        {
          mediaType: MEDIA_TYPES.manifest,
          ...manifest,
          platform: { architecture: 'amd64', os: 'linux' },
          annotations: {
            'io.containerd.image.name': spec.name,
            'org.opencontainers.image.ref.name': tag,
          },
        },
      ],
    }),
  );
  fs.writeFileSync(path.join(layoutDir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  fs.mkdirSync(path.dirname(archive), { recursive: true });
  execFileSync('tar', ['-C', layoutDir, '-cf', archive, 'oci-layout', 'index.json', 'blobs']);
  return manifest.digest;
}

/**
 * A layer from a staged directory, reproducibly (sorted, fixed times). Owners are kept as staged
 * (numeric), so a file chowned to the image's user in the stage keeps that owner.
 */
export function layerFromDirectory(dir: string, output: string): string {
  fs.mkdirSync(path.dirname(output), { recursive: true });
  const args = ['--sort=name', '--mtime=@0', '--numeric-owner', '-C', dir, '-cf', output, '.'];
  const result = spawnSync('tar', args, { encoding: 'utf8' });
  // exit 1 with only "file changed as we read it" (a directory's times touched while read) is
  // a complete archive; anything else is a failure
  const changedOnly =
    result.status === 1 &&
    result.stderr
      .trim()
      .split('\n')
      .every((line) => line.endsWith('file changed as we read it'));
  if (result.status !== 0 && !changedOnly) {
    throw new Error(`tar ${args.join(' ')} failed: ${result.stderr.trim()}`);
  }
  return output;
}
