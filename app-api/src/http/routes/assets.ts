// SPDX-License-Identifier: Apache-2.0
import type { Request, Response } from 'express';
import { Router } from 'express';

import type { Principal } from '../../auth/permissions';
import { AssetParams, AssetTransfer, AssetUpdate, NewAsset } from '../api/assets';
import { bodyOf, paramsOf } from '../api/typed';
import type { AssetSort } from '../../mirror/reader';
import { callerOf } from '../context';
import { ApiError } from '../errors';
import type { RouteDependencies } from './support';
import { freshRead, pageSize, queryNumber, queryText, relayWrite, sortOf } from './support';

const mayWriteAny = (principal: Principal) => principal.permissions.has('assets:write:any');

/**
 * A caller signing with a Fabric identity of their own (`user:<name>`, APP_API_USER_IDENTITIES)
 * may have the chaincode write only their own assets: its certificate names the user. So a caller
 * who may write any asset signs a write on someone else's asset as the organization (the DAPP's
 * default identity, which names no user and which the chaincode lets act for the whole org),
 * and the app-api's audit trail says who asked.
 */
function signsAsOrganization(principal: Principal, ownerId: string | null | undefined): boolean {
  return (
    mayWriteAny(principal) &&
    (principal.fabricIdentity?.startsWith('user:') ?? false) &&
    ownerId !== principal.username
  );
}

/**
 * A caller who may only write their own assets (members) must own this one. The mirror says who
 * owns it, but the mirror may be behind the ledger and a queued request runs later, so the owner
 * checked here is also sent to the chaincode (its `expectedOwnerId` argument), which refuses the
 * write with OWNER_MISMATCH if the ledger's owner is someone else by then. Returns that owner, or
 * "" for callers who may write any asset (the chaincode then checks only the organization), and
 * whether the write is signed as the organization (signsAsOrganization).
 */
async function authorizedOwner(
  deps: RouteDependencies,
  principal: Principal,
  assetId: string,
): Promise<{ expectedOwnerId: string; signAsOrganization: boolean }> {
  if (mayWriteAny(principal)) {
    const owner = principal.fabricIdentity?.startsWith('user:')
      ? (await deps.mirror.getAsset(assetId))?.owner.ownerId
      : undefined;
    return { expectedOwnerId: '', signAsOrganization: signsAsOrganization(principal, owner) };
  }
  const asset = await deps.mirror.getAsset(assetId);
  if (!asset) {
    throw new ApiError(
      404,
      'ASSET_NOT_FOUND',
      `asset ${assetId} is not in the mirror (a just-created asset appears once its block is mirrored)`,
    );
  }
  if (asset.owner.ownerId !== principal.username) {
    throw new ApiError(403, 'NOT_ASSET_OWNER', `asset ${assetId} belongs to another owner`);
  }
  return { expectedOwnerId: asset.owner.ownerId, signAsOrganization: false };
}

/** `attr=color:red&attr=size:20` as {color: 'red', size: '20'}; the validator checked the shape. */
function attrFilter(request: Request): Record<string, string> | undefined {
  const raw = request.query.attr as unknown;
  const values = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  const pairs = values
    .filter((value): value is string => typeof value === 'string')
    .map((value) => {
      const colon = value.indexOf(':');
      return [value.slice(0, colon), value.slice(colon + 1)] as const;
    });
  return pairs.length > 0 ? Object.fromEntries(pairs) : undefined;
}

export function assetRoutes(deps: RouteDependencies): Router {
  const router = Router();

  router.get('/v1/assets', async (request, response) => {
    const mirror = await freshRead(deps, request, response);
    const { sort, descending } = sortOf<AssetSort>(request, '-updatedAt');
    const limit = pageSize(request);
    const page = await deps.mirror.listAssets({
      ownerMsp: queryText(request, 'ownerMsp'),
      ownerId: queryText(request, 'ownerId'),
      type: queryText(request, 'type'),
      status: queryText(request, 'status'),
      idPrefix: queryText(request, 'idPrefix'),
      attributes: attrFilter(request),
      updatedAfter: queryText(request, 'updatedAfter'),
      updatedBefore: queryText(request, 'updatedBefore'),
      sort,
      descending,
      limit,
      cursor: queryText(request, 'cursor'),
    });
    response.json({ items: page.items, page: { limit, nextCursor: page.nextCursor }, mirror });
  });

  router.get('/v1/assets/:assetId', async (request, response) => {
    const mirror = await freshRead(deps, request, response);
    const { assetId } = paramsOf(request, AssetParams);
    const asset = await deps.mirror.getAsset(assetId);
    if (!asset) {
      throw new ApiError(404, 'ASSET_NOT_FOUND', `no asset ${assetId} in the mirror`, { mirror });
    }
    const historyLimit = queryNumber(request, 'historyLimit') ?? 10;
    const history =
      historyLimit > 0
        ? (await deps.mirror.assetHistory(assetId, { limit: historyLimit })).items
        : [];
    response.json({ asset, history, mirror });
  });

  router.get('/v1/assets/:assetId/history', async (request, response) => {
    const mirror = await freshRead(deps, request, response);
    const limit = pageSize(request);
    const page = await deps.mirror.assetHistory(paramsOf(request, AssetParams).assetId, {
      limit,
      cursor: queryText(request, 'cursor'),
    });
    response.json({ items: page.items, page: { limit, nextCursor: page.nextCursor }, mirror });
  });

  router.post('/v1/assets', async (request: Request, response: Response) => {
    const principal = callerOf(response);
    const body = bodyOf(request, NewAsset);
    const ownerId = body.ownerId ?? principal.username;
    if (ownerId !== principal.username && !mayWriteAny(principal)) {
      throw new ApiError(
        403,
        'NOT_ASSET_OWNER',
        'without assets:write:any an asset can only be created for oneself',
        { problems: [{ field: 'body.ownerId', message: 'must be your own user name' }] },
      );
    }
    await relayWrite(deps, request, response, {
      signAsOrganization: signsAsOrganization(principal, ownerId),
      action: 'createAsset',
      function: 'AssetContract:CreateAsset',
      args: [body.id, body.type, ownerId, JSON.stringify(body.attributes)],
      transient: body.privateDetails ? { privateDetails: body.privateDetails } : undefined,
      target: body.id,
      key: `asset:${body.id}`,
      created: true,
    });
  });

  router.put('/v1/assets/:assetId', async (request, response) => {
    const principal = callerOf(response);
    const { assetId } = paramsOf(request, AssetParams);
    const body = bodyOf(request, AssetUpdate);
    const { expectedOwnerId, signAsOrganization } = await authorizedOwner(deps, principal, assetId);
    await relayWrite(deps, request, response, {
      signAsOrganization,
      action: 'updateAsset',
      function: 'AssetContract:UpdateAsset',
      args: [assetId, JSON.stringify(body.attributes), body.status, expectedOwnerId],
      transient: body.privateDetails ? { privateDetails: body.privateDetails } : undefined,
      target: assetId,
      key: `asset:${assetId}`,
      created: false,
    });
  });

  router.post('/v1/assets/:assetId/transfer', async (request, response) => {
    const principal = callerOf(response);
    const { assetId } = paramsOf(request, AssetParams);
    const body = bodyOf(request, AssetTransfer);
    const { expectedOwnerId, signAsOrganization } = await authorizedOwner(deps, principal, assetId);
    await relayWrite(deps, request, response, {
      signAsOrganization,
      action: 'transferAsset',
      function: 'AssetContract:TransferAsset',
      args: [assetId, body.newOwnerMspId, body.newOwnerId, expectedOwnerId],
      target: assetId,
      key: `asset:${assetId}`,
      created: false,
    });
  });

  return router;
}
