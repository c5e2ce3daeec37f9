// SPDX-License-Identifier: Apache-2.0
/**
 * A synthetic ledger for the read and catch-up benchmarks, generated block by block so a
 * million transactions never sit in memory at once. Its traffic looks like the business
 * chaincode's: assets created, transferred and deleted (with the owner index and events the
 * AssetContract writes), token transfers that debit one balance and leave a pending credit on
 * another (folded into the balance every few transfers), MVCC-invalidated transactions, and a
 * second chaincode with plain keys. Blocks are built with the fabric-protos classes.
 */
import { createHash } from 'node:crypto';

import {
  ASSET_DOC_TYPE,
  ASSET_OBJECT_TYPE,
  AssetEvents,
  BALANCE_OBJECT_TYPE,
  CREDIT_OBJECT_TYPE,
  OWNER_INDEX,
  TokenEvents,
} from '@consortia/chaincode/contract';
import type { common } from '@hyperledger/fabric-protos';
import { peer } from '@hyperledger/fabric-protos';

import type { BlockSource, SourcedBlock } from '../src/source/block-source';
import type { TxSpec, WriteSpec } from '../src/testing';
import { compositeKey, configBlock, endorserBlock } from '../src/testing';

export const CHAINCODE = 'consortia';
export const OTHER_CHAINCODE = 'ledgerkv';
const BASE_TIME = Date.UTC(2026, 0, 1);
const ORGS = ['Org1MSP', 'Org2MSP'];
const STATUSES = ['ACTIVE', 'ACTIVE', 'ACTIVE', 'RETIRED'];
const TYPES = ['container', 'pallet', 'crate', 'vehicle'];

interface Owner {
  mspId: string;
  ownerId: string;
}

/** What the generator remembers of the world state to write consistent transitions. */
interface State {
  assets: Map<string, { owner: Owner; createdAt: string; serial: number }>;
  /** Ids of live assets, for picking one to transfer or delete. */
  live: string[];
  credits: Map<string, string[]>;
  balances: Map<string, number>;
  nextAsset: number;
}

export interface ChainShape {
  channel: string;
  transactions: number;
  txPerBlock: number;
  /** Token accounts; the balances listing pages over these. */
  accounts: number;
}

export const txIdOf = (channel: string, number: number, index: number) =>
  createHash('sha256').update(`${channel}/${number}/${index}`).digest('hex');

export const accountName = (n: number) => `acct${String(n).padStart(6, '0')}`;
export const assetName = (n: number) => `A${String(n).padStart(8, '0')}`;

function assetDocument(id: string, state: State, at: Date, status: string) {
  const asset = state.assets.get(id);
  if (!asset) throw new Error(`no asset ${id}`);
  return {
    attributes: { color: asset.serial % 3 === 0 ? 'red' : 'blue', serial: asset.serial },
    createdAt: asset.createdAt,
    docType: ASSET_DOC_TYPE,
    id,
    owner: asset.owner,
    privateDetailsHash: '',
    status,
    type: TYPES[asset.serial % TYPES.length],
    updatedAt: at.toISOString(),
  };
}

function createAsset(state: State, txId: string, at: Date): TxSpec {
  const serial = state.nextAsset++;
  const id = assetName(serial);
  const owner = { mspId: ORGS[serial % 2] ?? 'Org1MSP', ownerId: `user${serial % 500}` };
  state.assets.set(id, { owner, createdAt: at.toISOString(), serial });
  state.live.push(id);
  const status = STATUSES[serial % STATUSES.length] ?? 'ACTIVE';
  const document = assetDocument(id, state, at, status);
  return {
    txId,
    timestamp: at,
    mspId: owner.mspId,
    args: ['AssetContract:CreateAsset', id, document.type ?? '', owner.ownerId, '{}'],
    writes: [
      { key: compositeKey(ASSET_OBJECT_TYPE, id), value: JSON.stringify(document) },
      { key: compositeKey(OWNER_INDEX, owner.mspId, owner.ownerId, id), value: '\u0000' },
    ],
    event: {
      name: AssetEvents.created,
      payload: JSON.stringify({ asset: document, correlationId: `corr-${txId.slice(0, 12)}` }),
    },
  };
}

function transferAsset(state: State, txId: string, at: Date, pick: number): TxSpec | undefined {
  const id = state.live[pick % Math.max(1, state.live.length)];
  const asset = id === undefined ? undefined : state.assets.get(id);
  if (id === undefined || !asset) return undefined;
  const before = asset.owner;
  asset.owner = { mspId: ORGS[(pick + 1) % 2] ?? 'Org2MSP', ownerId: `user${pick % 500}` };
  const document = assetDocument(id, state, at, 'ACTIVE');
  return {
    txId,
    timestamp: at,
    mspId: before.mspId,
    args: ['AssetContract:TransferAsset', id, asset.owner.mspId, asset.owner.ownerId],
    writes: [
      { key: compositeKey(ASSET_OBJECT_TYPE, id), value: JSON.stringify(document) },
      { key: compositeKey(OWNER_INDEX, before.mspId, before.ownerId, id), isDelete: true },
      {
        key: compositeKey(OWNER_INDEX, asset.owner.mspId, asset.owner.ownerId, id),
        value: '\u0000',
      },
    ],
    event: { name: AssetEvents.transferred, payload: JSON.stringify({ id, to: asset.owner }) },
  };
}

function deleteAsset(state: State, txId: string, at: Date, pick: number): TxSpec | undefined {
  if (state.live.length < 10) return undefined;
  const index = pick % state.live.length;
  const id = state.live[index];
  const asset = id === undefined ? undefined : state.assets.get(id);
  if (id === undefined || !asset) return undefined;
  // swap-remove keeps picking O(1)
  state.live[index] = state.live[state.live.length - 1] ?? id;
  state.live.pop();
  state.assets.delete(id);
  return {
    txId,
    timestamp: at,
    args: ['AssetContract:DeleteAsset', id],
    writes: [
      { key: compositeKey(ASSET_OBJECT_TYPE, id), isDelete: true },
      {
        key: compositeKey(OWNER_INDEX, asset.owner.mspId, asset.owner.ownerId, id),
        isDelete: true,
      },
    ],
  };
}

function transferTokens(state: State, shape: ChainShape, txId: string, at: Date, n: number) {
  const from = accountName((n * 7) % shape.accounts);
  const to = accountName((n * 13 + 1) % shape.accounts);
  const amount = 1 + (n % 50);
  const writes: WriteSpec[] = [];
  // the sender folds its own pending credits into its balance as it spends
  const pending = state.credits.get(from) ?? [];
  let balance = (state.balances.get(from) ?? 1_000_000) - amount;
  for (const credit of pending) {
    balance += Number(credit.split('|')[1]);
    writes.push({
      key: compositeKey(CREDIT_OBJECT_TYPE, from, credit.split('|')[0] ?? ''),
      isDelete: true,
    });
  }
  state.credits.set(from, []);
  state.balances.set(from, balance);
  writes.push({ key: compositeKey(BALANCE_OBJECT_TYPE, from), value: String(balance) });
  writes.push({ key: compositeKey(CREDIT_OBJECT_TYPE, to, txId), value: String(amount) });
  state.credits.set(to, [...(state.credits.get(to) ?? []), `${txId}|${amount}`]);
  return {
    txId,
    timestamp: at,
    args: ['TokenContract:Transfer', to, String(amount)],
    writes,
    event: {
      name: TokenEvents.transferred,
      payload: JSON.stringify({ from, to, amount: String(amount) }),
    },
  } satisfies TxSpec;
}

function otherChaincode(txId: string, at: Date, n: number): TxSpec {
  return {
    txId,
    timestamp: at,
    chaincode: OTHER_CHAINCODE,
    mspId: 'Org2MSP',
    args: ['put', `item-${n % 20_000}`],
    writes: [{ key: `item-${n % 20_000}`, value: JSON.stringify({ n, at: at.toISOString() }) }],
  };
}

function invalid(txId: string, at: Date, n: number): TxSpec {
  return {
    txId,
    timestamp: at,
    args: ['TokenContract:Transfer', accountName(n % 100), '5'],
    writes: [{ key: compositeKey(BALANCE_OBJECT_TYPE, accountName(n % 100)), value: '999999999' }],
    validationCode: peer.TxValidationCode.MVCC_READ_CONFLICT,
  };
}

/** One transaction of the mix, chosen by its position `n` in the ledger. */
function transaction(state: State, shape: ChainShape, txId: string, at: Date, n: number): TxSpec {
  const slot = n % 20;
  if (slot < 8 || state.live.length < 10) return createAsset(state, txId, at);
  if (slot < 10) return transferAsset(state, txId, at, n * 31) ?? createAsset(state, txId, at);
  if (slot === 10) return deleteAsset(state, txId, at, n * 17) ?? createAsset(state, txId, at);
  if (slot < 17) return transferTokens(state, shape, txId, at, n);
  if (slot === 17) return invalid(txId, at, n);
  return otherChaincode(txId, at, n);
}

/** One generated block's content: its number, time and transactions. */
export interface SpecBlock {
  number: number;
  at: Date;
  txs: TxSpec[];
}

/**
 * The transactions of every block after block 0, in order, `txPerBlock` to a block (one block a
 * second), until `transactions` have been written.
 */
export function* syntheticSpecs(shape: ChainShape): Generator<SpecBlock> {
  const state: State = {
    assets: new Map(),
    live: [],
    credits: new Map(),
    balances: new Map(),
    nextAsset: 0,
  };
  let written = 0;
  for (let number = 1; written < shape.transactions; number++) {
    const at = new Date(BASE_TIME + number * 1000);
    const count = Math.min(shape.txPerBlock, shape.transactions - written);
    const txs: TxSpec[] = [];
    for (let index = 0; index < count; index++) {
      txs.push(
        transaction(state, shape, txIdOf(shape.channel, number, index), at, written + index),
      );
    }
    written += count;
    yield { number, at, txs };
  }
}

/** The ledger's blocks in order: block 0 configures the channel, then `syntheticSpecs`. */
export function* syntheticChain(shape: ChainShape): Generator<common.Block> {
  let previous = configBlock(shape.channel);
  yield previous.block;
  for (const { number, txs } of syntheticSpecs(shape)) {
    previous = endorserBlock(shape.channel, number, previous.hash, txs, CHAINCODE);
    yield previous.block;
  }
}

/** Replays the synthetic ledger as a peer would deliver it, generated as it is read. */
export class GeneratedSource implements BlockSource {
  constructor(private readonly shape: ChainShape) {}

  async height(): Promise<number> {
    return 1 + Math.ceil(this.shape.transactions / this.shape.txPerBlock);
  }

  async *blocks(_channel: string, start: number, signal: AbortSignal) {
    let number = 0;
    for (const block of syntheticChain(this.shape)) {
      if (signal.aborted) return;
      if (number++ >= start) yield { block } satisfies SourcedBlock;
    }
    // a peer's stream stays open for live blocks; there are none here
    await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
