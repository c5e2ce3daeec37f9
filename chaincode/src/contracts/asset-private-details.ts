// SPDX-License-Identifier: Apache-2.0
// Private details of assets, and who endorses the transactions that carry them.
//
// The chaincode's endorsement policy is the channel's MAJORITY: creating an
// asset, moving it and every token operation need the consortium. Transient
// data reaches every endorsing peer, so a transaction that carries an
// organization's private details may only be endorsed by that organization,
// and such a transaction must not need the consortium. Fabric validates a
// write to `_implicit_org_<MSP>` against that organization's own Endorsement
// policy, and a transaction whose only writes are there needs nothing else.
// So private details travel in two steps:
//
// 1. StageAssetPrivateDetails (endorsed by the caller's organization alone)
//    writes them to the caller organization's implicit collection under a key
//    named by their hash, `assetDetails` + [assetId, sha256], and nothing else.
// 2. CreateAsset / UpdateAsset (endorsed by the consortium) name that hash in
//    the transient field `privateDetailsHash`. Every endorser, member of the
//    collection or not, checks it with getPrivateDataHash (peers of every
//    organization hold the hashes of all private data) and records it on the
//    public asset. That commit is the point at which the details take effect.
//
// Consortium-endorsed transactions never write private data (a transfer or a
// delete only clears the hash), so they never need the owner to receive
// secrets either. Keys named by content make staging idempotent and never
// overwrite the details the public record points to: a stage whose public
// step never commits leaves an unreferenced version behind, which its
// organization removes with PurgeAssetPrivateDetails, as it does the details
// of an asset it no longer owns.
import { createHash } from 'node:crypto';
import type { Context } from 'fabric-contract-api';
import { callerMspId } from '../common/access';
import { canonicalBytes, type JsonValue } from '../common/canonical-json';
import { forbidden, invalidArgument, notFound } from '../common/errors';
import { transientText } from '../common/idempotency';
import { decodeUtf8, getJson } from '../common/ledger';
import { parseJsonObject, requireIdentifier } from '../common/validation';
import type { Asset } from '../model/asset';
import { assetKey } from './asset-state';
import { DETAILS_OBJECT_TYPE } from '../contract/keys';

export const PRIVATE_DETAILS_TRANSIENT_KEY = 'privateDetails';
export const PRIVATE_DETAILS_HASH_TRANSIENT_KEY = 'privateDetailsHash';
export { DETAILS_OBJECT_TYPE };

const SHA256_HEX = /^[0-9a-f]{64}$/;

export function implicitCollection(mspId: string): string {
  return `_implicit_org_${mspId}`;
}

/** sha256 of the canonical JSON: the value Fabric records as the private data hash. */
export function hashDetails(details: Record<string, JsonValue>): string {
  return createHash('sha256').update(canonicalBytes(details)).digest('hex');
}

export function detailsKey(ctx: Context, assetId: string, hash: string): string {
  return ctx.stub.createCompositeKey(DETAILS_OBJECT_TYPE, [assetId, hash]);
}

/**
 * CreateAsset and UpdateAsset need the consortium's endorsement, so every
 * endorsing organization would receive details sent with them.
 */
export function refuseTransientDetails(ctx: Context, action: string): void {
  if (transientText(ctx, PRIVATE_DETAILS_TRANSIENT_KEY) !== undefined) {
    throw invalidArgument(
      PRIVATE_DETAILS_TRANSIENT_KEY,
      `${action} is endorsed by the consortium, so transient privateDetails would reach every endorsing organization; stage them with StageAssetPrivateDetails (endorsed by your organization alone) and pass their hash as transient privateDetailsHash`,
    );
  }
}

/**
 * Stage 1: stores the transient `privateDetails` in the caller organization's
 * implicit collection and returns their hash. An existing asset must belong to
 * the caller's organization; for an asset still to be created, staging only
 * touches the caller's own collection.
 */
export async function stageDetails(ctx: Context, assetId: string): Promise<string> {
  requireIdentifier('id', assetId);
  const text = transientText(ctx, PRIVATE_DETAILS_TRANSIENT_KEY);
  if (text === undefined) {
    throw invalidArgument(
      PRIVATE_DETAILS_TRANSIENT_KEY,
      'transient field privateDetails (a JSON object) is required',
    );
  }
  const details = parseJsonObject(PRIVATE_DETAILS_TRANSIENT_KEY, text);
  const mspId = callerMspId(ctx);
  const existing = await getJson<Asset>(ctx, assetKey(ctx, assetId));
  if (existing && existing.owner.mspId !== mspId) {
    throw forbidden(
      `asset ${assetId} belongs to ${existing.owner.mspId}; ${mspId} cannot stage its private details`,
    );
  }
  const hash = hashDetails(details);
  await ctx.stub.putPrivateData(
    implicitCollection(mspId),
    detailsKey(ctx, assetId, hash),
    canonicalBytes(details),
  );
  return hash;
}

/**
 * Stage 2: the hash named in transient `privateDetailsHash`, checked against
 * the details staged in the owner organization's collection (through the
 * private data hash, which every peer holds), or undefined when none is named.
 */
export async function stagedDetailsHash(
  ctx: Context,
  ownerMspId: string,
  assetId: string,
): Promise<string | undefined> {
  const hash = transientText(ctx, PRIVATE_DETAILS_HASH_TRANSIENT_KEY);
  if (hash === undefined) {
    return undefined;
  }
  if (!SHA256_HEX.test(hash)) {
    throw invalidArgument(
      PRIVATE_DETAILS_HASH_TRANSIENT_KEY,
      'privateDetailsHash must be 64 lower-case hex digits (the hash StageAssetPrivateDetails returns)',
    );
  }
  const stored = await ctx.stub.getPrivateDataHash(
    implicitCollection(ownerMspId),
    detailsKey(ctx, assetId, hash),
  );
  if (!stored || stored.length === 0 || Buffer.from(stored).toString('hex') !== hash) {
    throw notFound(
      `no private details with hash ${hash} are staged for asset ${assetId} in ${implicitCollection(ownerMspId)}; call StageAssetPrivateDetails first (as a member of ${ownerMspId})`,
    );
  }
  return hash;
}

/** The details the public record points to, read from the owner's collection. */
export async function readDetails(
  ctx: Context,
  asset: Asset,
): Promise<Record<string, JsonValue> | undefined> {
  if (asset.privateDetailsHash === '') {
    return undefined;
  }
  const bytes = await ctx.stub.getPrivateData(
    implicitCollection(asset.owner.mspId),
    detailsKey(ctx, asset.id, asset.privateDetailsHash),
  );
  if (!bytes || bytes.length === 0) {
    return undefined;
  }
  return JSON.parse(decodeUtf8(bytes)) as Record<string, JsonValue>;
}

/**
 * Removes one version of an asset's details from the caller organization's
 * collection, with its history on every member peer (purgePrivateData). The
 * version the public record points to cannot be purged while the caller's
 * organization owns the asset.
 */
export async function purgeDetails(ctx: Context, assetId: string, hash: string): Promise<void> {
  requireIdentifier('id', assetId);
  if (typeof hash !== 'string' || !SHA256_HEX.test(hash)) {
    throw invalidArgument('hash', 'hash must be 64 lower-case hex digits');
  }
  const mspId = callerMspId(ctx);
  const asset = await getJson<Asset>(ctx, assetKey(ctx, assetId));
  if (asset?.owner.mspId === mspId && asset.privateDetailsHash === hash) {
    throw invalidArgument(
      'hash',
      `asset ${assetId} still points to these private details; only versions it no longer uses can be purged`,
    );
  }
  await ctx.stub.purgePrivateData(implicitCollection(mspId), detailsKey(ctx, assetId, hash));
}
