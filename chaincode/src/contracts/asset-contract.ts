// AssetContract: assets shared among the consortium's organizations.
import { createHash } from 'node:crypto';
// eslint-disable-next-line @typescript-eslint/consistent-type-imports -- the Context class must exist at run time for decorator metadata
import { Context, Contract, Info, Param, Returns, Transaction } from 'fabric-contract-api';
import type { Iterators } from 'fabric-shim';
import { callerMspId, requireCallerMsp } from '../common/access';
import { canonicalBytes, canonicalStringify, type JsonValue } from '../common/canonical-json';
import {
  ChaincodeError,
  ErrorCode,
  forbidden,
  invalidArgument,
  notFound,
  alreadyExists,
} from '../common/errors';
import { claimRequestId, transientText } from '../common/idempotency';
import {
  decodeUtf8,
  drain,
  emitEvent,
  getJson,
  keyExists,
  putJson,
  toIsoTimestamp,
  txTimestamp,
} from '../common/ledger';
import {
  optionalBookmark,
  parseJsonObject,
  requireIdentifier,
  requirePageSize,
} from '../common/validation';
// Side-effect import: registers the @Object types the metadata refers to.
import '../model/asset';
import {
  ASSET_DOC_TYPE,
  type Asset,
  type AssetHistoryEntry,
  type AssetOwner,
  type AssetPage,
  type AssetPrivateDetails,
  DEFAULT_ASSET_STATUS,
} from '../model/asset';

export const ASSET_OBJECT_TYPE = 'asset';
export const OWNER_INDEX = 'owner~asset';
export const TYPE_INDEX = 'type~asset';
export const PRIVATE_DETAILS_TRANSIENT_KEY = 'privateDetails';

const STATUS = /^[A-Z][A-Z0-9_]{0,31}$/;
// Index entries only need to exist; CouchDB rejects empty values, so one NUL byte.
const INDEX_VALUE = Buffer.from([0]);

export const AssetEvents = {
  created: 'AssetCreated',
  updated: 'AssetUpdated',
  transferred: 'AssetTransferred',
  deleted: 'AssetDeleted',
} as const;

export function implicitCollection(mspId: string): string {
  return `_implicit_org_${mspId}`;
}

export function hashDetails(details: Record<string, JsonValue>): string {
  return createHash('sha256').update(canonicalBytes(details)).digest('hex');
}

@Info({
  title: 'AssetContract',
  description: 'Assets shared among consortium organizations, with private details per owner org',
})
export class AssetContract extends Contract {
  constructor() {
    super('AssetContract');
  }

  override async unknownTransaction(ctx: Context): Promise<void> {
    const { fcn } = ctx.stub.getFunctionAndParameters();
    throw new ChaincodeError(ErrorCode.UNKNOWN_FUNCTION, `AssetContract has no function ${fcn}`);
  }

  /**
   * Creates an asset owned by the caller's organization. Transient fields:
   * `privateDetails` (JSON object, stored in the owner org's implicit collection)
   * and `requestId`.
   */
  @Transaction()
  @Param('id', 'string', 'Unique asset id')
  @Param('type', 'string', 'Asset type, e.g. "container"')
  @Param('ownerId', 'string', 'Owner within the caller organization')
  @Param('attributesJson', 'string', 'Public attributes as a JSON object')
  @Returns('Asset')
  async CreateAsset(
    ctx: Context,
    id: string,
    type: string,
    ownerId: string,
    attributesJson: string,
  ): Promise<Asset> {
    requireIdentifier('id', id);
    requireIdentifier('type', type);
    requireIdentifier('ownerId', ownerId);
    const attributes = parseJsonObject('attributesJson', attributesJson);
    const details = this.transientDetails(ctx);
    const requestId = await claimRequestId(ctx, 'CreateAsset');

    const key = this.assetKey(ctx, id);
    if (await keyExists(ctx, key)) {
      throw alreadyExists(`asset ${id} already exists`);
    }
    const owner: AssetOwner = { mspId: callerMspId(ctx), ownerId };
    const now = txTimestamp(ctx);
    const asset: Asset = {
      docType: ASSET_DOC_TYPE,
      id,
      type,
      owner,
      attributes,
      status: DEFAULT_ASSET_STATUS,
      privateDetailsHash: details ? hashDetails(details) : '',
      createdAt: now,
      updatedAt: now,
    };
    await putJson(ctx, key, asset);
    await this.putOwnerIndex(ctx, asset);
    await ctx.stub.putState(ctx.stub.createCompositeKey(TYPE_INDEX, [type, id]), INDEX_VALUE);
    if (details) {
      await ctx.stub.putPrivateData(implicitCollection(owner.mspId), key, canonicalBytes(details));
    }
    emitEvent(ctx, AssetEvents.created, { asset, requestId });
    return asset;
  }

  @Transaction(false)
  @Param('id', 'string', 'Asset id')
  @Returns('Asset')
  async ReadAsset(ctx: Context, id: string): Promise<Asset> {
    requireIdentifier('id', id);
    return this.loadAsset(ctx, id);
  }

  @Transaction(false)
  @Param('id', 'string', 'Asset id')
  @Returns('boolean')
  async AssetExists(ctx: Context, id: string): Promise<boolean> {
    requireIdentifier('id', id);
    return keyExists(ctx, this.assetKey(ctx, id));
  }

  /**
   * Replaces the public attributes and status (owner org only). A transient
   * `privateDetails` field replaces the private details as well.
   */
  @Transaction()
  @Param('id', 'string', 'Asset id')
  @Param('attributesJson', 'string', 'New public attributes as a JSON object')
  @Param('status', 'string', 'New status, upper-case, e.g. "ACTIVE"')
  @Returns('Asset')
  async UpdateAsset(
    ctx: Context,
    id: string,
    attributesJson: string,
    status: string,
  ): Promise<Asset> {
    requireIdentifier('id', id);
    const attributes = parseJsonObject('attributesJson', attributesJson);
    if (typeof status !== 'string' || !STATUS.test(status)) {
      throw invalidArgument('status', 'status must be 1-32 characters of A-Z, 0-9 and _');
    }
    const details = this.transientDetails(ctx);
    const requestId = await claimRequestId(ctx, 'UpdateAsset');

    const existing = await this.loadAsset(ctx, id);
    requireCallerMsp(ctx, existing.owner.mspId, 'UpdateAsset');
    const asset: Asset = {
      ...existing,
      attributes,
      status,
      privateDetailsHash: details ? hashDetails(details) : existing.privateDetailsHash,
      updatedAt: txTimestamp(ctx),
    };
    const key = this.assetKey(ctx, id);
    await putJson(ctx, key, asset);
    if (details) {
      await ctx.stub.putPrivateData(
        implicitCollection(asset.owner.mspId),
        key,
        canonicalBytes(details),
      );
    }
    emitEvent(ctx, AssetEvents.updated, { asset, requestId });
    return asset;
  }

  /**
   * Gives the asset to another owner (owner org only). Moving to another
   * organization removes the private details from the old owner's collection:
   * they belonged to that organization, and the new owner may record its own.
   */
  @Transaction()
  @Param('id', 'string', 'Asset id')
  @Param('newOwnerMspId', 'string', 'MSP id of the receiving organization')
  @Param('newOwnerId', 'string', 'Owner within the receiving organization')
  @Returns('Asset')
  async TransferAsset(
    ctx: Context,
    id: string,
    newOwnerMspId: string,
    newOwnerId: string,
  ): Promise<Asset> {
    requireIdentifier('id', id);
    requireIdentifier('newOwnerMspId', newOwnerMspId);
    requireIdentifier('newOwnerId', newOwnerId);
    const requestId = await claimRequestId(ctx, 'TransferAsset');

    const existing = await this.loadAsset(ctx, id);
    requireCallerMsp(ctx, existing.owner.mspId, 'TransferAsset');
    const from = existing.owner;
    if (from.mspId === newOwnerMspId && from.ownerId === newOwnerId) {
      throw invalidArgument('newOwnerId', 'asset already belongs to that owner');
    }
    const key = this.assetKey(ctx, id);
    const leavesOrg = from.mspId !== newOwnerMspId;
    const to: AssetOwner = { mspId: newOwnerMspId, ownerId: newOwnerId };
    const asset: Asset = {
      ...existing,
      owner: to,
      privateDetailsHash: leavesOrg ? '' : existing.privateDetailsHash,
      updatedAt: txTimestamp(ctx),
    };
    await putJson(ctx, key, asset);
    await ctx.stub.deleteState(this.ownerIndexKey(ctx, existing));
    await this.putOwnerIndex(ctx, asset);
    if (leavesOrg && existing.privateDetailsHash !== '') {
      await ctx.stub.deletePrivateData(implicitCollection(from.mspId), key);
    }
    emitEvent(ctx, AssetEvents.transferred, { assetId: id, from, requestId, to });
    return asset;
  }

  @Transaction()
  @Param('id', 'string', 'Asset id')
  async DeleteAsset(ctx: Context, id: string): Promise<void> {
    requireIdentifier('id', id);
    const requestId = await claimRequestId(ctx, 'DeleteAsset');
    const existing = await this.loadAsset(ctx, id);
    requireCallerMsp(ctx, existing.owner.mspId, 'DeleteAsset');
    const key = this.assetKey(ctx, id);
    await ctx.stub.deleteState(key);
    await ctx.stub.deleteState(this.ownerIndexKey(ctx, existing));
    await ctx.stub.deleteState(ctx.stub.createCompositeKey(TYPE_INDEX, [existing.type, id]));
    if (existing.privateDetailsHash !== '') {
      await ctx.stub.deletePrivateData(implicitCollection(existing.owner.mspId), key);
    }
    emitEvent(ctx, AssetEvents.deleted, { assetId: id, owner: existing.owner, requestId });
  }

  /** Every committed version of the asset, oldest first as the peer returns them. */
  @Transaction(false)
  @Param('id', 'string', 'Asset id')
  @Returns('AssetHistoryEntry[]')
  async GetAssetHistory(ctx: Context, id: string): Promise<AssetHistoryEntry[]> {
    requireIdentifier('id', id);
    const iterator = await ctx.stub.getHistoryForKey(this.assetKey(ctx, id));
    const modifications = await drain<Iterators.KeyModification>(iterator);
    return modifications.map((modification) => {
      const entry: AssetHistoryEntry = {
        txId: modification.txId,
        timestamp: toIsoTimestamp(modification.timestamp),
        isDelete: modification.isDelete,
      };
      if (!modification.isDelete) {
        entry.asset = JSON.parse(decodeUtf8(modification.value)) as Asset;
      }
      return entry;
    });
  }

  /** Assets of an organization, or of one owner in it when ownerId is given. */
  @Transaction(false)
  @Param('ownerMspId', 'string', 'Owner organization MSP id')
  @Param('ownerId', 'string', 'Owner within the organization, or "" for all')
  @Param('pageSize', 'number', 'Records per page, 1-200')
  @Param('bookmark', 'string', 'Bookmark of the previous page, or ""')
  @Returns('AssetPage')
  async QueryAssetsByOwner(
    ctx: Context,
    ownerMspId: string,
    ownerId: string,
    pageSize: number,
    bookmark: string,
  ): Promise<AssetPage> {
    requireIdentifier('ownerMspId', ownerMspId);
    const attributes = [ownerMspId];
    if (ownerId !== '') {
      attributes.push(requireIdentifier('ownerId', ownerId));
    }
    return this.pageFromIndex(ctx, OWNER_INDEX, attributes, pageSize, bookmark);
  }

  @Transaction(false)
  @Param('type', 'string', 'Asset type')
  @Param('pageSize', 'number', 'Records per page, 1-200')
  @Param('bookmark', 'string', 'Bookmark of the previous page, or ""')
  @Returns('AssetPage')
  async QueryAssetsByType(
    ctx: Context,
    type: string,
    pageSize: number,
    bookmark: string,
  ): Promise<AssetPage> {
    requireIdentifier('type', type);
    return this.pageFromIndex(ctx, TYPE_INDEX, [type], pageSize, bookmark);
  }

  /**
   * CouchDB rich query over assets (the selector is restricted to docType
   * "asset"). Needs a CouchDB state database; LevelDB peers reject it.
   */
  @Transaction(false)
  @Param('selectorJson', 'string', 'CouchDB Mango selector as a JSON object')
  @Param('pageSize', 'number', 'Records per page, 1-200')
  @Param('bookmark', 'string', 'Bookmark of the previous page, or ""')
  @Returns('AssetPage')
  async QueryAssets(
    ctx: Context,
    selectorJson: string,
    pageSize: number,
    bookmark: string,
  ): Promise<AssetPage> {
    const selector = parseJsonObject('selectorJson', selectorJson);
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

  /**
   * Private details of an asset: only a member of the owner organization may
   * read them, and only through one of that organization's own peers.
   */
  @Transaction(false)
  @Param('id', 'string', 'Asset id')
  @Returns('AssetPrivateDetails')
  async ReadAssetPrivateDetails(ctx: Context, id: string): Promise<AssetPrivateDetails> {
    requireIdentifier('id', id);
    const asset = await this.loadAsset(ctx, id);
    const ownerMsp = asset.owner.mspId;
    requireCallerMsp(ctx, ownerMsp, 'ReadAssetPrivateDetails');
    const peerMsp = ctx.stub.getMspID();
    if (peerMsp !== ownerMsp) {
      throw forbidden(`private details of ${id} can only be read on a peer of ${ownerMsp}`);
    }
    const bytes = await ctx.stub.getPrivateData(
      implicitCollection(ownerMsp),
      this.assetKey(ctx, id),
    );
    if (!bytes || bytes.length === 0) {
      throw notFound(`asset ${id} has no private details on this peer`);
    }
    const details = JSON.parse(decodeUtf8(bytes)) as Record<string, JsonValue>;
    return { assetId: id, details, hash: hashDetails(details) };
  }

  /**
   * Lets any organization check claimed private details (e.g. an appraisal
   * shown off-chain by the owner) against the hash on the public record.
   */
  @Transaction(false)
  @Param('id', 'string', 'Asset id')
  @Param('detailsJson', 'string', 'Claimed private details as a JSON object')
  @Returns('boolean')
  async VerifyAssetPrivateDetails(ctx: Context, id: string, detailsJson: string): Promise<boolean> {
    requireIdentifier('id', id);
    const details = parseJsonObject('detailsJson', detailsJson);
    const asset = await this.loadAsset(ctx, id);
    return asset.privateDetailsHash !== '' && asset.privateDetailsHash === hashDetails(details);
  }

  private assetKey(ctx: Context, id: string): string {
    return ctx.stub.createCompositeKey(ASSET_OBJECT_TYPE, [id]);
  }

  private ownerIndexKey(ctx: Context, asset: Asset): string {
    return ctx.stub.createCompositeKey(OWNER_INDEX, [
      asset.owner.mspId,
      asset.owner.ownerId,
      asset.id,
    ]);
  }

  private async putOwnerIndex(ctx: Context, asset: Asset): Promise<void> {
    await ctx.stub.putState(this.ownerIndexKey(ctx, asset), INDEX_VALUE);
  }

  private async loadAsset(ctx: Context, id: string): Promise<Asset> {
    const asset = await getJson<Asset>(ctx, this.assetKey(ctx, id));
    if (!asset) {
      throw notFound(`asset ${id} does not exist`);
    }
    return asset;
  }

  private transientDetails(ctx: Context): Record<string, JsonValue> | undefined {
    const text = transientText(ctx, PRIVATE_DETAILS_TRANSIENT_KEY);
    return text === undefined ? undefined : parseJsonObject(PRIVATE_DETAILS_TRANSIENT_KEY, text);
  }

  private async pageFromIndex(
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
      const asset = await getJson<Asset>(ctx, this.assetKey(ctx, id));
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
}
