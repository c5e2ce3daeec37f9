// SPDX-License-Identifier: Apache-2.0
/**
 * Fills a mirror with the synthetic ledger through datasync's writer (applyBlocks), in batches
 * of blocks, without the protobuf round trip: each generated block goes to the writer as the
 * record the decoder would have made of it (test/unit/reads-build.test.ts compares the two).
 * The writer's checks hold:
 * the hash chain, the checkpoint, and every table and index a catch-up fills. A million
 * transactions then cost the writer's time, not the generation, encoding and decoding of blocks.
 */
import { createHash, X509Certificate } from 'node:crypto';

import { peer } from '@hyperledger/fabric-protos';
import type pg from 'pg';

import { blockHeaderHash } from '../src/decode/hash';
import { decodeBlock } from '../src/decode/block';
import type { DecodedBlock, DecodedTransaction, DecodedWrite } from '../src/decode/types';
import { applyBlocks } from '../src/store/writer';
import type { TxSpec } from '../src/testing';
import { configBlock, TEST_CERTIFICATE } from '../src/testing';
import type { ChainShape, SpecBlock } from './reads-chain';
import { CHAINCODE, syntheticSpecs } from './reads-chain';

const SUBJECT = new X509Certificate(TEST_CERTIFICATE).subject.replace(/\n/g, ',');
const VALIDATION_NAMES = new Map(
  Object.entries(peer.TxValidationCode).map(([name, code]) => [Number(code), name]),
);

function correlationOf(spec: TxSpec): string | null {
  if (!spec.event) return null;
  try {
    const parsed: unknown = JSON.parse(spec.event.payload);
    if (parsed && typeof parsed === 'object' && 'correlationId' in parsed) {
      const id = parsed.correlationId;
      if (typeof id === 'string' && id.length > 0) return id;
    }
  } catch {
    // not JSON
  }
  return null;
}

/** The decoder's record of an endorser transaction built from `spec` (see endorserBlock). */
export function decodedTransaction(spec: TxSpec, index: number, at: Date): DecodedTransaction {
  const chaincode = spec.chaincode ?? CHAINCODE;
  // the block builder groups writes by namespace, in the order each namespace first appears
  const byNamespace = new Map<string, DecodedWrite[]>();
  for (const write of spec.writes ?? []) {
    const namespace = write.namespace ?? chaincode;
    const list = byNamespace.get(namespace) ?? [];
    list.push({
      namespace,
      collection: '',
      key: write.key,
      value: write.isDelete ? null : Buffer.from(write.value ?? ''),
      isDelete: Boolean(write.isDelete),
    });
    byNamespace.set(namespace, list);
  }
  const validationCode = spec.validationCode ?? peer.TxValidationCode.VALID;
  return {
    index,
    txId: spec.txId,
    type: 'ENDORSER_TRANSACTION',
    timestamp: spec.timestamp ?? at,
    creatorMsp: spec.mspId ?? 'Org1MSP',
    creatorSubject: SUBJECT,
    chaincode,
    functionName: (spec.args ?? ['Noop'])[0] ?? null,
    validationCode,
    validationName: VALIDATION_NAMES.get(validationCode) ?? `CODE_${validationCode}`,
    correlationId: correlationOf(spec),
    writes: [...byNamespace.values()].flat(),
    events: spec.event
      ? [{ chaincode, name: spec.event.name, payload: Buffer.from(spec.event.payload) }]
      : [],
  };
}

/** A generated block as the decoder's record, chained onto `previousHash` (hex). */
export function decodedBlock(
  channel: string,
  block: SpecBlock,
  previousHash: string,
): DecodedBlock {
  const transactions = block.txs.map((spec, index) => decodedTransaction(spec, index, block.at));
  // the data hash stands for the block's content: the writer stores it, and chains on the hash
  const dataHash = createHash('sha256')
    .update(block.txs.map((spec) => spec.txId).join(','))
    .digest();
  const previous = Buffer.from(previousHash, 'hex');
  return {
    channel,
    number: block.number,
    hash: blockHeaderHash(block.number, previous, dataHash).toString('hex'),
    previousHash,
    dataHash: dataHash.toString('hex'),
    dataHashValid: true,
    isConfig: false,
    timestamp: transactions[0]?.timestamp ?? null,
    transactions,
  };
}

async function applied(pool: pg.Pool, blocks: DecodedBlock[]): Promise<void> {
  const result = await applyBlocks(pool, blocks);
  if (result.status !== 'applied') {
    throw new Error(`the writer refused blocks from ${blocks[0]?.number}: ${result.status}`);
  }
}

/**
 * Writes the synthetic ledger into the mirror through the writer, `blocksPerBatch` blocks to a
 * Postgres transaction, generating the next batch while the last one is written.
 */
export async function buildMirror(
  pool: pg.Pool,
  shape: ChainShape,
  blocksPerBatch = 100,
  progress: (block: number) => void = () => undefined,
): Promise<number> {
  const genesis = decodeBlock(configBlock(shape.channel).block);
  await applied(pool, [{ ...genesis, channel: shape.channel }]);
  let previousHash = genesis.hash;
  let lastBlock = 0;
  let batch: DecodedBlock[] = [];
  let writing: Promise<unknown> = Promise.resolve();
  for (const spec of syntheticSpecs(shape)) {
    const block = decodedBlock(shape.channel, spec, previousHash);
    previousHash = block.hash;
    lastBlock = block.number;
    batch.push(block);
    if (batch.length >= blocksPerBatch) {
      await writing;
      progress(lastBlock);
      writing = applied(pool, batch);
      batch = [];
    }
  }
  await writing;
  if (batch.length > 0) await applied(pool, batch);
  return lastBlock;
}
