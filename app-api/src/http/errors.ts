// SPDX-License-Identifier: Apache-2.0
import type { ErrorAnswer } from '@consortia/common';
import { ApiError, bodyParserAnswer, serviceErrors } from '@consortia/common';

import { AuthFailure } from '../auth/auth-service';
import { TokenError } from '../auth/tokens';
import { DappError } from '../dapp/client';
import { AmountError } from '../mirror/reader';
import { CursorError } from '../mirror/cursor';
import { DuplicateUserError, LastAdminError, UnknownRoleError } from '../store/users';

// The one ApiError and error envelope of every service; this module maps the app-api's own
// errors onto it.
export { ApiError };
export type { ErrorAnswer };

/** One thing wrong with a request, naming where: `body.amount`, `query.limit`, `path.assetId`. */
export interface Problem {
  field: string;
  message: string;
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
    typeof error.status === 'number' &&
    'errors' in error &&
    Array.isArray((error as { errors: unknown }).errors)
  );
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

/** The app-api's own errors. */
function ownErrorAnswer(error: unknown): ErrorAnswer | undefined {
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
  const parsed = bodyParserAnswer(error);
  // Like the validator's refusals, a body that is not JSON names the field: the body.
  if (parsed?.body.error.code === 'INVALID_JSON') {
    parsed.body.error.problems = [{ field: 'body', message: 'is not valid JSON' }];
  }
  return parsed;
}

/** Turns anything a route threw into the HTTP answer the API documents; never a stack trace. */
export const { errorAnswer, errorHandler } = serviceErrors('app-api', ownErrorAnswer, {
  after: (error) => (isValidatorError(error) ? validatorAnswer(error) : undefined),
});
