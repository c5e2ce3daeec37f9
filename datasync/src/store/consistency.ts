// SPDX-License-Identifier: Apache-2.0
import type pg from 'pg';

/** One way in which the mirror differs from what it should be. */
export interface Difference {
  channel: string;
  block?: number;
  key?: string;
  problem: string;
}

const REPORT_LIMIT = 50;

export async function mirroredChannels(pool: pg.Pool): Promise<string[]> {
  const { rows } = await pool.query<{ channel: string }>(
    'SELECT channel FROM checkpoints ORDER BY channel',
  );
  return rows.map((row) => row.channel);
}

/**
 * The mirror's internal consistency, without the peer: every block from 0 to the checkpoint
 * present once, each previous hash equal to the hash of the block before, data hashes as
 * Fabric computes them, tx counts matching the transactions stored, and the world state equal
 * to the latest VALID write of each key.
 */
export async function checkMirror(
  pool: Pick<pg.ClientBase, 'query'>,
  channel: string,
): Promise<Difference[]> {
  const differences: Difference[] = [];
  const found = (problem: string, block?: number, key?: string) =>
    differences.push({
      channel,
      problem,
      ...(block === undefined ? {} : { block }),
      ...(key === undefined ? {} : { key }),
    });

  const checkpoint = await pool.query<{ last_block: string; last_hash: string | null }>(
    'SELECT last_block, last_hash FROM checkpoints WHERE channel = $1',
    [channel],
  );
  const lastBlock = checkpoint.rows[0] ? Number(checkpoint.rows[0].last_block) : -1;

  const missing = await pool.query<{ number: string }>(
    `SELECT n AS number FROM generate_series(0, $2::bigint) n
     WHERE NOT EXISTS (SELECT 1 FROM blocks b WHERE b.channel = $1 AND b.number = n)
     ORDER BY n LIMIT ${REPORT_LIMIT}`,
    [channel, lastBlock],
  );
  for (const row of missing.rows) found('block missing from the mirror', Number(row.number));

  const beyond = await pool.query<{ number: string }>(
    `SELECT number FROM blocks WHERE channel = $1 AND number > $2 ORDER BY number LIMIT ${REPORT_LIMIT}`,
    [channel, lastBlock],
  );
  for (const row of beyond.rows) found('block stored beyond the checkpoint', Number(row.number));

  const links = await pool.query<{ number: string; previous_hash: string; hash: string }>(
    `SELECT b.number, b.previous_hash, p.hash FROM blocks b
     JOIN blocks p ON p.channel = b.channel AND p.number = b.number - 1
     WHERE b.channel = $1 AND b.previous_hash <> p.hash ORDER BY b.number LIMIT ${REPORT_LIMIT}`,
    [channel],
  );
  for (const row of links.rows) {
    found(
      `previous hash ${row.previous_hash} differs from the hash of block ${Number(row.number) - 1} (${row.hash})`,
      Number(row.number),
    );
  }

  const head = await pool.query<{ hash: string }>(
    'SELECT hash FROM blocks WHERE channel = $1 AND number = $2',
    [channel, lastBlock],
  );
  if (head.rows[0] && head.rows[0].hash !== checkpoint.rows[0]?.last_hash) {
    found('checkpoint hash differs from the hash of its block', lastBlock);
  }

  const dataHashes = await pool.query<{ number: string }>(
    `SELECT number FROM blocks WHERE channel = $1 AND NOT data_hash_valid ORDER BY number LIMIT ${REPORT_LIMIT}`,
    [channel],
  );
  for (const row of dataHashes.rows)
    found('data hash does not match the block data', Number(row.number));

  const counts = await pool.query<{ number: string; tx_count: number; stored: string }>(
    `SELECT b.number, b.tx_count, count(t.tx_index) AS stored FROM blocks b
     LEFT JOIN transactions t ON t.channel = b.channel AND t.block_number = b.number
     WHERE b.channel = $1 GROUP BY b.number, b.tx_count
     HAVING b.tx_count <> count(t.tx_index) ORDER BY b.number LIMIT ${REPORT_LIMIT}`,
    [channel],
  );
  for (const row of counts.rows) {
    found(`tx count ${row.tx_count} but ${row.stored} transactions stored`, Number(row.number));
  }

  const state = await pool.query<{
    namespace: string;
    collection: string;
    key: string;
    problem: string;
  }>(
    `WITH latest AS (
       SELECT DISTINCT ON (w.namespace, w.collection, w.key)
              w.namespace, w.collection, w.key, w.is_delete, w.value
       FROM writes w
       JOIN transactions t ON t.channel = w.channel AND t.block_number = w.block_number
                          AND t.tx_index = w.tx_index
       WHERE w.channel = $1 AND t.validation_code = 0
       ORDER BY w.namespace, w.collection, w.key, w.block_number DESC, w.tx_index DESC,
                w.write_index DESC),
     current AS (SELECT namespace, collection, key, value FROM world_state WHERE channel = $1)
     SELECT COALESCE(l.namespace, c.namespace) AS namespace,
            COALESCE(l.collection, c.collection) AS collection,
            COALESCE(l.key, c.key) AS key,
            CASE WHEN l.key IS NULL THEN 'world state key never written'
                 WHEN l.is_delete THEN 'world state keeps a deleted key'
                 WHEN c.key IS NULL THEN 'written key missing from the world state'
                 ELSE 'world state value differs from the latest write' END AS problem
     FROM latest l FULL JOIN current c
       ON c.namespace = l.namespace AND c.collection = l.collection AND c.key = l.key
     WHERE (l.key IS NULL) OR (l.is_delete AND c.key IS NOT NULL)
        OR (NOT l.is_delete AND (c.key IS NULL OR c.value <> l.value))
     LIMIT ${REPORT_LIMIT}`,
    [channel],
  );
  for (const row of state.rows) {
    const collection = row.collection ? `/${row.collection}` : '';
    found(row.problem, undefined, `${row.namespace}${collection}:${row.key}`);
  }
  return differences;
}
