// AssetContract: assets shared among the consortium's organizations. The
// world-state layout (keys, indexes, the write guard, paged reads) is in
// asset-state.ts; this file holds the functions and the private details.
import { createHash } from 'node:crypto';
// eslint-disable-next-line @typescript-eslint/consistent-type-imports -- the Context class must exist at run time for decorator metadata
import { Context, Contract, Info, Param, Returns, Transaction } from 'fabric-contract-api';
import { callerMspId, requireCallerMsp } from '../common/access';
import { canonicalBytes, type JsonValue } from '../common/canonical-json';
import {
  ChaincodeError,
  ErrorCode,
  forbidden,
  invalidArgument,
  notFound,
  alreadyExists,
} from '../common/errors';
import { claimRequestId, transientText } from '../common/idempotency';
import { decodeUtf8, emitEvent, keyExists, txTimestamp } from '../common/ledger';
import { parseJsonObject, requireIdentifier } from '../common/validation';
// Side-effect import: registers the @Object types the metadata refers to.
import '../model/asset';
import {
  ASSET_DOC_TYPE,
  type Asset,
  type AssetHistoryPage,
  type AssetOwner,
  type AssetPage,
  type AssetPrivateDetails,
  DEFAULT_ASSET_STATUS,
} from '../model/asset';
import {
  OWNER_INDEX,
  TYPE_INDEX,
  assetKey,
  deleteAssetState,
  historyPage,
  loadAsset,
  optionalExpectedOwner,
  pageFromIndex,
  putChangedAsset,
  putNewAsset,
  requireAssetWriter,
  richQueryPage,
} from './asset-state';

export { ASSET_OBJECT_TYPE, OWNER_INDEX, TYPE_INDEX } from './asset-state';
export const PRIVATE_DETAILS_TRANSIENT_KEY = 'privateDetails';

const STATUS = /^[A-Z][A-Z0-9_]{0,31}$/;
const EXPECTED_OWNER_DESCRIPTION =
  'Owner the caller was authorized against; the call fails with OWNER_MISMATCH if the asset has another owner now. "" skips the check (the owner organization is always checked)';

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
    const requestId = await claimRequestId(ctx, 'CreateAsset', [id, type, ownerId, attributesJson]);

    const key = assetKey(ctx, id);
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
    await putNewAsset(ctx, asset);
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
    return loadAsset(ctx, id);
  }

  @Transaction(false)
  @Param('id', 'string', 'Asset id')
  @Returns('boolean')
  async AssetExists(ctx: Context, id: string): Promise<boolean> {
    requireIdentifier('id', id);
    return keyExists(ctx, assetKey(ctx, id));
  }

  /**
   * Replaces the public attributes and status (owner org only). A transient
   * `privateDetails` field replaces the private details as well.
   */
  @Transaction()
  @Param('id', 'string', 'Asset id')
  @Param('attributesJson', 'string', 'New public attributes as a JSON object')
  @Param('status', 'string', 'New status, upper-case, e.g. "ACTIVE"')
  @Param('expectedOwnerId', 'string', EXPECTED_OWNER_DESCRIPTION)
  @Returns('Asset')
  async UpdateAsset(
    ctx: Context,
    id: string,
    attributesJson: string,
    status: string,
    expectedOwnerId: string,
  ): Promise<Asset> {
    requireIdentifier('id', id);
    const attributes = parseJsonObject('attributesJson', attributesJson);
    if (typeof status !== 'string' || !STATUS.test(status)) {
      throw invalidArgument('status', 'status must be 1-32 characters of A-Z, 0-9 and _');
    }
    optionalExpectedOwner(expectedOwnerId);
    const details = this.transientDetails(ctx);
    const requestId = await claimRequestId(ctx, 'UpdateAsset', [
      id,
      attributesJson,
      status,
      expectedOwnerId,
    ]);

    const existing = await loadAsset(ctx, id);
    requireAssetWriter(ctx, existing, expectedOwnerId, 'UpdateAsset');
    const asset: Asset = {
      ...existing,
      attributes,
      status,
      privateDetailsHash: details ? hashDetails(details) : existing.privateDetailsHash,
      updatedAt: txTimestamp(ctx),
    };
    await putChangedAsset(ctx, existing, asset);
    if (details) {
      await ctx.stub.putPrivateData(
        implicitCollection(asset.owner.mspId),
        assetKey(ctx, id),
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
  @Param('expectedOwnerId', 'string', EXPECTED_OWNER_DESCRIPTION)
  @Returns('Asset')
  async TransferAsset(
    ctx: Context,
    id: string,
    newOwnerMspId: string,
    newOwnerId: string,
    expectedOwnerId: string,
  ): Promise<Asset> {
    requireIdentifier('id', id);
    requireIdentifier('newOwnerMspId', newOwnerMspId);
    requireIdentifier('newOwnerId', newOwnerId);
    optionalExpectedOwner(expectedOwnerId);
    const requestId = await claimRequestId(ctx, 'TransferAsset', [
      id,
      newOwnerMspId,
      newOwnerId,
      expectedOwnerId,
    ]);

    const existing = await loadAsset(ctx, id);
    requireAssetWriter(ctx, existing, expectedOwnerId, 'TransferAsset');
    const from = existing.owner;
    if (from.mspId === newOwnerMspId && from.ownerId === newOwnerId) {
      throw invalidArgument('newOwnerId', 'asset already belongs to that owner');
    }
    const leavesOrg = from.mspId !== newOwnerMspId;
    const to: AssetOwner = { mspId: newOwnerMspId, ownerId: newOwnerId };
    const asset: Asset = {
      ...existing,
      owner: to,
      privateDetailsHash: leavesOrg ? '' : existing.privateDetailsHash,
      updatedAt: txTimestamp(ctx),
    };
    await putChangedAsset(ctx, existing, asset);
    if (leavesOrg && existing.privateDetailsHash !== '') {
      await ctx.stub.deletePrivateData(implicitCollection(from.mspId), assetKey(ctx, id));
    }
    emitEvent(ctx, AssetEvents.transferred, { assetId: id, from, requestId, to });
    return asset;
  }

  @Transaction()
  @Param('id', 'string', 'Asset id')
  @Param('expectedOwnerId', 'string', EXPECTED_OWNER_DESCRIPTION)
  async DeleteAsset(ctx: Context, id: string, expectedOwnerId: string): Promise<void> {
    requireIdentifier('id', id);
    optionalExpectedOwner(expectedOwnerId);
    const requestId = await claimRequestId(ctx, 'DeleteAsset', [id, expectedOwnerId]);
    const existing = await loadAsset(ctx, id);
    requireAssetWriter(ctx, existing, expectedOwnerId, 'DeleteAsset');
    await deleteAssetState(ctx, existing);
    if (existing.privateDetailsHash !== '') {
      await ctx.stub.deletePrivateData(implicitCollection(existing.owner.mspId), assetKey(ctx, id));
    }
    emitEvent(ctx, AssetEvents.deleted, { assetId: id, owner: existing.owner, requestId });
  }

  /** Committed versions of the asset, a page at a time, in the peer's history order. */
  @Transaction(false)
  @Param('id', 'string', 'Asset id')
  @Param('pageSize', 'number', 'Entries per page, 1-100')
  @Param('bookmark', 'string', 'Bookmark of the previous page, or ""')
  @Returns('AssetHistoryPage')
  async GetAssetHistory(
    ctx: Context,
    id: string,
    pageSize: number,
    bookmark: string,
  ): Promise<AssetHistoryPage> {
    requireIdentifier('id', id);
    return historyPage(ctx, id, pageSize, bookmark);
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
    return pageFromIndex(ctx, OWNER_INDEX, attributes, pageSize, bookmark);
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
    return pageFromIndex(ctx, TYPE_INDEX, [type], pageSize, bookmark);
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
    return richQueryPage(ctx, selector, pageSize, bookmark);
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
    const asset = await loadAsset(ctx, id);
    const ownerMsp = asset.owner.mspId;
    requireCallerMsp(ctx, ownerMsp, 'ReadAssetPrivateDetails');
    const peerMsp = ctx.stub.getMspID();
    if (peerMsp !== ownerMsp) {
      throw forbidden(`private details of ${id} can only be read on a peer of ${ownerMsp}`);
    }
    const bytes = await ctx.stub.getPrivateData(implicitCollection(ownerMsp), assetKey(ctx, id));
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
    const asset = await loadAsset(ctx, id);
    return asset.privateDetailsHash !== '' && asset.privateDetailsHash === hashDetails(details);
  }

  private transientDetails(ctx: Context): Record<string, JsonValue> | undefined {
    const text = transientText(ctx, PRIVATE_DETAILS_TRANSIENT_KEY);
    return text === undefined ? undefined : parseJsonObject(PRIVATE_DETAILS_TRANSIENT_KEY, text);
  }
}
