// SPDX-License-Identifier: Apache-2.0
/**
 * Every listing, search and detail the explorer and the app-api serve from the mirror, as the
 * read-layer calls each makes (the explorer's Mirror and the app-api's MirrorReader are thin
 * shapes over these). Each route picks its parameters afresh per request: first pages, pages
 * deep inside the set (a cursor at a random row), filters, and ids that exist.
 */
import type { MirrorDb } from '../src/read';
import {
  activityBy,
  activitySeries,
  assetHistory,
  assetsByKey,
  balancesByKey,
  blockTransactions,
  burnedBaseUnits,
  currentValue,
  getAsset,
  getBlock,
  keyHistory,
  lastBlock,
  lifecycleFields,
  listBlocks,
  listTransactions,
  objectTypes,
  recentTransactions,
  searchAssets,
  searchBalances,
  searchMirror,
  statePage,
  storedCompositeKey,
  tokenRecords,
  transactionCounts,
  transactionEvents,
  transactionsById,
  transactionWrites,
} from '../src/read';
import { accountName, assetName, CHAINCODE, OTHER_CHAINCODE, txIdOf } from './reads-chain';

export interface MirrorShape {
  channel: string;
  /** Last block number. */
  lastBlock: number;
  txPerBlock: number;
  /** Assets created (ids A00000000 up to this, some deleted since). */
  assets: number;
  accounts: number;
}

export type Route = (db: MirrorDb, pick: () => number) => Promise<unknown>;

const PAGE = 20;
const BYTES = 256;

/** The routes by name ("explorer …" and "app-api …"), for a mirror of this shape. */
export function routes(shape: MirrorShape): Record<string, Route> {
  const { channel } = shape;
  const block = (pick: () => number) => 1 + Math.floor(pick() * shape.lastBlock);
  const tx = (pick: () => number) => ({
    number: block(pick),
    index: Math.floor(pick() * shape.txPerBlock),
  });
  const asset = (pick: () => number) => assetName(Math.floor(pick() * shape.assets));
  const account = (pick: () => number) => accountName(Math.floor(pick() * shape.accounts));
  const assetKey = (id: string) => storedCompositeKey('asset', [id]);
  const newest = { kind: 'first' } as const;

  return {
    'explorer blocks': (db) => listBlocks(db, channel, newest, PAGE),
    'explorer blocks (deep page)': (db, pick) =>
      listBlocks(db, channel, { kind: 'after', key: [block(pick)] }, PAGE),
    'explorer block': async (db, pick) => {
      const number = block(pick);
      await getBlock(db, channel, number);
      await blockTransactions(db, channel, number, newest, PAGE);
    },
    'explorer transactions': (db) => listTransactions(db, channel, {}, newest, PAGE),
    'explorer transactions (deep page)': (db, pick) => {
      const at = tx(pick);
      return listTransactions(db, channel, {}, { kind: 'after', key: [at.number, at.index] }, PAGE);
    },
    'explorer transactions ?chaincode': (db) =>
      listTransactions(db, channel, { chaincode: OTHER_CHAINCODE }, newest, PAGE),
    'explorer transactions ?valid=false': (db) =>
      listTransactions(db, channel, { valid: false }, newest, PAGE),
    'explorer transaction': async (db, pick) => {
      const at = tx(pick);
      const [found] = await transactionsById(db, channel, txIdOf(channel, at.number, at.index));
      if (!found) throw new Error(`no transaction at ${at.number}/${at.index}`);
      const where = { channel, blockNumber: at.number, txIndex: found.tx_index };
      await Promise.all([
        transactionWrites(db, where, newest, 100, BYTES),
        transactionEvents(db, where),
      ]);
    },
    'explorer state': (db) =>
      Promise.all([
        statePage(db, { channel, namespace: CHAINCODE }, {}, newest, PAGE, BYTES),
        objectTypes(db, channel, CHAINCODE),
      ]),
    'explorer state (deep page)': (db, pick) =>
      statePage(
        db,
        { channel, namespace: CHAINCODE },
        { objectType: 'asset' },
        { kind: 'after', key: ['', assetKey(asset(pick))] },
        PAGE,
        BYTES,
      ),
    'explorer state ?search': (db, pick) =>
      statePage(
        db,
        { channel, namespace: CHAINCODE },
        { search: asset(pick).slice(0, 7) },
        newest,
        PAGE,
        BYTES,
      ),
    'explorer key': (db, pick) => {
      const at = { channel, namespace: CHAINCODE, collection: '', key: assetKey(asset(pick)) };
      return Promise.all([currentValue(db, at, BYTES), keyHistory(db, at, newest, PAGE, BYTES)]);
    },
    'explorer assets': (db) => assetsByKey(db, channel, {}, newest, PAGE),
    'explorer assets (deep page)': (db, pick) =>
      assetsByKey(db, channel, {}, { kind: 'after', key: [CHAINCODE, asset(pick)] }, PAGE),
    'explorer assets ?owner&status': (db) =>
      assetsByKey(db, channel, { ownerMsp: 'Org2MSP', status: 'RETIRED' }, newest, PAGE),
    'explorer tokens': (db) => balancesByKey(db, channel, newest, PAGE),
    'explorer tokens (deep page)': (db, pick) =>
      balancesByKey(db, channel, { kind: 'after', key: [CHAINCODE, account(pick)] }, PAGE),
    'explorer search (block)': (db, pick) => searchMirror(db, String(block(pick)), channel),
    'explorer search (transaction)': (db, pick) => {
      const at = tx(pick);
      return searchMirror(db, txIdOf(channel, at.number, at.index), channel);
    },
    'explorer search (key part)': (db, pick) => searchMirror(db, asset(pick), channel),
    'explorer chaincodes': async (db) => {
      // the explorer counts the whole ledger once, then only blocks mirrored since
      await transactionCounts(db, channel, shape.lastBlock - 1, shape.lastBlock);
      await lifecycleFields(db, channel);
    },
    'explorer activity (1h)': async (db) => {
      const last = await lastBlock(db, channel);
      const to = new Date(Math.ceil((last?.time?.getTime() ?? 0) / 60_000) * 60_000);
      const window = { channel, from: new Date(to.getTime() - 3_600_000), to };
      await Promise.all([
        activitySeries(db, window, 60),
        activityBy(db, window, 'chaincode', '(none)'),
        activityBy(db, window, 'creator_msp', '(unknown)'),
      ]);
    },
    ...appApiRoutes(shape, { block, tx, asset, account }),
  };
}

function appApiRoutes(
  shape: MirrorShape,
  pickers: {
    block: (pick: () => number) => number;
    tx: (pick: () => number) => { number: number; index: number };
    asset: (pick: () => number) => string;
    account: (pick: () => number) => string;
  },
): Record<string, Route> {
  const { channel } = shape;
  const scope = { channel, chaincode: CHAINCODE };
  const { block, tx, asset, account } = pickers;
  const byId = { sort: 'id', descending: false } as const;
  return {
    'app-api assets': (db) => searchAssets(db, scope, {}, byId, PAGE),
    'app-api assets (deep page)': (db, pick) =>
      searchAssets(db, scope, {}, { ...byId, after: [asset(pick)] }, PAGE),
    'app-api assets ?sort=-updatedAt': (db) =>
      searchAssets(db, scope, {}, { sort: 'updatedAt', descending: true }, PAGE),
    'app-api assets ?sort=createdAt (deep page)': (db, pick) =>
      searchAssets(
        db,
        scope,
        {},
        {
          sort: 'createdAt',
          descending: false,
          after: [new Date(Date.UTC(2026, 0, 1) + block(pick) * 1000).toISOString(), ''],
        },
        PAGE,
      ),
    'app-api assets ?sort=-blockNumber': (db) =>
      searchAssets(db, scope, {}, { sort: 'blockNumber', descending: true }, PAGE),
    'app-api assets ?ownerMsp&status': (db) =>
      searchAssets(db, scope, { ownerMsp: 'Org2MSP', status: 'RETIRED' }, byId, PAGE),
    'app-api assets ?ownerId': (db, pick) =>
      searchAssets(db, scope, { ownerId: `user${Math.floor(pick() * 500)}` }, byId, PAGE),
    'app-api assets ?type': (db) => searchAssets(db, scope, { type: 'pallet' }, byId, PAGE),
    'app-api assets ?idPrefix': (db, pick) =>
      searchAssets(db, scope, { idPrefix: asset(pick).slice(0, 7) }, byId, PAGE),
    'app-api assets ?attributes': (db) =>
      searchAssets(db, scope, { attributes: { color: 'red' } }, byId, PAGE),
    'app-api assets ?attributes (rare)': (db, pick) =>
      searchAssets(
        db,
        scope,
        { attributes: { serial: String(Math.floor(pick() * shape.assets)) } },
        byId,
        PAGE,
      ),
    'app-api asset': (db, pick) => getAsset(db, scope, asset(pick)),
    'app-api asset history': (db, pick) => assetHistory(db, scope, asset(pick), undefined, PAGE),
    'app-api token': async (db) => {
      await tokenRecords(db, scope);
      await burnedBaseUnits(db, scope);
    },
    'app-api balances': (db) =>
      searchBalances(db, scope, {}, { sort: 'account', descending: false }, PAGE),
    'app-api balances (deep page)': (db, pick) =>
      searchBalances(
        db,
        scope,
        {},
        { sort: 'account', descending: false, after: [account(pick)] },
        PAGE,
      ),
    'app-api balances ?sort=-balance': (db) =>
      searchBalances(db, scope, {}, { sort: 'balance', descending: true }, PAGE),
    'app-api balances ?account': (db, pick) =>
      searchBalances(
        db,
        scope,
        { account: account(pick) },
        { sort: 'account', descending: false },
        PAGE,
      ),
    'app-api balances ?minBalance': (db) =>
      searchBalances(
        db,
        scope,
        { minBaseUnits: '1000000' },
        { sort: 'account', descending: false },
        PAGE,
      ),
    'app-api transactions': (db) => recentTransactions(db, channel, {}, undefined, PAGE),
    'app-api transactions (deep page)': (db, pick) => {
      const at = tx(pick);
      return recentTransactions(db, channel, {}, [String(at.number), at.index], PAGE);
    },
    'app-api transactions ?function': (db) =>
      recentTransactions(db, channel, { function: 'DeleteAsset' }, undefined, PAGE),
    'app-api transactions ?creatorMsp&valid': (db) =>
      recentTransactions(db, channel, { creatorMsp: 'Org2MSP', valid: false }, undefined, PAGE),
    'app-api transactions ?txId': (db, pick) => {
      const at = tx(pick);
      return recentTransactions(
        db,
        channel,
        { txId: txIdOf(channel, at.number, at.index) },
        undefined,
        PAGE,
      );
    },
    'app-api transactions ?correlationId': (db, pick) => {
      const at = tx(pick);
      const id = txIdOf(channel, at.number, at.index);
      return recentTransactions(
        db,
        channel,
        { correlationId: `corr-${id.slice(0, 12)}`, correlatedTxIds: [id] },
        undefined,
        PAGE,
      );
    },
    'app-api transactions ?fromBlock&toBlock': (db, pick) => {
      const from = block(pick);
      return recentTransactions(
        db,
        channel,
        { fromBlock: from, toBlock: from + 10 },
        undefined,
        PAGE,
      );
    },
  };
}
