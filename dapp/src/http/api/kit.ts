// SPDX-License-Identifier: Apache-2.0
import type { ResponseConfig } from '@asteasolutions/zod-to-openapi';
import { extendZodWithOpenApi, OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { errorEnvelope, failureAnswers, jsonAnswer, jsonBody } from '@consortia/common';
import { z } from 'zod';

// `.openapi(...)` on every zod schema: names components and adds what zod cannot say.
extendZodWithOpenApi(z);

export { OpenAPIRegistry, z };

/** A request's status as its caller sees it (GET /v1/requests/{id}, and inside a 409). */
export const RequestStatus = z
  .object({
    requestId: z.string().openapi({ description: "The caller's own request id" }),
    mode: z.enum(['sync', 'async']),
    status: z.enum(['queued', 'submitted', 'unknown', 'committed', 'failed']),
    channel: z.string(),
    chaincode: z.string(),
    function: z.string().openapi({ description: '`Contract:Function`' }),
    identity: z.string().optional().openapi({ description: 'The Fabric identity it is signed by' }),
    partitionKey: z
      .string()
      .optional()
      .openapi({ description: 'Requests with the same key are submitted in order' }),
    correlationId: z.string().optional(),
    txId: z.string().optional(),
    validationCode: z.string().optional(),
    blockNumber: z.number().int().min(0).optional(),
    result: z.unknown().optional().openapi({ description: 'What the chaincode function returned' }),
    reason: z
      .record(z.string(), z.unknown())
      .optional()
      .openapi({ description: 'Why it failed, or why its outcome is not known yet' }),
    attempts: z.number().int(),
    attemptTxIds: z
      .array(z.string())
      .openapi({ description: 'The transaction id of every attempt sent, in order' }),
    lastSentAt: z.string().optional(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('RequestStatus', {
    description:
      'queued, submitted, unknown (the ledger will tell), committed or failed (the last two are final)',
  });

/** The one error envelope of every refusal and failure (built by the error handler). */
export const ErrorSchema = errorEnvelope({
  problems: z
    .array(z.string())
    .optional()
    .openapi({ description: 'Each thing wrong with the request' }),
  details: z
    .array(z.record(z.string(), z.unknown()))
    .optional()
    .openapi({ description: "Each endorsing peer's (or orderer's) message" }),
  chaincode: z
    .record(z.string(), z.unknown())
    .optional()
    .openapi({ description: "The chaincode's own JSON error" }),
  txId: z.string().optional(),
  validationCode: z.string().optional(),
  originalTxId: z
    .string()
    .optional()
    .openapi({ description: 'The transaction that used this request id first' }),
  // The earlier request under this id (409).
  request: RequestStatus.optional(),
  channels: z.array(z.string()).optional().openapi({ description: 'The channels served' }),
  chaincodes: z.array(z.string()).optional().openapi({ description: 'The chaincodes served' }),
}).openapi('Error');

// A JSON answer (or one without a body) and a required JSON body, around a zod schema.
export { jsonAnswer as answer, jsonBody as body };

/** What each status means when an operation says nothing more specific. */
const FAILURE = {
  400: 'The request is invalid (`INVALID_REQUEST`, `INVALID_JSON`; `error.problems` names each problem)',
  401: 'No valid API key (`x-api-key` or `Authorization: Bearer`) nor client certificate',
  403: 'The caller may not use this Fabric identity (`IDENTITY_FORBIDDEN`; an identity that does not exist gets the same answer), or a peer refused it (`ACCESS_DENIED`), or the chaincode did (`FORBIDDEN`)',
  404: 'Not found',
  409: 'Conflict',
  413: 'The request body is larger than 1 MB (`BODY_TOO_LARGE`)',
  415: 'The request body is not UTF-8 JSON (`UNSUPPORTED_ENCODING`)',
  422: 'The chaincode refused the change (e.g. `INSUFFICIENT_FUNDS`)',
  429: 'Too many failed API key checks from this address (or from all), or too many at once: `TOO_MANY_ATTEMPTS`; retry after `Retry-After` seconds',
  500: 'The DAPP failed (`INTERNAL`), or its answer did not match this document (`RESPONSE_INVALID`)',
  502: 'The peers or the orderer failed (e.g. `ENDORSEMENT_FAILED`)',
  503: 'Fabric, Kafka or Postgres could not be reached, or the DAPP is not set up for this (e.g. `QUEUE_DISABLED`)',
  504: 'Fabric did not answer in time',
} as const;

export type FailureStatus = keyof typeof FAILURE;

const RETRY_AFTER = z.object({
  'Retry-After': z.string().openapi({ description: 'Seconds to wait' }),
});

/**
 * Error answers of an operation: those every /v1 operation can give (a body that is not JSON,
 * too large or not UTF-8; no valid key; too many key checks; a failure), and `extra` (a status,
 * or a status with a description specific to the operation).
 */
export function failures(
  extra: Partial<Record<FailureStatus, string | true>> = {},
): Record<string, ResponseConfig> {
  const answers: Record<string, ResponseConfig> = failureAnswers(
    FAILURE,
    [400, 401, 413, 415, 429, 500],
    extra,
    ErrorSchema,
  );
  const tooMany = answers['429'];
  if (tooMany) answers['429'] = { ...tooMany, headers: RETRY_AFTER };
  return answers;
}

export const pathParameter = (description: string) => z.string().min(1).openapi({ description });

export const IDENTITY_HEADER = 'x-fabric-identity';

/** The signing identity header of the channel operations. */
export const identityHeader = z.object({
  [IDENTITY_HEADER]: z.string().optional().openapi({
    description:
      'Name of the signing identity to use (default: `default`); it must be one the API key (or client certificate) is allowed',
  }),
});
