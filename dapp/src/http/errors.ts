import type { Logger } from '@consortia/common';
import type { ErrorRequestHandler } from 'express';

import { FabricFailure } from '../fabric/errors';
import { ValidationError } from '../fabric/metadata';

/** An answer the API gives on purpose: its status, a stable code, and a sentence. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface ErrorAnswer {
  status: number;
  body: { error: Record<string, unknown> };
}

function bodyParserProblem(error: unknown): ErrorAnswer | undefined {
  if (typeof error !== 'object' || error === null || !('type' in error)) return undefined;
  const type = (error as { type: unknown }).type;
  if (type === 'entity.parse.failed') {
    return {
      status: 400,
      body: { error: { code: 'INVALID_JSON', message: 'the request body is not valid JSON' } },
    };
  }
  if (type === 'entity.too.large') {
    return {
      status: 413,
      body: { error: { code: 'BODY_TOO_LARGE', message: 'the request body is too large' } },
    };
  }
  return undefined;
}

/** Turns anything a route threw into the HTTP answer the API documents. */
export function errorAnswer(error: unknown): ErrorAnswer {
  if (error instanceof ApiError) {
    return {
      status: error.status,
      body: { error: { code: error.code, message: error.message, ...error.details } },
    };
  }
  if (error instanceof ValidationError) {
    return {
      status: 400,
      body: { error: { code: error.code, message: error.message, problems: error.problems } },
    };
  }
  if (error instanceof FabricFailure) {
    return { status: error.httpStatus, body: { error: error.toJSON() } };
  }
  return (
    bodyParserProblem(error) ?? {
      status: 500,
      body: { error: { code: 'INTERNAL', message: 'the DAPP could not handle this request' } },
    }
  );
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, _request, response, _next) => {
    const answer = errorAnswer(error);
    if (answer.status >= 500) logger.error({ err: error, status: answer.status }, 'request failed');
    else logger.info({ status: answer.status, code: answer.body.error.code }, 'request refused');
    response.status(answer.status).json(answer.body);
  };
}
