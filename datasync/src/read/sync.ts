// SPDX-License-Identifier: Apache-2.0
import type { MirrorDb } from './schema';

/** Fails when the mirror cannot be read (no connection, or not migrated). */
export async function pingMirror(db: MirrorDb): Promise<void> {
  await db.selectFrom('v_sync_status').select('channel').limit(1).execute();
}

/** How far each channel's mirror has got, by channel name. */
export function syncStatus(db: MirrorDb) {
  return db
    .selectFrom('v_sync_status')
    .select(['channel', 'last_block', 'last_hash', 'last_block_timestamp', 'updated_at'])
    .select('outbox_pending')
    .orderBy('channel')
    .execute();
}

/** How far one channel's mirror has got; undefined before datasync first saw it. */
export function channelSyncStatus(db: MirrorDb, channel: string) {
  return db
    .selectFrom('v_sync_status')
    .select(['last_block', 'last_hash', 'last_block_timestamp', 'updated_at'])
    .where('channel', '=', channel)
    .executeTakeFirst();
}

/** Last block number per channel, straight from the checkpoints (cheap enough to poll). */
export async function checkpoints(db: MirrorDb): Promise<Map<string, number>> {
  const rows = await db.selectFrom('checkpoints').select(['channel', 'last_block']).execute();
  return new Map(rows.map((row) => [row.channel, Number(row.last_block)]));
}

/** A channel's last block and its time. */
export async function lastBlock(
  db: MirrorDb,
  channel: string,
): Promise<{ number: number; time: Date | null } | undefined> {
  const row = await db
    .selectFrom('checkpoints as c')
    .leftJoin('blocks as b', (join) =>
      join.onRef('b.channel', '=', 'c.channel').onRef('b.number', '=', 'c.last_block'),
    )
    .select(['c.last_block', 'b.timestamp'])
    .where('c.channel', '=', channel)
    .executeTakeFirst();
  return row ? { number: Number(row.last_block), time: row.timestamp } : undefined;
}
