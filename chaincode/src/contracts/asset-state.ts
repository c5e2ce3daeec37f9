// SPDX-License-Identifier: Apache-2.0
// World-state layout of assets: the asset key, its two index keys, the write
// guard (owner organization and expected owner) and the paged reads.
import type { Context } from 'fabric-contract-api';
import type { Iterators } from 'fabric-shim';
import { requireCallerMsp, requireOwnUser } from '../common/access';
import { canonicalStringify } from '../common/canonical-json';
import { ChaincodeError, ErrorCode, invalidArgument, notFound } from '../common/errors';
import { claimRequestId } from '../common/idempotency';
import { decodeUtf8, drain, getJson, putJson, toIsoTimestamp, txTimestamp } from '../common/ledger';
import { optionalBookmark, requireIdentifier, requirePageSize } from '../common/validation';
import {
  ASSET_DOC_TYPE,
  type Asset,
  type AssetHistoryEntry,
  type AssetHistoryPage,
  type AssetPage,
} from '../model/asset';
import { ASSET_OBJECT_TYPE, OWNER_INDEX, TYPE_INDEX } from '../contract/keys';

export { ASSET_OBJECT_TYPE, OWNER_INDEX, TYPE_INDEX };
/** History pages are smaller than query pages: each entry carries a whole asset. */
export const MAX_HISTORY_PAGE_SIZE = 100;

// Index entries only need to exist; CouchDB rejects empty values, so one NUL byte.
const INDEX_VALUE = Buffer.from([0]);

export function assetKey(ctx: Context, id: string): string {
  return ctx.stub.createCompositeKey(ASSET_OBJECT_TYPE, [id]);
}

function ownerIndexKey(ctx: Context, asset: Asset): string {
  return ctx.stub.createCompositeKey(OWNER_INDEX, [
    asset.owner.mspId,
    asset.owner.ownerId,
    asset.id,
  ]);
}

function typeIndexKey(ctx: Context, asset: Asset): string {
  return ctx.stub.createCompositeKey(TYPE_INDEX, [asset.type, asset.id]);
}

export async function loadAsset(ctx: Context, id: string): Promise<Asset> {
  const asset = await getJson<Asset>(ctx, assetKey(ctx, id));
  if (!asset) {
    throw notFound(`asset ${id} does not exist`);
  }
  return asset;
}

/** Writes a new asset with both index entries. */
export async function putNewAsset(ctx: Context, asset: Asset): Promise<void> {
  await putJson(ctx, assetKey(ctx, asset.id), asset);
  await ctx.stub.putState(ownerIndexKey(ctx, asset), INDEX_VALUE);
  await ctx.stub.putState(typeIndexKey(ctx, asset), INDEX_VALUE);
}

/** Rewrites an asset, moving its owner index entry when the owner changed. */
export async function putChangedAsset(ctx: Context, before: Asset, after: Asset): Promise<void> {
  await putJson(ctx, assetKey(ctx, after.id), after);
  const oldIndex = ownerIndexKey(ctx, before);
  const newIndex = ownerIndexKey(ctx, after);
  if (oldIndex !== newIndex) {
    await ctx.stub.deleteState(oldIndex);
    await ctx.stub.putState(newIndex, INDEX_VALUE);
  }
}

export async function deleteAssetState(ctx: Context, asset: Asset): Promise<void> {
  await ctx.stub.deleteState(assetKey(ctx, asset.id));
  await ctx.stub.deleteState(ownerIndexKey(ctx, asset));
  await ctx.stub.deleteState(typeIndexKey(ctx, asset));
}

const STATUS = /^[A-Z][A-Z0-9_]{0,31}$/;

export function requireStatus(status: unknown): string {
  if (typeof status !== 'string' || !STATUS.test(status)) {
    throw invalidArgument('status', 'status must be 1-32 characters of A-Z, 0-9 and _');
  }
  return status;
}

export const EXPECTED_OWNER_DESCRIPTION =
  'Owner the caller was authorized against; the call fails with OWNER_MISMATCH if the asset has another owner now. "" skips the check (the owner organization is always checked)';

/** `expectedOwnerId` argument: "" (no owner check) or an owner id. */
export function optionalExpectedOwner(value: unknown): string {
  return value === '' ? '' : requireIdentifier('expectedOwnerId', value);
}

/**
 * Guards every change to an existing asset. The caller must belong to the owner
 * organization; when the request names the owner it was authorized against
 * (`expectedOwnerId`, e.g. by an application that lets members change only
 * their own assets), the ledger's current owner must still be that one. The
 * check runs against committed state at endorsement, and the asset key is in
 * the read set, so of two queued requests authorized against the same owner
 * only the first can commit: the second either fails here or loses the MVCC
 * check. An application's stale view can never authorize a write.
 */
export function requireAssetWriter(
  ctx: Context,
  asset: Asset,
  expectedOwnerId: string,
  action: string,
): void {
  requireCallerMsp(ctx, asset.owner.mspId, action);
  requireOwnUser(ctx, asset.owner.ownerId, action);
  if (expectedOwnerId !== '' && asset.owner.ownerId !== expectedOwnerId) {
    throw new ChaincodeError(
      ErrorCode.OWNER_MISMATCH,
      `asset ${asset.id} is owned by ${asset.owner.ownerId}, not ${expectedOwnerId}; ${action} was authorized against an outdated owner`,
      'expectedOwnerId',
    );
  }
}

/**
 * First steps of a change to an existing asset, once its arguments are checked:
 * claims the request id (`args` are the transaction's arguments as received),
 * then loads the asset and guards the write (requireAssetWriter).
 */
export async function beginAssetChange(
  ctx: Context,
  action: string,
  id: string,
  expectedOwnerId: string,
  args: readonly string[],
): Promise<{ existing: Asset; requestId: string | undefined }> {
  const requestId = await claimRequestId(ctx, action, args);
  const existing = await loadAsset(ctx, id);
  requireAssetWriter(ctx, existing, expectedOwnerId, action);
  return { existing, requestId };
}

/** Rewrites an existing asset with `changes`, stamped with the transaction's time. */
export async function rewriteAsset(
  ctx: Context,
  existing: Asset,
  changes: Partial<Pick<Asset, 'attributes' | 'owner' | 'privateDetailsHash' | 'status'>>,
): Promise<Asset> {
  // eslint-disable-next-line @typescript-eslint/no-misused-spread -- `existing` is parsed JSON, not a class instance
  const asset: Asset = { ...existing, ...changes, updatedAt: txTimestamp(ctx) };
  await putChangedAsset(ctx, existing, asset);
  return asset;
}

function historyEntry(modification: Iterators.KeyModification): AssetHistoryEntry {
  const entry: AssetHistoryEntry = {
    txId: modification.txId,
    timestamp: toIsoTimestamp(modification.timestamp),
    isDelete: modification.isDelete,
  };
  if (!modification.isDelete) {
    entry.asset = JSON.parse(decodeUtf8(modification.value)) as Asset;
  }
  return entry;
}

/**
 * One page of an asset's committed versions. The history database cannot seek,
 * so the bookmark is the txId of the first entry of the next page (a key is
 * written at most once per transaction, so it names one entry) and the
 * iterator streams past earlier entries without keeping them: memory and the
 * answer stay bounded by the page size however long the history is.
 */
export async function historyPage(
  ctx: Context,
  id: string,
  pageSize: number,
  bookmark: string,
): Promise<AssetHistoryPage> {
  const size = requirePageSize(pageSize, MAX_HISTORY_PAGE_SIZE);
  const start = optionalBookmark(bookmark);
  const iterator = await ctx.stub.getHistoryForKey(assetKey(ctx, id));
  const records: AssetHistoryEntry[] = [];
  let next = '';
  let started = start === '';
  try {
    for (;;) {
      const item = await iterator.next();
      if (item.done) {
        break;
      }
      const modification = item.value;
      started ||= modification.txId === start;
      if (!started) {
        continue;
      }
      if (records.length === size) {
        next = modification.txId;
        break;
      }
      records.push(historyEntry(modification));
    }
  } finally {
    await iterator.close();
  }
  if (!started) {
    throw invalidArgument('bookmark', `bookmark is not an entry of the history of asset ${id}`);
  }
  return { records, fetchedRecordsCount: records.length, bookmark: next };
}

/** A page of assets found through one of the index keys. */
export async function pageFromIndex(
  ctx: Context,
  index: string,
  attributes: string[],
  pageSize: number,
  bookmark: string,
): Promise<AssetPage> {
  const size = requirePageSize(pageSize);
  const { iterator, metadata } = await ctx.stub.getStateByPartialCompositeKeyWithPagination(
    index,
    attributes,
    size,
    optionalBookmark(bookmark),
  );
  const entries = await drain<Iterators.KV>(iterator);
  const records: Asset[] = [];
  for (const entry of entries) {
    const { attributes: parts } = ctx.stub.splitCompositeKey(entry.key);
    // The asset id is the last attribute of every index key.
    const id = parts[parts.length - 1] as string;
    // An index entry and its asset are written and deleted together; skip defensively.
    const asset = await getJson<Asset>(ctx, assetKey(ctx, id));
    if (asset) {
      records.push(asset);
    }
  }
  return {
    records,
    fetchedRecordsCount: metadata.fetchedRecordsCount,
    bookmark: metadata.bookmark,
  };
}

/** A page of a CouchDB Mango query, always restricted to docType "asset". */
export async function richQueryPage(
  ctx: Context,
  selector: Record<string, unknown>,
  pageSize: number,
  bookmark: string,
): Promise<AssetPage> {
  const size = requirePageSize(pageSize);
  const query = canonicalStringify({ selector: { ...selector, docType: ASSET_DOC_TYPE } });
  const { iterator, metadata } = await ctx.stub.getQueryResultWithPagination(
    query,
    size,
    optionalBookmark(bookmark),
  );
  const records = (await drain<Iterators.KV>(iterator)).map(
    (kv) => JSON.parse(decodeUtf8(kv.value)) as Asset,
  );
  return {
    records,
    fetchedRecordsCount: metadata.fetchedRecordsCount,
    bookmark: metadata.bookmark,
  };
}
