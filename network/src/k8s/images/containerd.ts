// SPDX-License-Identifier: Apache-2.0
import { runCommand } from '../../process/run-command';

/** The containerd namespace the kubelet's CRI uses. */
export const CRI_NAMESPACE = 'k8s.io';

export interface ContainerdClient {
  ctr: string;
  socket: string;
}

/** Runs `ctr` against the node's CRI namespace; its output, or an error naming `what` failed. */
async function ctr(client: ContainerdClient, args: string[], what: string): Promise<string> {
  const result = await runCommand(client.ctr, [
    '--address',
    client.socket,
    '--namespace',
    CRI_NAMESPACE,
    ...args,
  ]);
  if (result.code !== 0) throw new Error(`${what} failed: ${result.stderr.trim()}`);
  return result.stdout;
}

/** Imports an OCI archive into the node's image store, where pods find it without a pull. */
export async function importImage(client: ContainerdClient, archive: string): Promise<string> {
  const args = ['images', 'import', '--platform', 'linux/amd64', archive];
  return (await ctr(client, args, `ctr images import ${archive}`)).trim();
}

/** Names of the images in the node's store. */
export async function listImages(client: ContainerdClient): Promise<string[]> {
  const output = await ctr(client, ['images', 'list', '--quiet'], 'ctr images list');
  return output.split('\n').filter(Boolean);
}
