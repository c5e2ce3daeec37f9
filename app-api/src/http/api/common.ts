// SPDX-License-Identifier: Apache-2.0
import type { ResponseConfig } from '@asteasolutions/zod-to-openapi';

import { answer, failures, Freshness, REQUEST_ID, z } from './kit';

export { Freshness };

// Query parameters several operations take. Each is optional; the validator coerces it to the
// declared type before a route reads it.

export const pagingQuery = {
  limit: z
    .number()
    .int()
    .min(1)
    .max(200)
    .default(50)
    .optional()
    .openapi({ description: 'Page size' }),
  cursor: z
    .string()
    .min(1)
    .max(1024)
    .regex(/^[A-Za-z0-9_-]+$/)
    .optional()
    .openapi({ description: 'The previous page’s `page.nextCursor`' }),
};

const waitTimeoutMs = z
  .number()
  .int()
  .min(0)
  .max(60000)
  .optional()
  .openapi({ description: 'How long to wait for the mirror (default APP_API_WAIT_TIMEOUT_MS)' });

/** Reads from the mirror: read your own write by waiting for its block. */
export const readQuery = {
  minBlock: z.number().int().min(0).optional().openapi({
    description:
      'Wait (up to `waitTimeoutMs`) until the mirror has this block: read your own write',
  }),
  waitTimeoutMs,
};

export const waitQuery = {
  wait: z.boolean().default(false).optional().openapi({
    description: 'Answer only once the mirror has the committed block (or the wait times out)',
  }),
  waitTimeoutMs,
};

/** Writes relayed to the DAPP. */
export const writeQuery = {
  mode: z.enum(['sync', 'async']).default('sync').optional().openapi({
    description: '`sync`: answer when committed; `async`: answer 202 once the DAPP queued it',
  }),
  ...waitQuery,
};

export const idempotencyHeader = z.object({
  'Idempotency-Key': z.string().regex(REQUEST_ID).optional().openapi({
    description:
      'Becomes the request id: the chaincode refuses a second transaction with it (`409 DUPLICATE_REQUEST`)',
  }),
});

export const PageInfo = z
  .object({
    limit: z.number().int().optional(),
    nextCursor: z.string().nullable().optional().openapi({ description: 'null on the last page' }),
  })
  .openapi('PageInfo');

/** A page of mirrored items, with the mirror's position. */
export const page = (name: string, item: z.ZodType) =>
  z.object({ items: z.array(item), page: PageInfo, mirror: Freshness }).openapi(name);

export const MirrorWait = z
  .object({
    waited: z.boolean().optional(),
    reached: z.boolean().optional(),
    syncedBlock: z.number().int().optional(),
  })
  .openapi('MirrorWait', { description: 'Whether the mirror has the block of this write' });

export const CommittedWrite = z
  .object({
    requestId: z.string().optional(),
    status: z.enum(['committed']).optional(),
    txId: z.string().optional(),
    validationCode: z.string().optional(),
    blockNumber: z.number().int().optional(),
    result: z.unknown().optional().openapi({ description: 'What the chaincode function returned' }),
    replayed: z.boolean().optional().openapi({
      description: 'true: a retried Idempotency-Key, answered with the first outcome',
    }),
    mirror: MirrorWait.optional(),
  })
  .openapi('CommittedWrite');

export const AcceptedWrite = z
  .object({
    requestId: z.string().optional(),
    status: z.enum(['queued', 'unknown']).optional(),
    txId: z
      .string()
      .optional()
      .openapi({ description: 'With unknown: the transaction that may commit' }),
    statusUrl: z.string().optional(),
  })
  .openapi('AcceptedWrite', {
    description:
      'queued: accepted into the queue (async); unknown: sent to the orderer without a ' +
      'verdict yet (it may still commit; follow statusUrl)',
  });

/**
 * Answers of a write relayed to the DAPP: committed (201 for a creation), accepted (202), and
 * the refusals of the app-api, the DAPP and the chaincode, whose status the app-api keeps.
 */
export function writeResponses(
  created: boolean,
  notFound = 'The asset or account does not exist',
): Record<string, ResponseConfig> {
  return {
    [created ? '201' : '200']: answer(
      'Committed on the ledger (sync); `mirror` says whether the mirror has it yet',
      CommittedWrite,
    ),
    '202': answer(
      'Queued by the DAPP (async), or sent with its outcome unknown (sync); poll `statusUrl`',
      AcceptedWrite,
    ),
    ...failures(
      {},
      {
        400: 'Invalid input, or the chaincode refused an argument (`error.field`)',
        403: 'The role lacks the permission, or the caller does not own the asset',
        404: notFound,
        409: 'Already exists, or the idempotency key was used before',
        422: true,
        502: true,
        503: true,
        504: 'The DAPP did not answer in time',
      },
    ),
  };
}

/** Failures of a read from the mirror; `minBlock` may time out (504 MIRROR_BEHIND). */
export const mirrorReadFailures = (extra: Parameters<typeof failures>[1] = {}) =>
  failures({}, { 504: '`minBlock` was not reached in time (`MIRROR_BEHIND`)', ...extra });
