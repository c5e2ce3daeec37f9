// SPDX-License-Identifier: Apache-2.0
/**
 * `npm run bench:writer -w datasync`: a WRITER MICRO-BENCHMARK, not the datasync benchmark. It
 * applies constructed blocks (built with the fabric-protos classes, not captured from a peer)
 * into a real embedded Postgres and prints decode and apply rates. It writes no results file.
 */
import { decodeBlock } from '../src/decode/block';
import { applyBlock } from '../src/store/writer';
import { workloadChain } from '../src/testing/blocks';
import { startPostgres } from '../test/support/postgres';

async function main(): Promise<void> {
  const blocks = workloadChain('writer-bench', 1001, 20);
  const postgres = await startPostgres('writer-bench', 33450);
  try {
    const decodeStart = process.hrtime.bigint();
    const decoded = blocks.map((block) => decodeBlock(block));
    const decodeSeconds = Number(process.hrtime.bigint() - decodeStart) / 1e9;
    const applyStart = process.hrtime.bigint();
    for (const block of decoded) await applyBlock(postgres.pool, block);
    const applySeconds = Number(process.hrtime.bigint() - applyStart) / 1e9;
    const transactions = decoded.reduce((sum, block) => sum + block.transactions.length, 0);
    console.log('writer micro-benchmark (constructed blocks, real Postgres; no results file)');
    console.table({
      blocks: decoded.length,
      transactions,
      'decode blocks/s': (decoded.length / decodeSeconds).toFixed(0),
      'apply blocks/s': (decoded.length / applySeconds).toFixed(1),
      'apply tx/s': (transactions / applySeconds).toFixed(1),
    });
  } finally {
    await postgres.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
