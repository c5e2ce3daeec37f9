// SPDX-License-Identifier: Apache-2.0
import { closedDocument } from '@consortia/common';
import type { Request, RequestHandler } from 'express';
import * as OpenApiValidator from 'express-openapi-validator';

import { ApiError } from './errors';
import type { OpenApiDocument } from './openapi';

// Shared with the DAPP, which checks its answers the same way.
export { closedDocument };

const STEPS = ['pathParamsMiddleware', 'metadataMiddleware', 'responseMiddleware'];

/**
 * Checks every successful answer of a route against the closed document before it is sent: an
 * answer that does not match its schema is never sent; the caller gets 500 RESPONSE_INVALID and
 * the mismatch is logged. Error answers are built by the error handler from the one documented
 * envelope and are not checked here.
 */
export function responseValidation(
  document: OpenApiDocument,
  report: (problem: { route: string; status: number; message: string }) => void,
): RequestHandler[] {
  const handlers = OpenApiValidator.middleware({
    apiSpec: closedDocument(document) as unknown as Parameters<
      typeof OpenApiValidator.middleware
    >[0]['apiSpec'],
    validateRequests: false,
    validateResponses: {
      allErrors: true,
      onError: (error, _body, request: Request) => {
        const status = request.res?.statusCode ?? 0;
        if (status >= 400) return;
        report({ route: `${request.method} ${request.path}`, status, message: error.message });
        throw new ApiError(
          500,
          'RESPONSE_INVALID',
          'the answer did not match the API document and was withheld',
        );
      },
    },
    validateSecurity: false,
    validateApiSpec: false,
    validateFormats: true,
    ignoreUndocumented: true,
    fileUploader: false,
    $refParser: { mode: 'dereference' },
  }) as RequestHandler[];
  const named = new Map(handlers.map((handler) => [handler.name, handler]));
  return STEPS.map((name) => {
    const handler = named.get(name);
    if (!handler) {
      throw new Error(
        `express-openapi-validator no longer provides the step '${name}'; app-api/src/http/responses.ts must be adapted`,
      );
    }
    return handler;
  });
}
