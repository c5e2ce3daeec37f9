// SPDX-License-Identifier: Apache-2.0
import { blocksNumbered } from './blocks';
import { checkpoints } from './sync';
import type { MirrorDb } from './schema';
import { keysNamed, namespaces } from './state';
import { transactionsWithId } from './transactions';

/**
 * What a search box entry can name: a block number, a transaction id, or a world-state key
 * (a whole simple key, or one part of a composite key). Index lookups only, no scans.
 * Channels come back with `preferredChannel` first, then by name.
 */
export async function searchMirror(db: MirrorDb, query: string, preferredChannel?: string) {
  const text = query.trim();
  if (text === '') return { blocks: [], transactions: [], keys: [] };
  const channels = [...(await checkpoints(db)).keys()].sort((a, b) =>
    a === preferredChannel ? -1 : b === preferredChannel ? 1 : a.localeCompare(b),
  );
  const blocks = /^\d{1,15}$/.test(text) ? await blocksNumbered(db, channels, Number(text)) : [];
  const txId = /^[0-9a-fA-F]{64}$/.test(text) ? text.toLowerCase() : text;
  const transactions = await transactionsWithId(db, txId);
  const names = new Set<string>();
  for (const channel of channels) {
    for (const namespace of await namespaces(db, channel)) names.add(namespace);
  }
  const keys = await keysNamed(db, text, { channels, namespaces: [...names] });
  return { blocks, transactions, keys };
}
