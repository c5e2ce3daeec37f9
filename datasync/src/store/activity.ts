// SPDX-License-Identifier: Apache-2.0
import type { PoolClient } from 'pg';

import type { DecodedBlock } from '../decode/types';
import { ROLLUP_BUCKETS } from '../read/activity';
import { VALID } from './rows';

/**
 * Adds the blocks' transactions to activity_rollup: valid and invalid counts per bucket,
 * chaincode and creator organization, summed here first so the batch is one upsert. Runs in
 * the blocks' own Postgres transaction, after the checkpoint has ruled out blocks applied before,
 * so each transaction is counted exactly once. Transactions without a time are not charted.
 */
export async function addActivity(
  client: PoolClient,
  channel: string,
  blocks: DecodedBlock[],
): Promise<void> {
  const counts = new Map<
    string,
    {
      size: number;
      start: Date;
      chaincode: string | null;
      msp: string | null;
      valid: number;
      invalid: number;
    }
  >();
  for (const block of blocks) {
    for (const tx of block.transactions) {
      if (!tx.timestamp) continue;
      const time = tx.timestamp.getTime();
      for (const size of ROLLUP_BUCKETS) {
        const start = time - (((time % (size * 1000)) + size * 1000) % (size * 1000));
        const id = JSON.stringify([size, start, tx.chaincode, tx.creatorMsp]);
        let row = counts.get(id);
        if (!row) {
          row = {
            size,
            start: new Date(start),
            chaincode: tx.chaincode,
            msp: tx.creatorMsp,
            valid: 0,
            invalid: 0,
          };
          counts.set(id, row);
        }
        if (tx.validationCode === VALID) row.valid += 1;
        else row.invalid += 1;
      }
    }
  }
  if (counts.size === 0) return;
  const rows = [...counts.values()];
  await client.query(
    `INSERT INTO activity_rollup (channel, bucket_seconds, bucket_start, chaincode, creator_msp,
                                  valid, invalid)
     SELECT $1::text, * FROM unnest($2::int[], $3::timestamptz[], $4::text[], $5::text[],
                                    $6::bigint[], $7::bigint[])
     ON CONFLICT ON CONSTRAINT activity_rollup_bucket DO UPDATE
       SET valid = activity_rollup.valid + excluded.valid,
           invalid = activity_rollup.invalid + excluded.invalid`,
    [
      channel,
      rows.map((row) => row.size),
      rows.map((row) => row.start),
      rows.map((row) => row.chaincode),
      rows.map((row) => row.msp),
      rows.map((row) => row.valid),
      rows.map((row) => row.invalid),
    ],
  );
}
