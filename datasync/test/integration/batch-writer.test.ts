// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';

import { BALANCE_OBJECT_TYPE, CREDIT_OBJECT_TYPE } from '@consortia/chaincode/contract';

import { decodeBlock } from '../../src/decode/block';
import type { DecodedBlock } from '../../src/decode/types';
import { applyBlock, applyBlocks } from '../../src/store/writer';
import { ChannelSync } from '../../src/sync/channel-sync';
import { compositeKey, configBlock, endorserBlock, workloadChain } from '../../src/testing/blocks';
import { ReplayBlockSource } from '../../src/testing/replay-source';
import type { TestPostgres } from '../support/postgres';
import { checkpoint, quietLogger, startPostgres, waitUntil } from '../support/postgres';

/** Every table's rows of a channel, in a stable order, for comparing two mirrors. */
async function contents(postgres: TestPostgres, channel: string) {
  const tables = {
    blocks: 'SELECT number, hash, tx_count FROM blocks WHERE channel = $1 ORDER BY number',
    transactions: `SELECT block_number, tx_index, tx_id, validation_code FROM transactions
                    WHERE channel = $1 ORDER BY block_number, tx_index`,
    writes: `SELECT block_number, tx_index, write_index, key, is_delete FROM writes
              WHERE channel = $1 ORDER BY block_number, tx_index, write_index`,
    events: `SELECT block_number, tx_index, event_index, event_name FROM chaincode_events
              WHERE channel = $1 ORDER BY block_number, tx_index, event_index`,
    outbox: `SELECT block_number, tx_index, event_index FROM outbox WHERE channel = $1 ORDER BY id`,
    worldState: `SELECT namespace, key, encode(value, 'hex') AS value, block_number, tx_index
                   FROM world_state WHERE channel = $1 ORDER BY namespace, collection, key`,
    balances: `SELECT chaincode, account, balance::text, base_balance::text,
                      pending_credits::text, pending_credit_count, last_block
                 FROM v_token_balances WHERE channel = $1 ORDER BY chaincode, account`,
    checkpoint: 'SELECT last_block, last_hash FROM checkpoints WHERE channel = $1',
  };
  const result: Record<string, unknown[]> = {};
  for (const [name, sql] of Object.entries(tables)) {
    result[name] = (await postgres.pool.query(sql, [channel])).rows;
  }
  return result;
}

/** Balances summed straight from the world state, as the read view did before it kept a table. */
async function summedBalances(postgres: TestPostgres, channel: string) {
  const { rows } = await postgres.pool.query<Record<string, unknown>>(
    `SELECT namespace AS chaincode, key_attributes ->> 0 AS account,
            (COALESCE(SUM(CASE WHEN object_type = $2 THEN datasync_base_units(value) END), 0)
             + COALESCE(SUM(CASE WHEN object_type = $3 THEN datasync_base_units(value) END), 0)
            )::text AS balance,
            SUM(CASE WHEN object_type = $3 THEN 1 ELSE 0 END)::integer AS pending_credit_count,
            MAX(block_number) AS last_block
       FROM world_state
      WHERE channel = $1 AND collection = '' AND object_type IN ($2, $3)
      GROUP BY 1, 2 ORDER BY 1, 2`,
    [channel, BALANCE_OBJECT_TYPE, CREDIT_OBJECT_TYPE],
  );
  return rows;
}

describe('batched writer (real embedded Postgres, constructed blocks)', function () {
  let postgres: TestPostgres;

  before(async function () {
    this.timeout(120_000);
    postgres = await startPostgres('batch-writer', 32180);
  });

  after(async function () {
    await postgres?.stop();
  });

  it('blocks applied in batches leave exactly what one block at a time leaves', async function () {
    const blocks = (channel: string) =>
      workloadChain('alpha', 41).map((block) => ({ ...decodeBlock(block), channel }));
    for (const block of blocks('single')) {
      assert.equal((await applyBlock(postgres.pool, block)).status, 'applied');
    }
    const batched = blocks('batched');
    for (let start = 0; start < batched.length; start += 7) {
      const result = await applyBlocks(postgres.pool, batched.slice(start, start + 7));
      assert.equal(result.status, 'applied');
    }
    const single = await contents(postgres, 'single');
    const inBatches = await contents(postgres, 'batched');
    for (const name of Object.keys(single)) {
      if (name === 'checkpoint') continue;
      assert.deepEqual(inBatches[name], single[name], name);
    }
    assert.ok((single.balances ?? []).length > 0, 'the chain has token balances');
    assert.deepEqual(
      (single.balances ?? []).map((row) => {
        const { chaincode, account, balance, pending_credit_count, last_block } = row as Record<
          string,
          unknown
        >;
        return { chaincode, account, balance, pending_credit_count, last_block };
      }),
      await summedBalances(postgres, 'single'),
    );
  });

  it('keeps balances when credits are folded and accounts emptied within one batch', async function () {
    const credit = (account: string, tx: string) => compositeKey(CREDIT_OBJECT_TYPE, account, tx);
    const balance = (account: string) => compositeKey(BALANCE_OBJECT_TYPE, account);
    let previous = configBlock('fold');
    const chain: DecodedBlock[] = [decodeBlock(previous.block)];
    const add = (txs: Parameters<typeof endorserBlock>[3]) => {
      previous = endorserBlock('fold', chain.length, previous.hash, txs);
      chain.push(decodeBlock(previous.block));
    };
    add([{ txId: 'a', writes: [{ key: balance('alice'), value: '100' }] }]);
    add([{ txId: 'b', writes: [{ key: credit('bob', 'b'), value: '7' }] }]);
    add([{ txId: 'c', writes: [{ key: credit('bob', 'c'), value: '5' }] }]);
    // bob folds both credits into a balance; alice's balance goes away entirely
    add([
      {
        txId: 'd',
        writes: [
          { key: credit('bob', 'b'), isDelete: true },
          { key: credit('bob', 'c'), isDelete: true },
          { key: balance('bob'), value: '12' },
          { key: balance('alice'), isDelete: true },
        ],
      },
    ]);
    assert.equal((await applyBlocks(postgres.pool, chain.slice(0, 3))).status, 'applied');
    const midway = await contents(postgres, 'fold');
    assert.deepEqual(
      (midway.balances ?? []).map((row) => (row as { account: string }).account),
      ['alice', 'bob'],
    );
    assert.equal((await applyBlocks(postgres.pool, chain.slice(2))).status, 'applied');
    const { balances } = await contents(postgres, 'fold');
    assert.deepEqual(balances, [
      {
        chaincode: 'consortia',
        account: 'bob',
        balance: '12',
        base_balance: '12',
        pending_credits: '0',
        pending_credit_count: 0,
        last_block: '4',
      },
    ]);
    assert.deepEqual(await applyBlocks(postgres.pool, chain.slice(1, 4)), { status: 'duplicate' });
  });

  it('refuses a batch that starts beyond the checkpoint, and applies none of it', async function () {
    const chain = workloadChain('gap', 6).map((block) => decodeBlock(block));
    assert.equal((await applyBlocks(postgres.pool, chain.slice(0, 2))).status, 'applied');
    assert.deepEqual(await applyBlocks(postgres.pool, chain.slice(3)), {
      status: 'gap',
      expected: 2,
    });
    assert.equal(await checkpoint(postgres.pool, 'gap'), 1);
  });

  it('a catch-up through ChannelSync mirrors every block once, in order', async function () {
    this.timeout(120_000);
    const chain = workloadChain('sync', 120, 4);
    const source = new ReplayBlockSource(chain, { dropOnce: [37, 90] });
    const sync = new ChannelSync({
      channel: 'sync',
      source,
      pool: postgres.pool,
      logger: quietLogger(),
      retry: { minMs: 20, maxMs: 100 },
    });
    sync.start();
    try {
      await waitUntil('the catch-up', async () => (await checkpoint(postgres.pool, 'sync')) >= 119);
    } finally {
      await sync.stop();
    }
    const { rows } = await postgres.pool.query<{ n: string; blocks: string }>(
      `SELECT count(*) AS n, count(DISTINCT block_number) AS blocks FROM transactions
        WHERE channel = 'sync'`,
    );
    assert.deepEqual(rows[0], { n: String(1 + 119 * 4), blocks: '120' });
    const outbox = await postgres.pool.query<{ block_number: string }>(
      `SELECT block_number FROM outbox WHERE channel = 'sync' ORDER BY id`,
    );
    const order = outbox.rows.map((row) => Number(row.block_number));
    assert.deepEqual(
      order,
      [...order].sort((a, b) => a - b),
    );
  });
});
