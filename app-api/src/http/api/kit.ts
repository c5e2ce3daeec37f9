// SPDX-License-Identifier: Apache-2.0
import type { ResponseConfig, RouteConfig, ZodRequestBody } from '@asteasolutions/zod-to-openapi';
import { extendZodWithOpenApi, OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import {
  errorEnvelope,
  failureAnswers,
  jsonAnswer,
  jsonBody,
  jsonContent,
} from '@consortia/common';
import { z } from 'zod';

import type { Permission } from '../../auth/permissions';

// `.openapi(...)` on every zod schema: names components and adds what zod cannot say
// (formats, uniqueItems, parameter styles).
extendZodWithOpenApi(z);

export { z };
export { OpenAPIRegistry };

export const Freshness = z
  .object({
    channel: z.string().optional(),
    syncedBlock: z.number().int().optional().openapi({ description: '-1 before the first block' }),
    lastBlockHash: z.string().nullable().optional(),
    lastBlockTimestamp: z.string().nullable().optional(),
    syncedAt: z.string().nullable().optional(),
  })
  .openapi('Freshness', { description: 'How fresh a read is: the last block the mirror applied' });

/** The one error envelope every refusal uses (built by the error handler). */
export const ErrorSchema = errorEnvelope({
  problems: z
    .array(z.object({ field: z.string().optional(), message: z.string().optional() }))
    .optional(),
  field: z.string().optional().openapi({ description: 'The argument the chaincode refused' }),
  chaincode: z
    .record(z.string(), z.unknown())
    .optional()
    .openapi({ description: 'The chaincode’s own error' }),
  source: z.string().optional().openapi({ description: '`dapp` when the DAPP refused' }),
  cause: z
    .string()
    .optional()
    .openapi({ description: 'Why the DAPP could not be reached (e.g. `ECONNREFUSED`)' }),
  reason: z
    .record(z.string(), z.unknown())
    .optional()
    .openapi({ description: 'Why the earlier request with this id failed' }),
  permission: z.string().optional().openapi({ description: 'The permission the role lacks' }),
  limiter: z
    .enum(['ip', 'login', 'user'])
    .optional()
    .openapi({ description: 'Which rate limit refused the request' }),
  retryAfterSeconds: z.number().int().optional(),
  mirror: Freshness.optional().openapi({
    description: 'The mirror’s position (`MIRROR_BEHIND`, or not found in the mirror)',
  }),
}).openapi('Error');

export const json = (schema: z.ZodType) => jsonContent(schema);

export const answer = (description: string, schema?: z.ZodType): ResponseConfig =>
  jsonAnswer(description, schema);

/** A required JSON request body. */
export const body = (schema: z.ZodType): ZodRequestBody => jsonBody(schema);

/**
 * What each status means when nothing more specific is said. Answers the middleware gives any
 * operation (a body that is not JSON, too large or not UTF-8; the per-address limit; a fault)
 * are in every operation: see {@link failures}.
 */
const FAILURE = {
  400: 'Invalid input; `error.problems` names each field',
  401: 'Not authenticated, or the token expired, was tampered with or its session ended',
  403: 'The role lacks the permission',
  404: 'Not found',
  409: 'Conflict',
  413: 'The request body is too large',
  415: 'The request body is not UTF-8 JSON',
  422: 'The chaincode refused the change (e.g. `INSUFFICIENT_FUNDS`)',
  423: 'The account is locked after repeated failures; see `Retry-After`',
  429: 'Too many requests; see `Retry-After`',
  500: 'The app-api failed (a database could not be reached, or the answer did not match this document)',
  502: 'The DAPP or the Fabric network failed',
  503: 'The DAPP (or the peers behind it) could not be reached',
  504: 'The DAPP, or the mirror (`minBlock`: `MIRROR_BEHIND`), did not answer in time',
} as const;

export type FailureStatus = keyof typeof FAILURE;

/**
 * Error answers of an operation: the ones every operation can give (400, 413, 415, 429, 500),
 * those of authentication (401, 403) unless public, and `extra` (a status, or a status with a
 * description specific to the operation).
 */
export function failures(
  options: { public?: boolean },
  extra: Partial<Record<FailureStatus, string | true>> = {},
): Record<string, ResponseConfig> {
  const always: FailureStatus[] = [400, 413, 415, 429, 500];
  const authenticated: FailureStatus[] = options.public ? [] : [401, 403];
  return failureAnswers(FAILURE, [...always, ...authenticated], extra, ErrorSchema);
}

export interface OperationSpec extends Omit<RouteConfig, 'operationId' | 'tags' | 'summary'> {
  operationId: string;
  summary: string;
  tag: string;
  /** The permission a caller's roles must grant; omitted only for public operations. */
  permission?: Permission;
}

/** Adds one operation: an `x-permission`, or `security: []` for a public one. */
export function operation(registry: OpenAPIRegistry, spec: OperationSpec): void {
  const { permission, tag, ...route } = spec;
  registry.registerPath({
    ...route,
    tags: [tag],
    ...(permission === undefined ? { security: [] } : { 'x-permission': permission }),
  });
}

// Shared field schemas.

export const IDENTIFIER = /^[A-Za-z0-9][A-Za-z0-9._:@-]*$/;
export const USERNAME = /^[a-z0-9][a-z0-9._-]{2,63}$/;
export const ACCOUNT = /^[0-9a-f]{64}$/;
export const REQUEST_ID = /^[A-Za-z0-9._:@-]{1,128}$/;
export const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;
export const STATUS = /^[A-Z][A-Z0-9_]{0,31}$/;

export const identifier = (description: string) =>
  z.string().min(1).max(128).regex(IDENTIFIER).openapi({ description });

export const amount = (description: string) =>
  z
    .string()
    .max(120)
    .regex(/^(0|[1-9][0-9]*)(\.[0-9]+)?$/)
    .openapi({ description });

/** An ISO 8601 time, as the validator's `date-time` format checks it. */
export const dateTime = (description: string) =>
  z.string().openapi({ format: 'date-time', description });

export const accountId = (description: string) =>
  z.string().regex(ACCOUNT).openapi({ description });

/** A free-form JSON object (attributes, private details). */
export const jsonObject = (description?: string) =>
  z.record(z.string(), z.unknown()).openapi(description ? { description } : {});
