// SPDX-License-Identifier: Apache-2.0
import type { PoolClient } from 'pg';

import { BALANCE_OBJECT_TYPE, CREDIT_OBJECT_TYPE } from '@consortia/chaincode/contract';

import type { DecodedBlock, DecodedWrite } from '../decode/types';
import { jsonOrNull, keyColumns, VALID } from './rows';

export interface StoredWrite {
  blockNumber: number;
  txIndex: number;
  txId: string;
  writeIndex: number;
  timestamp: Date | null;
  write: DecodedWrite;
}

/** The last write of each key within the blocks' VALID transactions, in ledger order. */
export function finalWrites(blocks: DecodedBlock | DecodedBlock[]): StoredWrite[] {
  const last = new Map<string, StoredWrite>();
  for (const block of Array.isArray(blocks) ? blocks : [blocks]) {
    for (const tx of block.transactions) {
      if (tx.validationCode !== VALID) continue;
      tx.writes.forEach((write, writeIndex) => {
        const id = JSON.stringify([write.namespace, write.collection, write.key]);
        last.delete(id); // re-insert so iteration order follows the latest write
        last.set(id, {
          blockNumber: block.number,
          txIndex: tx.index,
          txId: tx.txId,
          writeIndex,
          timestamp: tx.timestamp,
          write,
        });
      });
    }
  }
  return [...last.values()];
}

const TOKEN_PARTS = [BALANCE_OBJECT_TYPE, CREDIT_OBJECT_TYPE];
// Spelled into the SQL (they are the chaincode's constants) so the planner can use the partial
// index on exactly these object types.
const BALANCE = `'${BALANCE_OBJECT_TYPE}'`;
const CREDIT = `'${CREDIT_OBJECT_TYPE}'`;

/**
 * Brings the world state to what the blocks leave behind (one upsert and one delete for the
 * whole batch, as only each key's last write counts), then recounts the token balances of the
 * accounts whose balance or credit keys changed.
 */
export async function applyWorldState(
  client: PoolClient,
  channel: string,
  blocks: DecodedBlock[],
): Promise<void> {
  const final = finalWrites(blocks).map((row) => ({ ...row, ...keyColumns(row.write) }));
  const puts = final.filter((row) => !row.write.isDelete);
  const deletes = final.filter((row) => row.write.isDelete);
  if (puts.length > 0) {
    await client.query(
      `INSERT INTO world_state (channel, namespace, collection, key, object_type, key_attributes,
                                value, value_json, block_number, tx_index, tx_id, updated_at)
       SELECT $1::text, n, c, k, o, a, v, j, b, i, t, u
       FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[], $7::bytea[],
                   $8::jsonb[], $9::bigint[], $10::int[], $11::text[], $12::timestamptz[])
            AS w(n, c, k, o, a, v, j, b, i, t, u)
       ON CONFLICT (channel, namespace, collection, key) DO UPDATE
         SET object_type = excluded.object_type, key_attributes = excluded.key_attributes,
             value = excluded.value, value_json = excluded.value_json,
             block_number = excluded.block_number, tx_index = excluded.tx_index,
             tx_id = excluded.tx_id, updated_at = excluded.updated_at
         WHERE (world_state.block_number, world_state.tx_index)
             < (excluded.block_number, excluded.tx_index)`,
      [
        channel,
        puts.map((row) => row.write.namespace),
        puts.map((row) => row.write.collection),
        puts.map((row) => row.key),
        puts.map((row) => row.objectType),
        puts.map((row) => row.attributes),
        puts.map((row) => row.write.value ?? Buffer.alloc(0)),
        puts.map((row) => jsonOrNull(row.write.value)),
        puts.map((row) => row.blockNumber),
        puts.map((row) => row.txIndex),
        puts.map((row) => row.txId),
        puts.map((row) => row.timestamp),
      ],
    );
  }
  if (deletes.length > 0) {
    await client.query(
      `DELETE FROM world_state ws
       USING unnest($2::text[], $3::text[], $4::text[], $5::bigint[], $6::int[]) AS d(n, c, k, b, i)
       WHERE ws.channel = $1 AND ws.namespace = d.n AND ws.collection = d.c AND ws.key = d.k
         AND (ws.block_number, ws.tx_index) < (d.b, d.i)`,
      [
        channel,
        deletes.map((row) => row.write.namespace),
        deletes.map((row) => row.write.collection),
        deletes.map((row) => row.key),
        deletes.map((row) => row.blockNumber),
        deletes.map((row) => row.txIndex),
      ],
    );
  }
  const accounts = new Map<string, [string, string]>();
  for (const row of final) {
    if (row.write.collection !== '' || row.account === null) continue;
    if (!TOKEN_PARTS.includes(row.objectType ?? '')) continue;
    accounts.set(JSON.stringify([row.write.namespace, row.account]), [
      row.write.namespace,
      row.account,
    ]);
  }
  if (accounts.size > 0) await recountBalances(client, channel, [...accounts.values()]);
}

/**
 * Recounts the accounts' rows of token_balances from their balance and credit keys (the sum
 * v_token_balances reads): an account with neither key left loses its row.
 */
async function recountBalances(
  client: PoolClient,
  channel: string,
  accounts: [string, string][],
): Promise<void> {
  await client.query(
    `WITH touched AS (
       SELECT * FROM unnest($2::text[], $3::text[]) AS a(namespace, account)),
     parts AS (
       SELECT t.namespace, t.account, ws.block_number,
              CASE WHEN ws.object_type = ${BALANCE} THEN datasync_base_units(ws.value) ELSE 0 END AS base,
              CASE WHEN ws.object_type = ${CREDIT} THEN datasync_base_units(ws.value) ELSE 0 END AS credit,
              CASE WHEN ws.object_type = ${CREDIT} THEN 1 ELSE 0 END AS is_credit
       FROM touched t
       JOIN world_state ws
         ON ws.channel = $1 AND ws.namespace = t.namespace AND ws.collection = ''
        AND ws.object_type IN (${BALANCE}, ${CREDIT}) AND ws.key_attributes ->> 0 = t.account),
     counted AS (
       SELECT namespace, account,
              COALESCE(SUM(base), 0) AS base_balance,
              COALESCE(SUM(credit), 0) AS pending_credits,
              SUM(is_credit)::integer AS pending_credit_count,
              MAX(block_number) AS last_block
       FROM parts GROUP BY namespace, account),
     emptied AS (
       DELETE FROM token_balances tb USING touched t
        WHERE tb.channel = $1 AND tb.namespace = t.namespace AND tb.account = t.account
          AND NOT EXISTS (SELECT 1 FROM counted c
                           WHERE c.namespace = t.namespace AND c.account = t.account))
     INSERT INTO token_balances (channel, namespace, account, base_balance, pending_credits,
                                 pending_credit_count, balance, last_block)
     SELECT $1, namespace, account, base_balance, pending_credits, pending_credit_count,
            base_balance + pending_credits, last_block
     FROM counted
     ON CONFLICT (channel, namespace, account) DO UPDATE
       SET base_balance = excluded.base_balance, pending_credits = excluded.pending_credits,
           pending_credit_count = excluded.pending_credit_count, balance = excluded.balance,
           last_block = excluded.last_block`,
    [channel, accounts.map(([namespace]) => namespace), accounts.map(([, account]) => account)],
  );
}
