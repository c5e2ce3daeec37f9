// SPDX-License-Identifier: Apache-2.0
import path from 'node:path';

import type { ConfigUpdateContext, Json } from '../fabric/config-update';
import {
  ordererAdmin,
  submitUpdateEnvelope,
  withScratchDir,
  writeUpdateEnvelope,
} from '../fabric/config-update';
import { waitFor } from '../process/wait';
import { readChannels } from './channels';

/**
 * Submits the update from `original` to `updated` as the ordering service's admin and waits
 * until the channel's config shows it (`committed`): the next update must be computed from this
 * one's result, and an orderer commits a config update some time after accepting it.
 */
export async function submitConfigEdit(
  config: ConfigUpdateContext,
  channel: string,
  original: Json,
  updated: Json,
  what: string,
  committed: (current: Json) => boolean,
): Promise<void> {
  await withScratchDir('migrate', async (dir) => {
    const file = path.join(dir, `${channel}.pb`);
    await writeUpdateEnvelope(config, channel, original, updated, file);
    await submitUpdateEnvelope(config, channel, file, ordererAdmin(config.topology));
  });
  await waitFor(
    `channel ${channel} to commit the update (${what})`,
    async () => {
      const [now] = await readChannels(config, [channel]);
      return now !== undefined && committed(now.config);
    },
    { timeoutMs: 120_000, intervalMs: 1000 },
  );
}
