// SPDX-License-Identifier: Apache-2.0
import {
  idempotencyHeader,
  mirrorReadFailures,
  page,
  pagingQuery,
  readQuery,
  writeQuery,
  writeResponses,
  Freshness,
} from './common';
import {
  answer,
  body,
  dateTime,
  IDENTIFIER,
  identifier,
  jsonObject,
  operation,
  STATUS,
  z,
} from './kit';
import type { OpenAPIRegistry } from './kit';

export const Asset = z
  .object({
    id: z.string().optional(),
    type: z.string().optional(),
    owner: z.object({ mspId: z.string().optional(), ownerId: z.string().optional() }).optional(),
    status: z.string().optional(),
    attributes: jsonObject().optional(),
    privateDetailsHash: z.string().optional(),
    createdAt: z.string().optional(),
    updatedAt: z.string().optional(),
    blockNumber: z.number().int().optional().openapi({ description: 'Block of the last change' }),
    txId: z.string().optional().openapi({ description: 'Transaction of the last change' }),
  })
  .openapi('Asset');

const AssetHistoryEntry = z
  .object({
    txId: z.string().optional(),
    blockNumber: z.number().int().optional(),
    txIndex: z.number().int().optional(),
    timestamp: z.string().nullable().optional(),
    function: z.string().nullable().optional(),
    creatorMsp: z.string().nullable().optional(),
    correlationId: z.string().nullable().optional(),
    isDelete: z.boolean().optional(),
    asset: jsonObject('The version written').nullable().optional(),
  })
  .openapi('AssetHistoryEntry');

const AssetAnswer = z
  .object({
    asset: Asset.optional(),
    history: z.array(AssetHistoryEntry).optional(),
    mirror: Freshness.optional(),
  })
  .openapi('AssetAnswer');

const details = jsonObject(
  'Kept in the owner organization’s implicit private collection; only its hash is public',
).openapi({ maxProperties: 100 });

export const NewAsset = z
  .strictObject({
    id: identifier('Unique asset id'),
    type: identifier('Asset type, e.g. `container`'),
    ownerId: identifier(
      'Owner within the organization (default: the caller’s user name)',
    ).optional(),
    attributes: jsonObject('Public attributes').openapi({ maxProperties: 100 }),
    privateDetails: details.optional(),
  })
  .openapi('NewAsset');

export const AssetUpdate = z
  .strictObject({
    attributes: jsonObject().openapi({ maxProperties: 100 }),
    status: z.string().regex(STATUS),
    privateDetails: details.optional(),
  })
  .openapi('AssetUpdate');

export const AssetTransfer = z
  .strictObject({
    newOwnerMspId: identifier('MSP id of the receiving organization'),
    newOwnerId: identifier('Owner within the receiving organization'),
  })
  .openapi('AssetTransfer');

export const AssetParams = z.object({ assetId: identifier('Asset id') });

const ASSET_SORTS = [
  'id',
  '-id',
  'updatedAt',
  '-updatedAt',
  'createdAt',
  '-createdAt',
  'blockNumber',
  '-blockNumber',
] as const;

const AssetsQuery = z.object({
  ownerMsp: identifier('Owner organization').optional(),
  ownerId: identifier('Owner within the organization').optional(),
  type: identifier('Asset type').optional(),
  status: z.string().regex(STATUS).optional().openapi({ description: 'Asset status' }),
  idPrefix: z
    .string()
    .min(1)
    .max(128)
    .regex(IDENTIFIER)
    .optional()
    .openapi({ description: 'Asset ids starting with this' }),
  // A list of strings, not a deepObject: an object parameter with free-form properties would
  // stop the validator from refusing unknown query parameters.
  attr: z
    .array(
      z
        .string()
        .max(321)
        .regex(/^[A-Za-z0-9_.-]{1,64}:/),
    )
    .max(10)
    .optional()
    .openapi({
      description:
        'Public attributes to match, as `name:value`, repeatable: `attr=color:red&attr=size:20` (compared as text)',
      param: { style: 'form', explode: true, allowReserved: true },
    }),
  updatedAfter: dateTime('Updated after this time').optional(),
  updatedBefore: dateTime('Updated before this time').optional(),
  sort: z
    .enum(ASSET_SORTS)
    .default('-updatedAt')
    .optional()
    .openapi({ description: 'Sort key; `-` for descending' }),
  ...pagingQuery,
  ...readQuery,
});

const AssetQuery = z.object({
  historyLimit: z.number().int().min(0).max(100).default(10).optional().openapi({
    description: 'How many of the newest history entries to include',
  }),
  ...readQuery,
});

export function assetOperations(registry: OpenAPIRegistry): void {
  operation(registry, {
    method: 'get',
    path: '/v1/assets',
    operationId: 'listAssets',
    summary: 'List and search assets (from the mirror)',
    tag: 'assets',
    permission: 'assets:read',
    request: { query: AssetsQuery },
    responses: {
      '200': answer('A page of assets', page('AssetPage', Asset)),
      ...mirrorReadFailures(),
    },
  });
  operation(registry, {
    method: 'post',
    path: '/v1/assets',
    operationId: 'createAsset',
    summary: 'Create an asset (AssetContract:CreateAsset through the DAPP)',
    description:
      'Members create assets they own (`ownerId` is their user name); operators and admins may name any owner.',
    tag: 'assets',
    permission: 'assets:write',
    request: { query: z.object(writeQuery), headers: idempotencyHeader, body: body(NewAsset) },
    responses: writeResponses(true),
  });
  operation(registry, {
    method: 'get',
    path: '/v1/assets/{assetId}',
    operationId: 'getAsset',
    summary: 'One asset with its latest changes (from the mirror)',
    tag: 'assets',
    permission: 'assets:read',
    request: { params: AssetParams, query: AssetQuery },
    responses: {
      '200': answer('The asset', AssetAnswer),
      ...mirrorReadFailures({
        404: 'Not in the mirror (yet: pass `minBlock` to wait for a write)',
      }),
    },
  });
  operation(registry, {
    method: 'put',
    path: '/v1/assets/{assetId}',
    operationId: 'updateAsset',
    summary: 'Replace the attributes and status (AssetContract:UpdateAsset)',
    tag: 'assets',
    permission: 'assets:write',
    request: {
      params: AssetParams,
      query: z.object(writeQuery),
      headers: idempotencyHeader,
      body: body(AssetUpdate),
    },
    responses: writeResponses(false),
  });
  operation(registry, {
    method: 'get',
    path: '/v1/assets/{assetId}/history',
    operationId: 'getAssetHistory',
    summary: 'Every committed version of an asset, newest first (from the mirror)',
    tag: 'assets',
    permission: 'assets:read',
    request: { params: AssetParams, query: z.object({ ...pagingQuery, ...readQuery }) },
    responses: {
      '200': answer('A page of history entries', page('AssetHistoryPage', AssetHistoryEntry)),
      ...mirrorReadFailures(),
    },
  });
  operation(registry, {
    method: 'post',
    path: '/v1/assets/{assetId}/transfer',
    operationId: 'transferAsset',
    summary: 'Give an asset to another owner (AssetContract:TransferAsset)',
    tag: 'assets',
    permission: 'assets:write',
    request: {
      params: AssetParams,
      query: z.object(writeQuery),
      headers: idempotencyHeader,
      body: body(AssetTransfer),
    },
    responses: writeResponses(false),
  });
}
