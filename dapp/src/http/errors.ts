// SPDX-License-Identifier: Apache-2.0
import type { ErrorAnswer, Logger } from '@consortia/common';
import {
  ApiError,
  errorAnswerOf,
  errorHandler as commonErrorHandler,
  internalErrorAnswer,
  knownErrorAnswer,
} from '@consortia/common';
import type { ErrorRequestHandler } from 'express';

import { FabricFailure } from '../fabric/errors';
import { ValidationError } from '../fabric/metadata';

// The one ApiError and error envelope of every service; this module maps the DAPP's own errors
// (invalid requests, Fabric failures) onto it.
export { ApiError };
export type { ErrorAnswer };

/** Turns anything a route threw into the HTTP answer the API documents. */
export function errorAnswer(error: unknown): ErrorAnswer {
  if (error instanceof ValidationError) {
    return errorAnswerOf(400, error.code, error.message, { problems: error.problems });
  }
  if (error instanceof FabricFailure) {
    return {
      status: error.httpStatus,
      body: { error: error.toJSON() as ErrorAnswer['body']['error'] },
    };
  }
  return knownErrorAnswer(error) ?? internalErrorAnswer('DAPP');
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return commonErrorHandler(logger, errorAnswer);
}
