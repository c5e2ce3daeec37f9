// SPDX-License-Identifier: Apache-2.0
import type { ExpressionBuilder } from 'kysely';

import type { Direction } from './cursor';
import type { MirrorDb, MirrorSchema } from './schema';

export type { BlockHeader } from '../decode/types';

const BLOCK_COLUMNS = [
  'b.channel',
  'b.number',
  'b.hash',
  'b.previous_hash',
  'b.data_hash',
  'b.data_hash_valid',
  'b.tx_count',
  'b.is_config',
  'b.timestamp',
  'b.mirrored_at',
] as const;

/** The block's valid transactions, counted by its primary-key range. */
const validCount = (eb: ExpressionBuilder<MirrorSchema & { b: MirrorSchema['blocks'] }, 'b'>) =>
  eb
    .selectFrom('transactions as t')
    .select((inner) => inner.fn.countAll<string>().as('count'))
    .whereRef('t.channel', '=', 'b.channel')
    .whereRef('t.block_number', '=', 'b.number')
    .where('t.validation_code', '=', 0)
    .as('valid_count');

/** Blocks newest first (`before` travels towards newer ones), `limit + 1` in travel order. */
export function listBlocks(
  db: MirrorDb,
  channel: string,
  travel: Direction<[number]>,
  limit: number,
) {
  const query = db
    .selectFrom('blocks as b')
    .select(BLOCK_COLUMNS)
    .select(validCount)
    .where('b.channel', '=', channel);
  return (
    travel.kind === 'before'
      ? query.where('b.number', '>', String(travel.key[0])).orderBy('b.number', 'asc')
      : query
          .where(
            'b.number',
            '<',
            String(travel.kind === 'first' ? Number.MAX_SAFE_INTEGER : travel.key[0]),
          )
          .orderBy('b.number', 'desc')
  )
    .limit(limit + 1)
    .execute();
}

export type BlockRow = Awaited<ReturnType<typeof listBlocks>>[number];

/** One block, with the channel's last block. */
export function getBlock(db: MirrorDb, channel: string, number: number) {
  return db
    .selectFrom('blocks as b')
    .select(BLOCK_COLUMNS)
    .select(validCount)
    .select((eb) =>
      eb
        .selectFrom('checkpoints as c')
        .select('c.last_block')
        .whereRef('c.channel', '=', 'b.channel')
        .as('last_block'),
    )
    .where('b.channel', '=', channel)
    .where('b.number', '=', String(number))
    .executeTakeFirst();
}

/** Blocks numbered `number` on any of the channels. */
export function blocksNumbered(db: MirrorDb, channels: string[], number: number) {
  return db
    .selectFrom('blocks')
    .select(['channel', 'number'])
    .where('channel', '=', (eb) => eb.fn.any(eb.val(channels)))
    .where('number', '=', String(number))
    .execute();
}

/** Blocks `from` to `to` in order, as the live feed announces them. */
export function blocksBetween(db: MirrorDb, channel: string, from: number, to: number) {
  return db
    .selectFrom('blocks as b')
    .select(['b.number', 'b.hash', 'b.tx_count', 'b.timestamp'])
    .select(validCount)
    .where('b.channel', '=', channel)
    .where('b.number', '>=', String(from))
    .where('b.number', '<=', String(to))
    .orderBy('b.number')
    .execute();
}
