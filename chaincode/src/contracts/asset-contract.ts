// SPDX-License-Identifier: Apache-2.0
// AssetContract: assets shared among the consortium's organizations. The
// world-state layout (keys, indexes, the write guard, paged reads) is in
// asset-state.ts; the private details and who endorses the transactions that
// carry them are in asset-private-details.ts.
// the Context class must exist at run time for decorator metadata, so it is a value import
import { Context, Info, Param, Returns, Transaction } from 'fabric-contract-api';
import { callerMspId, requireCallerMsp, requireOwnUser } from '../common/access';
import { ConsortiaContract } from '../common/consortia-contract';
import { forbidden, invalidArgument, notFound, alreadyExists } from '../common/errors';
import { claimRequestId } from '../common/idempotency';
import { emitEvent, keyExists, txTimestamp } from '../common/ledger';
import { parseJsonObject, requireIdentifier } from '../common/validation';
// Side-effect import: registers the @Object types the metadata refers to.
import '../model/asset';
import {
  ASSET_DOC_TYPE,
  AssetEvents,
  type Asset,
  type AssetHistoryPage,
  type AssetOwner,
  type AssetPage,
  type AssetPrivateDetails,
  DEFAULT_ASSET_STATUS,
} from '../model/asset';
import {
  EXPECTED_OWNER_DESCRIPTION,
  OWNER_INDEX,
  TYPE_INDEX,
  assetKey,
  beginAssetChange,
  deleteAssetState,
  historyPage,
  loadAsset,
  optionalExpectedOwner,
  pageFromIndex,
  putNewAsset,
  requireStatus,
  rewriteAsset,
  richQueryPage,
} from './asset-state';
import {
  hashDetails,
  purgeDetails,
  readDetails,
  refuseTransientDetails,
  stageDetails,
  stagedDetailsHash,
} from './asset-private-details';

export { ASSET_OBJECT_TYPE, OWNER_INDEX, TYPE_INDEX } from './asset-state';
export { AssetEvents } from '../model/asset';
export {
  PRIVATE_DETAILS_HASH_TRANSIENT_KEY,
  PRIVATE_DETAILS_TRANSIENT_KEY,
  hashDetails,
  implicitCollection,
} from './asset-private-details';

@Info({
  title: 'AssetContract',
  description: 'Assets shared among consortium organizations, with private details per owner org',
})
export class AssetContract extends ConsortiaContract {
  constructor() {
    super('AssetContract');
  }

  /**
   * Creates an asset owned by the caller's organization. Transient fields:
   * `privateDetailsHash` (details staged with StageAssetPrivateDetails) and
   * `requestId`.
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
    requireOwnUser(ctx, ownerId, 'CreateAsset');
    const attributes = parseJsonObject('attributesJson', attributesJson);
    refuseTransientDetails(ctx, 'CreateAsset');
    const requestId = await claimRequestId(ctx, 'CreateAsset', [id, type, ownerId, attributesJson]);

    const key = assetKey(ctx, id);
    if (await keyExists(ctx, key)) {
      throw alreadyExists(`asset ${id} already exists`);
    }
    const owner: AssetOwner = { mspId: callerMspId(ctx), ownerId };
    const detailsHash = await stagedDetailsHash(ctx, owner.mspId, id);
    const now = txTimestamp(ctx);
    const asset: Asset = {
      docType: ASSET_DOC_TYPE,
      id,
      type,
      owner,
      attributes,
      status: DEFAULT_ASSET_STATUS,
      privateDetailsHash: detailsHash ?? '',
      createdAt: now,
      updatedAt: now,
    };
    await putNewAsset(ctx, asset);
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
   * `privateDetailsHash` (details staged with StageAssetPrivateDetails)
   * replaces the private details as well.
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
    requireStatus(status);
    optionalExpectedOwner(expectedOwnerId);
    refuseTransientDetails(ctx, 'UpdateAsset');
    const { existing, requestId } = await beginAssetChange(
      ctx,
      'UpdateAsset',
      id,
      expectedOwnerId,
      [id, attributesJson, status, expectedOwnerId],
    );

    const detailsHash = await stagedDetailsHash(ctx, existing.owner.mspId, id);
    const asset = await rewriteAsset(ctx, existing, {
      attributes,
      status,
      privateDetailsHash: detailsHash ?? existing.privateDetailsHash,
    });
    emitEvent(ctx, AssetEvents.updated, { asset, requestId });
    return asset;
  }

  /**
   * Gives the asset to another owner (owner org only). Moving to another
   * organization clears the private details hash: the details belonged to the
   * old owner, which keeps its copy in its own collection (and may purge it),
   * and the new owner may stage its own. This consortium-endorsed transaction
   * writes no private data, so it never needs the owner's own endorsement.
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
    const { existing, requestId } = await beginAssetChange(
      ctx,
      'TransferAsset',
      id,
      expectedOwnerId,
      [id, newOwnerMspId, newOwnerId, expectedOwnerId],
    );
    const from = existing.owner;
    if (from.mspId === newOwnerMspId && from.ownerId === newOwnerId) {
      throw invalidArgument('newOwnerId', 'asset already belongs to that owner');
    }
    const leavesOrg = from.mspId !== newOwnerMspId;
    const to: AssetOwner = { mspId: newOwnerMspId, ownerId: newOwnerId };
    const asset = await rewriteAsset(ctx, existing, {
      owner: to,
      privateDetailsHash: leavesOrg ? '' : existing.privateDetailsHash,
    });
    emitEvent(ctx, AssetEvents.transferred, { assetId: id, from, requestId, to });
    return asset;
  }

  @Transaction()
  @Param('id', 'string', 'Asset id')
  @Param('expectedOwnerId', 'string', EXPECTED_OWNER_DESCRIPTION)
  async DeleteAsset(ctx: Context, id: string, expectedOwnerId: string): Promise<void> {
    requireIdentifier('id', id);
    optionalExpectedOwner(expectedOwnerId);
    const { existing, requestId } = await beginAssetChange(
      ctx,
      'DeleteAsset',
      id,
      expectedOwnerId,
      [id, expectedOwnerId],
    );
    // The owner's private details stay in its collection until it purges them.
    await deleteAssetState(ctx, existing);
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
   * Stores transient `privateDetails` in the caller organization's implicit
   * collection, endorsed by that organization alone, and returns their hash for
   * CreateAsset/UpdateAsset's transient `privateDetailsHash` (see
   * asset-private-details.ts). Idempotent; it claims no request id.
   */
  @Transaction()
  @Param('id', 'string', 'Asset id, existing (owned by the caller org) or to be created')
  @Returns('string')
  async StageAssetPrivateDetails(ctx: Context, id: string): Promise<string> {
    const hash = await stageDetails(ctx, id);
    emitEvent(ctx, AssetEvents.privateDetailsStaged, {
      assetId: id,
      hash,
      mspId: callerMspId(ctx),
    });
    return hash;
  }

  /**
   * Purges, from the caller organization's collection, a version of an asset's
   * private details the asset no longer points to (replaced, never used, or
   * left behind by a transfer or delete). Endorsed by that organization alone.
   */
  @Transaction()
  @Param('id', 'string', 'Asset id')
  @Param('hash', 'string', 'Hash of the details version to purge')
  async PurgeAssetPrivateDetails(ctx: Context, id: string, hash: string): Promise<void> {
    await purgeDetails(ctx, id, hash);
    emitEvent(ctx, AssetEvents.privateDetailsPurged, {
      assetId: id,
      hash,
      mspId: callerMspId(ctx),
    });
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
    const details = await readDetails(ctx, asset);
    if (!details) {
      throw notFound(`asset ${id} has no private details on this peer`);
    }
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
}
