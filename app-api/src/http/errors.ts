import type { Logger } from '@consortia/common';
import type { ErrorRequestHandler } from 'express';

import { AuthFailure } from '../auth/auth-service';
import { TokenError } from '../auth/tokens';
import { DappError } from '../dapp/client';
import { AmountError } from '../mirror/reader';
import { CursorError } from '../mirror/cursor';
import { DuplicateUserError, LastAdminError, UnknownRoleError } from '../store/users';

/** An answer the API gives on purpose: its status, a stable code, and a sentence. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** One thing wrong with a request, naming where: `body.amount`, `query.limit`, `path.assetId`. */
export interface Problem {
  field: string;
  message: string;
}

export interface ErrorAnswer {
  status: number;
  body: { error: { code: string; message: string } & Record<string, unknown> };
  headers?: Record<string, string>;
}

/** `/body/amount` (the validator's notation) as `body.amount`. */
function fieldName(path: string | undefined): string {
  if (!path) return 'request';
  // The validator says `params` for path parameters; the document says `path`.
  const dotted = path
    .replace(/^\//, '')
    .replace(/\//g, '.')
    .replace(/^params\./, 'path.');
  return dotted || 'request';
}

interface ValidatorError {
  status: number;
  message?: string;
  errors?: { path?: string; message?: string; errorCode?: string }[];
  headers?: Record<string, string>;
}

function isValidatorError(error: unknown): error is ValidatorError {
  return (
    typeof error === 'object' &&
    error !== null &&
    'status' in error &&
    typeof (error as { status: unknown }).status === 'number' &&
    'errors' in error &&
    Array.isArray((error as { errors: unknown }).errors)
  );
}

function bodyParserProblem(error: unknown): ErrorAnswer | undefined {
  if (typeof error !== 'object' || error === null || !('type' in error)) return undefined;
  const type = (error as { type: unknown }).type;
  if (type === 'entity.parse.failed') {
    return {
      status: 400,
      body: {
        error: {
          code: 'INVALID_JSON',
          message: 'the request body is not valid JSON',
          problems: [{ field: 'body', message: 'is not valid JSON' }],
        },
      },
    };
  }
  if (type === 'entity.too.large') {
    return {
      status: 413,
      body: { error: { code: 'BODY_TOO_LARGE', message: 'the request body is too large' } },
    };
  }
  if (type === 'charset.unsupported' || type === 'encoding.unsupported') {
    return {
      status: 415,
      body: { error: { code: 'UNSUPPORTED_ENCODING', message: 'use UTF-8 JSON' } },
    };
  }
  return undefined;
}

function validatorAnswer(error: ValidatorError): ErrorAnswer {
  if (error.status === 404) {
    return { status: 404, body: { error: { code: 'NOT_FOUND', message: 'no such route' } } };
  }
  if (error.status === 405) {
    return {
      status: 405,
      body: {
        error: { code: 'METHOD_NOT_ALLOWED', message: 'this route does not take that method' },
      },
      headers: error.headers,
    };
  }
  if (error.status === 415) {
    return {
      status: 415,
      body: { error: { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'send application/json' } },
    };
  }
  const problems: Problem[] = (error.errors ?? []).map((item) => ({
    field: fieldName(item.path),
    message: item.message ?? 'is invalid',
  }));
  const status = error.status >= 400 && error.status < 500 ? error.status : 400;
  return {
    status,
    body: {
      error: {
        code: 'INVALID_REQUEST',
        message: problems.map((problem) => `${problem.field} ${problem.message}`).join('; '),
        problems,
      },
    },
  };
}

/** Turns anything a route threw into the HTTP answer the API documents; never a stack trace. */
export function errorAnswer(error: unknown): ErrorAnswer {
  if (error instanceof ApiError) {
    return {
      status: error.status,
      body: { error: { code: error.code, message: error.message, ...error.details } },
      headers: error.headers,
    };
  }
  if (error instanceof DappError) {
    return {
      status: error.status,
      body: { error: { code: error.code, message: error.message, ...error.details } },
    };
  }
  if (error instanceof AuthFailure) {
    return {
      status: error.status,
      body: { error: { code: error.code, message: error.message } },
      headers:
        error.retryAfterSeconds === undefined
          ? undefined
          : { 'Retry-After': String(Math.max(1, error.retryAfterSeconds)) },
    };
  }
  if (error instanceof TokenError) {
    return {
      status: 401,
      body: { error: { code: error.code, message: error.message } },
      headers: {
        'WWW-Authenticate': `Bearer realm="app-api", error="invalid_token", error_description="${error.message}"`,
      },
    };
  }
  if (error instanceof CursorError) {
    return {
      status: 400,
      body: {
        error: {
          code: 'INVALID_CURSOR',
          message: error.message,
          problems: [{ field: 'query.cursor', message: error.message }],
        },
      },
    };
  }
  if (error instanceof AmountError) {
    return {
      status: 400,
      body: {
        error: {
          code: 'INVALID_REQUEST',
          message: error.message,
          problems: [{ field: 'query.minBalance', message: error.message }],
        },
      },
    };
  }
  if (error instanceof DuplicateUserError) {
    return { status: 409, body: { error: { code: 'USER_EXISTS', message: error.message } } };
  }
  if (error instanceof LastAdminError) {
    return { status: 409, body: { error: { code: 'LAST_ADMIN', message: error.message } } };
  }
  if (error instanceof UnknownRoleError) {
    return {
      status: 400,
      body: {
        error: {
          code: 'UNKNOWN_ROLE',
          message: error.message,
          problems: [{ field: 'body.roles', message: error.message }],
        },
      },
    };
  }
  const parser = bodyParserProblem(error);
  if (parser) return parser;
  if (isValidatorError(error)) return validatorAnswer(error);
  return {
    status: 500,
    body: { error: { code: 'INTERNAL', message: 'the app-api could not handle this request' } },
  };
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, _request, response, next) => {
    if (response.headersSent) {
      next(error);
      return;
    }
    const answer = errorAnswer(error);
    if (answer.status >= 500) logger.error({ err: error, status: answer.status }, 'request failed');
    else logger.info({ status: answer.status, code: answer.body.error.code }, 'request refused');
    response.locals.errorCode = answer.body.error.code;
    for (const [name, value] of Object.entries(answer.headers ?? {}))
      response.setHeader(name, value);
    response.status(answer.status).json(answer.body);
  };
}
