// SPDX-License-Identifier: Apache-2.0
import { runCommand } from '../../process/run-command';

/** The containerd namespace the kubelet's CRI uses. */
export const CRI_NAMESPACE = 'k8s.io';

export interface ContainerdClient {
  ctr: string;
  socket: string;
}

/** Imports an OCI archive into the node's image store, where pods find it without a pull. */
export async function importImage(client: ContainerdClient, archive: string): Promise<string> {
  const result = await runCommand(client.ctr, [
    '--address',
    client.socket,
    '--namespace',
    CRI_NAMESPACE,
    'images',
    'import',
    '--platform',
    'linux/amd64',
    archive,
  ]);
  if (result.code !== 0) {
    throw new Error(`ctr images import ${archive} failed: ${result.stderr.trim()}`);
  }
  return result.stdout.trim();
}

/** Names of the images in the node's store. */
export async function listImages(client: ContainerdClient): Promise<string[]> {
  const result = await runCommand(client.ctr, [
    '--address',
    client.socket,
    '--namespace',
    CRI_NAMESPACE,
    'images',
    'list',
    '--quiet',
  ]);
  if (result.code !== 0) throw new Error(`ctr images list failed: ${result.stderr.trim()}`);
  return result.stdout.split('\n').filter(Boolean);
}
