// SPDX-License-Identifier: Apache-2.0
import type { ErrorAnswer, Logger } from '@consortia/common';
import {
  ApiError,
  apiErrorAnswer,
  bodyParserAnswer,
  errorAnswerOf,
  errorHandler as commonErrorHandler,
  internalErrorAnswer,
} from '@consortia/common';
import type { ErrorRequestHandler } from 'express';
import { ZodError } from 'zod';

import { CursorError } from '../mirror/cursor';
import { UnreachableError } from '../peers/operations';

// The one ApiError and error envelope of every service; this module maps the explorer's own
// errors onto it.
export { ApiError };

/** Postgres error classes that mean the server cannot be used right now. */
const UNAVAILABLE_SQLSTATE = /^(08|53|57P0)/;
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EAI_AGAIN',
]);

function sqlState(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  const code = error.code;
  return typeof code === 'string' ? code : undefined;
}

/** The status an express middleware (static files, body parser) attached to its error. */
function httpStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { status, statusCode } = error as { status?: unknown; statusCode?: unknown };
  const value = typeof status === 'number' ? status : statusCode;
  return typeof value === 'number' ? value : undefined;
}

export function errorAnswer(error: unknown): ErrorAnswer {
  const answer = (status: number, code: string, message: string) =>
    errorAnswerOf(status, code, message);
  if (error instanceof ApiError) return apiErrorAnswer(error);
  if (error instanceof CursorError) return answer(400, 'INVALID_CURSOR', error.message);
  if (error instanceof ZodError) {
    const problems = error.issues.map(
      (issue) => `${issue.path.join('.') || 'query'}: ${issue.message}`,
    );
    return answer(400, 'INVALID_REQUEST', problems.join('; '));
  }
  if (error instanceof UnreachableError) return answer(502, 'NODE_UNREACHABLE', error.message);
  const code = sqlState(error);
  if (code === '42P01' || code === '42703') {
    return answer(
      503,
      'MIRROR_NOT_READY',
      'the mirror has no ledger tables yet: datasync creates them when it first starts',
    );
  }
  if (code && (UNAVAILABLE_SQLSTATE.test(code) || NETWORK_CODES.has(code))) {
    return answer(503, 'MIRROR_UNAVAILABLE', 'the mirror database does not answer right now');
  }
  if (error instanceof Error && /timeout|terminated|Connection/i.test(error.message) && !code) {
    return answer(503, 'MIRROR_UNAVAILABLE', 'the mirror database does not answer right now');
  }
  const parsed = bodyParserAnswer(error);
  if (parsed) return parsed;
  const status = httpStatus(error);
  if (status !== undefined && status >= 400 && status < 500) {
    return answer(status, status === 404 ? 'NOT_FOUND' : 'BAD_REQUEST', 'no such resource');
  }
  return internalErrorAnswer('explorer');
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  // The browser's polling would fill the log with refusals at info.
  return commonErrorHandler(logger, errorAnswer, { refusalLevel: 'debug' });
}
