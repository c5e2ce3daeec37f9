// SPDX-License-Identifier: Apache-2.0
import type { ErrorAnswer } from '@consortia/common';
import { ApiError, errorAnswerOf, serviceErrors } from '@consortia/common';

import { FabricFailure } from '../fabric/errors';
import { ValidationError } from '../fabric/metadata';

// The one ApiError and error envelope of every service; this module maps the DAPP's own errors
// (invalid requests, Fabric failures) onto it.
export { ApiError };
export type { ErrorAnswer };

/** Turns anything a route threw into the HTTP answer the API documents. */
export const { errorAnswer, errorHandler } = serviceErrors('DAPP', (error) => {
  if (error instanceof ValidationError) {
    return errorAnswerOf(400, error.code, error.message, { problems: error.problems });
  }
  if (error instanceof FabricFailure) {
    return {
      status: error.httpStatus,
      body: { error: error.toJSON() as ErrorAnswer['body']['error'] },
    };
  }
  return undefined;
});
