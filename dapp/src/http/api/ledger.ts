// SPDX-License-Identifier: Apache-2.0
import type { OpenAPIRegistry } from './kit';
import { answer, failures, pathParameter, RequestStatus, z } from './kit';

// Reading back: a request's status, and a transaction's commit status from the ledger.

export { RequestStatus };

export const TransactionStatus = z
  .object({
    channel: z.string(),
    txId: z.string(),
    validationCode: z.string(),
    valid: z.boolean(),
    blockNumber: z.number().int().min(0),
  })
  .openapi('TransactionStatus');

export const requestPath = z.object({ requestId: pathParameter("The caller's own request id") });

export const transactionPath = z.object({ txId: pathParameter('Transaction id') });

export const transactionQuery = z.object({
  channel: z.string().optional().openapi({ description: 'Channel (default: the configured one)' }),
});

export function ledgerOperations(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: 'get',
    path: '/v1/requests/{requestId}',
    operationId: 'getRequest',
    summary:
      'Status of a request: queued, submitted, unknown (the ledger will tell), committed or failed (the last two are final)',
    request: { params: requestPath },
    responses: {
      '200': answer('The request', RequestStatus),
      ...failures({
        404: '`REQUEST_NOT_FOUND`: the caller has no request with this id (requests of other callers are never found)',
        502: 'Settling an `unknown` request: the peers failed',
        503: 'Postgres or the peers could not be reached',
        504: 'Settling an `unknown` request: the peers did not answer in time',
      }),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/v1/transactions/{txId}',
    operationId: 'getTransaction',
    summary: "A transaction's commit status from the ledger (qscc)",
    request: { params: transactionPath, query: transactionQuery },
    responses: {
      '200': answer('Found', TransactionStatus),
      ...failures({
        403: 'A peer refused the DAPP’s identity (`ACCESS_DENIED`)',
        404: 'The channel is not served (`UNKNOWN_CHANNEL`), or has no such transaction (`TRANSACTION_NOT_FOUND`)',
        502: true,
        503: true,
        504: true,
      }),
    },
  });
}

/** The operations endpoints every service has; open, without a key. */
export function operationsEndpoints(registry: OpenAPIRegistry): void {
  const open = { security: [] };
  registry.registerPath({
    method: 'get',
    path: '/healthz',
    operationId: 'healthz',
    summary: 'Liveness',
    ...open,
    responses: { '200': answer('Alive') },
  });
  registry.registerPath({
    method: 'get',
    path: '/readyz',
    operationId: 'readyz',
    summary: 'Readiness: a peer, Kafka and Postgres answer',
    ...open,
    responses: { '200': answer('Ready'), '503': answer('Not ready') },
  });
  registry.registerPath({
    method: 'get',
    path: '/metrics',
    operationId: 'metrics',
    summary: 'Prometheus metrics',
    ...open,
    responses: { '200': answer('Metrics') },
  });
}
