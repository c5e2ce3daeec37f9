// SPDX-License-Identifier: Apache-2.0
import type { MirrorDb } from '@consortia/datasync/read';
import {
  activityBy,
  activitySeries,
  lastBlock,
  lifecycleFields,
  searchMirror,
} from '@consortia/datasync/read';

import type {
  Activity,
  ActivityRange,
  ChaincodeInfo,
  ChaincodeList,
  SearchHit,
} from '../http/api-types';
import { chaincodeDefinitions } from './lifecycle';
import type { TotalsCache } from './totals';
import { keyView } from './views';

const RANGES: Record<ActivityRange, { seconds: number; bucket: number }> = {
  '1h': { seconds: 3600, bucket: 60 },
  '6h': { seconds: 6 * 3600, bucket: 300 },
  '24h': { seconds: 24 * 3600, bucket: 1800 },
  '7d': { seconds: 7 * 24 * 3600, bucket: 6 * 3600 },
};

const counts = (row: { valid: string; invalid: string }) => ({
  valid: Number(row.valid),
  invalid: Number(row.invalid),
});

/**
 * Transactions per time bucket, chaincode and organization over a window that ends at the
 * newest block (or now, before the first one).
 */
export async function activity(
  db: MirrorDb,
  channel: string,
  range: ActivityRange,
): Promise<Activity> {
  const { seconds, bucket } = RANGES[range];
  const last = await lastBlock(db, channel);
  const endMs = (last?.time ?? new Date()).getTime();
  // buckets aligned to whole multiples of their size, the last one holding the newest block
  const to = new Date((Math.floor(endMs / 1000 / bucket) + 1) * bucket * 1000);
  const from = new Date(to.getTime() - seconds * 1000);
  const window = { channel, from, to };
  const [series, chaincodes, orgs] = await Promise.all([
    activitySeries(db, window, bucket),
    activityBy(db, window, 'chaincode', '(none)'),
    activityBy(db, window, 'creator_msp', '(unknown)'),
  ]);
  const counted = new Map(series.map((row) => [row.bucket.getTime(), row]));
  const points = [];
  for (let time = from.getTime(); time < to.getTime(); time += bucket * 1000) {
    const row = counted.get(time);
    points.push({
      time: new Date(time).toISOString(),
      valid: Number(row?.valid ?? 0),
      invalid: Number(row?.invalid ?? 0),
    });
  }
  return {
    channel,
    range,
    from: from.toISOString(),
    to: to.toISOString(),
    bucketSeconds: bucket,
    points,
    byChaincode: chaincodes.map((row) => ({ chaincode: row.name, ...counts(row) })),
    byOrg: orgs.map((row) => ({ mspId: row.name, ...counts(row) })),
  };
}

/** Chaincodes defined in `_lifecycle`, and any others seen in transactions, with traffic. */
export async function chaincodes(
  db: MirrorDb,
  totalsCache: TotalsCache,
  channel: string,
): Promise<ChaincodeList> {
  const last = await lastBlock(db, channel);
  const [totals, lifecycle] = await Promise.all([
    totalsCache.get(channel, last?.number ?? -1),
    lifecycleFields(db, channel),
  ]);
  const definitions = chaincodeDefinitions(
    lifecycle.map((row) => ({
      key: row.key,
      value: row.value,
      blockNumber: Number(row.block_number),
      txIndex: row.tx_index,
      txId: row.tx_id,
    })),
  );
  const countsOf = (name: string) => {
    const found = totals.byChaincode.get(name);
    return {
      transactions: {
        total: found?.total ?? 0,
        valid: found?.valid ?? 0,
        invalid: found?.invalid ?? 0,
      },
      ...(found ? { lastBlock: found.lastBlock } : {}),
    };
  };
  const items: ChaincodeInfo[] = definitions.map((definition) => ({
    ...definition,
    source: 'lifecycle',
    ...countsOf(definition.name),
  }));
  const defined = new Set(definitions.map((definition) => definition.name));
  for (const name of [...totals.byChaincode.keys()].sort()) {
    if (name === '' || defined.has(name)) continue;
    items.push({ name, source: 'transactions', ...countsOf(name) });
  }
  return { lifecycleMirrored: definitions.length > 0, items };
}

/** What a search box entry can mean: a block number, a transaction id, or a world-state key. */
export async function search(
  db: MirrorDb,
  query: string,
  preferredChannel?: string,
): Promise<SearchHit[]> {
  const found = await searchMirror(db, query, preferredChannel);
  const hits: SearchHit[] = [];
  for (const row of found.blocks) {
    hits.push({
      kind: 'block',
      channel: row.channel,
      blockNumber: Number(row.number),
      label: `Block ${row.number} on ${row.channel}`,
    });
  }
  for (const row of found.transactions) {
    hits.push({
      kind: 'transaction',
      channel: row.channel,
      blockNumber: Number(row.block_number),
      txIndex: row.tx_index,
      txId: row.tx_id,
      valid: row.validation_code === 0,
      label: `Transaction ${row.tx_id.slice(0, 16)}… in block ${row.block_number} on ${row.channel}`,
    });
  }
  for (const row of found.keys) {
    const key = keyView(row.key, row.object_type, row.key_attributes);
    const shown = key.objectType
      ? `${key.objectType} ${String(key.attributes?.join(' '))}`
      : key.raw;
    hits.push({
      kind: 'key',
      channel: row.channel,
      namespace: row.namespace,
      collection: row.collection,
      key,
      label: `Key ${shown} of ${row.namespace} on ${row.channel}`,
    });
  }
  return hits;
}
