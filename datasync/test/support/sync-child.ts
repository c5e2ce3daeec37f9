// SPDX-License-Identifier: Apache-2.0
/**
 * A datasync process for crash tests: the peer is replaced by a source replaying constructed
 * blocks (the same deterministic chain on every start), slowed down so the parent can SIGKILL
 * it mid-way. Exits 0 once the mirror holds every block.
 */
import { ChannelSync } from '../../src/sync/channel-sync';
import { createPool } from '../../src/store/pool';
import { workloadChain } from '../../src/testing/blocks';
import { quietLogger } from './postgres';
import { ReplayBlockSource } from '../../src/testing/replay-source';

async function main(): Promise<void> {
  const channel = process.env.CHILD_CHANNEL ?? 'crash';
  const blockCount = Number(process.env.CHILD_BLOCKS ?? '60');
  const pool = createPool(String(process.env.DATABASE_URL));
  const source = new ReplayBlockSource(workloadChain(channel, blockCount, 4), {
    delayMs: Number(process.env.CHILD_DELAY_MS ?? '20'),
  });
  const sync = new ChannelSync({
    channel,
    source,
    pool,
    logger: quietLogger(),
    retry: { minMs: 50, maxMs: 200 },
  });
  sync.start();
  while (sync.syncedBlock < blockCount - 1) await new Promise((resolve) => setTimeout(resolve, 20));
  await sync.stop();
  await pool.end();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
