// SPDX-License-Identifier: Apache-2.0
import type { ErrorRequestHandler } from 'express';

import type { Logger } from '../logging/logger';

/**
 * An answer the API gives on purpose: its status, a stable code, and a sentence; `details` are
 * further fields of the error object, `headers` go with the answer (e.g. `Retry-After`).
 */
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

/** The one error envelope of every service: `{"error": {"code", "message", ...}}`. */
export interface ErrorBody {
  error: { code: string; message: string } & Record<string, unknown>;
}

export interface ErrorAnswer {
  status: number;
  body: ErrorBody;
  headers?: Record<string, string>;
}

/** An answer with the envelope; `details` are further fields of the error object. */
export function errorAnswerOf(
  status: number,
  code: string,
  message: string,
  details?: Record<string, unknown>,
): ErrorAnswer {
  return { status, body: { error: { code, message, ...details } } };
}

/**
 * What the JSON body parser refuses: 400 INVALID_JSON, 413 BODY_TOO_LARGE, 415
 * UNSUPPORTED_ENCODING (a charset or content encoding other than UTF-8 JSON); undefined for
 * anything else.
 */
export function bodyParserAnswer(error: unknown): ErrorAnswer | undefined {
  if (typeof error !== 'object' || error === null || !('type' in error)) return undefined;
  switch (error.type) {
    case 'entity.parse.failed':
      return errorAnswerOf(400, 'INVALID_JSON', 'the request body is not valid JSON');
    case 'entity.too.large':
      return errorAnswerOf(413, 'BODY_TOO_LARGE', 'the request body is too large');
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return errorAnswerOf(415, 'UNSUPPORTED_ENCODING', 'use UTF-8 JSON');
    default:
      return undefined;
  }
}

/** What an ApiError says: its status, the envelope with its details, its headers. */
export function apiErrorAnswer(error: ApiError): ErrorAnswer {
  return {
    ...errorAnswerOf(error.status, error.code, error.message, error.details),
    ...(error.headers ? { headers: error.headers } : {}),
  };
}

/** An ApiError's own answer, or the body parser's; undefined for any other error. */
export function knownErrorAnswer(error: unknown): ErrorAnswer | undefined {
  return error instanceof ApiError ? apiErrorAnswer(error) : bodyParserAnswer(error);
}

/** 500 INTERNAL, naming the service but nothing of the failure (never a stack trace). */
export function internalErrorAnswer(service: string): ErrorAnswer {
  return errorAnswerOf(500, 'INTERNAL', `the ${service} could not handle this request`);
}

export interface ErrorHandlerOptions {
  /** The level refusals (4xx) are logged at; failures (5xx) are always errors. */
  refusalLevel?: 'info' | 'debug';
}

/**
 * The last middleware of every service: turns what a route threw into its documented answer
 * (`answerOf`, the service's mapping) and logs it. The code is left in `response.locals.errorCode`
 * for access logs. After the headers went out nothing can be answered: Express closes the
 * connection, so the caller sees a broken answer rather than a truncated one.
 */
export function errorHandler(
  logger: Logger,
  answerOf: (error: unknown) => ErrorAnswer,
  options: ErrorHandlerOptions = {},
): ErrorRequestHandler {
  const refusalLevel = options.refusalLevel ?? 'info';
  return (error: unknown, _request, response, next) => {
    const answer = answerOf(error);
    if (answer.status >= 500) logger.error({ err: error, status: answer.status }, 'request failed');
    else
      logger[refusalLevel](
        { status: answer.status, code: answer.body.error.code },
        'request refused',
      );
    if (response.headersSent) {
      next(error);
      return;
    }
    response.locals.errorCode = answer.body.error.code;
    for (const [name, value] of Object.entries(answer.headers ?? {})) {
      response.setHeader(name, value);
    }
    response.status(answer.status).json(answer.body);
  };
}

/** A service's mapping of the errors it knows; undefined for any other. */
export type ErrorMapping = (error: unknown) => ErrorAnswer | undefined;

export interface ServiceErrorsOptions extends ErrorHandlerOptions {
  /** Tried after ApiError and the body parser's refusals (e.g. a request validator's errors). */
  after?: ErrorMapping;
}

/**
 * A service's `errorAnswer` and `errorHandler`: its own mapping (`own`) first, then an ApiError's
 * answer or the body parser's refusal, then `options.after`, else 500 INTERNAL naming `service`.
 */
export function serviceErrors(
  service: string,
  own: ErrorMapping,
  options: ServiceErrorsOptions = {},
): {
  errorAnswer: (error: unknown) => ErrorAnswer;
  errorHandler: (logger: Logger) => ErrorRequestHandler;
} {
  const { after, ...handlerOptions } = options;
  const errorAnswer = (error: unknown): ErrorAnswer =>
    own(error) ?? knownErrorAnswer(error) ?? after?.(error) ?? internalErrorAnswer(service);
  return {
    errorAnswer,
    errorHandler: (logger) => errorHandler(logger, errorAnswer, handlerOptions),
  };
}
