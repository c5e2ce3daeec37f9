// SPDX-License-Identifier: Apache-2.0
import {
  Freshness,
  MirrorWait,
  mirrorReadFailures,
  page,
  pagingQuery,
  readQuery,
  waitQuery,
} from './common';
import {
  answer,
  CORRELATION_ID,
  failures,
  identifier,
  jsonObject,
  operation,
  REQUEST_ID,
  z,
} from './kit';
import type { OpenAPIRegistry } from './kit';

const RequestStatus = z
  .object({
    requestId: z.string().optional(),
    action: z.string().optional(),
    username: z.string().optional().openapi({ description: 'Who made the request' }),
    status: z.enum(['queued', 'submitted', 'unknown', 'committed', 'failed']).optional().openapi({
      description: 'committed and failed are final; unknown is settled from the ledger',
    }),
    txId: z.string().optional(),
    blockNumber: z.number().int().optional(),
    validationCode: z.string().optional(),
    result: z.unknown().optional(),
    reason: jsonObject().optional(),
    mirror: MirrorWait.optional(),
  })
  .openapi('RequestStatus');

const Transaction = z
  .object({
    txId: z.string().optional(),
    blockNumber: z.number().int().optional(),
    txIndex: z.number().int().optional(),
    type: z.string().optional(),
    timestamp: z.string().nullable().optional(),
    creatorMsp: z.string().nullable().optional(),
    chaincode: z.string().nullable().optional(),
    function: z.string().nullable().optional(),
    validationCode: z.number().int().optional(),
    validationName: z.string().optional(),
    valid: z.boolean().optional(),
    correlationId: z.string().nullable().optional(),
    blockHash: z.string().optional(),
    events: z.array(z.string()).optional(),
  })
  .openapi('Transaction');

export const RequestParams = z.object({
  requestId: z
    .string()
    .regex(REQUEST_ID)
    .openapi({ description: 'The request id a write answered' }),
});

const TransactionsQuery = z.object({
  txId: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional()
    .openapi({ description: 'One transaction' }),
  function: z.string().max(256).optional().openapi({
    description: 'Chaincode function, e.g. `AssetContract:CreateAsset`',
  }),
  creatorMsp: identifier('Submitting organization').optional(),
  valid: z.boolean().optional().openapi({ description: 'Only valid (or invalid) transactions' }),
  correlationId: z.string().regex(CORRELATION_ID).optional().openapi({
    description: 'Transactions of this correlation id (from the ledger, or as relayed by this API)',
  }),
  fromBlock: z.number().int().min(0).optional().openapi({ description: 'From this block' }),
  toBlock: z.number().int().min(0).optional().openapi({ description: 'Up to this block' }),
  ...pagingQuery,
  ...readQuery,
});

/** Write requests, mirrored transactions and the mirror's position. */
export function ledgerOperations(registry: OpenAPIRegistry): void {
  operation(registry, {
    method: 'get',
    path: '/v1/requests/{requestId}',
    operationId: 'getRequest',
    summary: 'Status of a write request (async writes); optionally wait for the mirror',
    tag: 'ledger',
    permission: 'requests:read',
    request: { params: RequestParams, query: z.object(waitQuery) },
    responses: {
      '200': answer('The request', RequestStatus),
      ...failures(
        {},
        {
          404: 'No such request (or not the caller’s)',
          502: 'The DAPP failed',
          503: 'The DAPP could not be reached',
          504: 'The DAPP did not answer in time',
        },
      ),
    },
  });
  operation(registry, {
    method: 'get',
    path: '/v1/transactions',
    operationId: 'listTransactions',
    summary: 'Mirrored ledger transactions, newest first',
    tag: 'ledger',
    permission: 'transactions:read',
    request: { query: TransactionsQuery },
    responses: {
      '200': answer('A page of transactions', page('TransactionPage', Transaction)),
      ...mirrorReadFailures(),
    },
  });
  operation(registry, {
    method: 'get',
    path: '/v1/mirror/status',
    operationId: 'getMirrorStatus',
    summary: 'How far the mirror has synced on the served channel',
    tag: 'ledger',
    permission: 'mirror:read',
    responses: { '200': answer('The mirror', Freshness), ...failures({}) },
  });
}
