// SPDX-License-Identifier: Apache-2.0
import type { OpenAPIRegistry } from './kit';
import { answer, body, failures, identityHeader, pathParameter, z } from './kit';

// Requests to a chaincode and their answers. The bodies here are the envelope every chaincode
// shares; the document served by a running DAPP narrows `function` and `args` to each contract's
// functions and parameters (./contracts.ts).

export const REQUEST_ID = /^[A-Za-z0-9._:@-]{1,128}$/;

/** Transient fields the DAPP sets itself. */
export const RESERVED_TRANSIENT = ['requestId', 'correlationId'];

export const FunctionName = z.string().min(1).max(256).openapi('FunctionName', {
  description: '`Contract:Function`, or a function of the default contract',
});

/**
 * Positional or named arguments; inline in each request (as a named component, zod-to-openapi
 * would describe its second use as nullable).
 */
export const optionalArguments = () =>
  z
    .unknown()
    .openapi({
      type: ['array', 'object'],
      description:
        'Positional arguments, or an object keyed by parameter name; strings pass as they are, other JSON values as JSON text',
    })
    .optional();

// `propertyNames` is JSON Schema the zod-to-openapi metadata type does not list.
const transientNames = {
  description: 'Transient fields (private data); strings as they are, other values as JSON',
  propertyNames: { not: { enum: RESERVED_TRANSIENT } },
};

export const Transient = z.record(z.string(), z.unknown()).openapi('Transient', transientNames);

/** What a transaction request adds to a query: its id, mode and ordering key. */
export const submitFields = {
  requestId: z.string().regex(REQUEST_ID).optional().openapi({
    description: 'Client request id; the chaincode refuses a second transaction with it',
  }),
  mode: z.enum(['sync', 'async']).default('sync').optional(),
  key: z.string().min(1).max(256).optional().openapi({
    description: 'async: requests with the same key are submitted in order',
  }),
};

export const TransactionRequest = z
  .strictObject({
    function: FunctionName,
    args: optionalArguments(),
    transient: Transient.optional(),
    ...submitFields,
  })
  .openapi('TransactionRequest');

export const QueryRequest = z
  .strictObject({
    function: FunctionName,
    args: optionalArguments(),
    transient: Transient.optional(),
  })
  .openapi('QueryRequest');

export const CommittedTransaction = z
  .object({
    requestId: z.string(),
    status: z.literal('committed'),
    txId: z.string(),
    validationCode: z.string(),
    blockNumber: z.number().int().min(0),
    result: z.unknown().optional().openapi({ description: 'What the chaincode function returned' }),
  })
  .openapi('CommittedTransaction');

export const AcceptedRequest = z
  .object({
    requestId: z.string(),
    status: z.enum(['queued', 'unknown']),
    txId: z.string().optional().openapi({
      description: 'With `unknown`: the transaction sent last, which may still commit',
    }),
    statusUrl: z.string(),
  })
  .openapi('AcceptedRequest');

export const QueryResult = z
  .object({ result: z.unknown().optional().openapi({ description: 'The function result' }) })
  .openapi('QueryResult');

export const chaincodePath = z.object({
  channel: pathParameter('Channel name'),
  chaincode: pathParameter('Chaincode name'),
});

export const TRANSACTIONS_PATH = '/v1/channels/{channel}/chaincodes/{chaincode}/transactions';
export const QUERIES_PATH = '/v1/channels/{channel}/chaincodes/{chaincode}/queries';

/** The answers of a transaction; the same for every chaincode. */
export const transactionResponses = {
  '200': answer('Committed (sync)', CommittedTransaction),
  '202': answer(
    'Queued in Kafka (async), or sent with its outcome unknown (sync: status `unknown`; follow statusUrl, the ledger settles it)',
    AcceptedRequest,
  ),
  ...failures({
    400: 'The request is invalid: not this document (`INVALID_REQUEST`), an unknown function (`UNKNOWN_FUNCTION`), wrong arguments (`INVALID_ARGUMENT`), a read-only function (`NOT_A_TRANSACTION`), or the chaincode refused an argument',
    403: true,
    404: 'The channel or chaincode is not served (`UNKNOWN_CHANNEL`, `UNKNOWN_CHAINCODE`), or the chaincode found nothing (`NOT_FOUND`)',
    409: 'The request id was used before by this caller: `DUPLICATE_REQUEST` (same request; `error.request` is its record) or `REQUEST_ID_CONFLICT` (another function, arguments, transient data or identity); or the chaincode refused (`ALREADY_EXISTS`, `OWNER_MISMATCH`, `NOT_INITIALIZED`)',
    422: true,
    502: true,
    503: 'Fabric, Kafka or Postgres could not be reached, or async requests are not set up (`QUEUE_DISABLED`, `TRANSIENT_STORE_DISABLED`)',
    504: true,
  }),
};

/** The answers of a query; the same for every chaincode. */
export const queryResponses = {
  '200': answer('The function result', QueryResult),
  ...failures({
    400: 'The request is invalid: not this document (`INVALID_REQUEST`), an unknown function (`UNKNOWN_FUNCTION`), wrong arguments (`INVALID_ARGUMENT`), or the chaincode refused an argument',
    403: true,
    404: 'The channel or chaincode is not served (`UNKNOWN_CHANNEL`, `UNKNOWN_CHAINCODE`), or the chaincode found nothing (`NOT_FOUND`)',
    409: 'The chaincode refused (e.g. `NOT_INITIALIZED`)',
    422: true,
    502: true,
    503: true,
    504: true,
  }),
};

export const SUBMIT_SUMMARY = 'Submit a transaction (sync: wait for the commit; async: queue it)';
export const QUERY_SUMMARY = 'Evaluate a function on a peer without ordering a transaction';

export function transactionOperations(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: 'post',
    path: TRANSACTIONS_PATH,
    operationId: 'submitTransaction',
    summary: SUBMIT_SUMMARY,
    request: { params: chaincodePath, headers: identityHeader, body: body(TransactionRequest) },
    responses: transactionResponses,
  });
  registry.registerPath({
    method: 'post',
    path: QUERIES_PATH,
    operationId: 'evaluateQuery',
    summary: QUERY_SUMMARY,
    request: { params: chaincodePath, headers: identityHeader, body: body(QueryRequest) },
    responses: queryResponses,
  });
}
