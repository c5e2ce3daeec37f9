// SPDX-License-Identifier: Apache-2.0
import type { Request, RequestHandler } from 'express';
import * as OpenApiValidator from 'express-openapi-validator';

import type { Operation, OpenApiDocument } from './openapi';

/** What the validator's metadata step attaches to a request it matched to an operation. */
interface OperationMetadata {
  openApiRoute: string;
  schema: Operation;
}

export function operationOf(request: Request): OperationMetadata | undefined {
  const metadata = (request as Request & { openapi?: Partial<OperationMetadata> }).openapi;
  return metadata?.schema && metadata.openApiRoute ? (metadata as OperationMetadata) : undefined;
}

/** The validator's steps, split so authentication and permissions run between them. */
export interface ValidationSteps {
  /** Matches the request to an operation: unknown routes 404, wrong methods 405. */
  match: RequestHandler[];
  /** Checks parameters, headers and body against the operation's schemas: 400 naming the field. */
  validate: RequestHandler[];
}

const MATCH_STEPS = ['pathParamsMiddleware', 'metadataMiddleware'];
const VALIDATE_STEPS = ['requestMiddleware'];

/**
 * express-openapi-validator checks every request against the document. Its middleware list is
 * split by step name so that a caller without the permission is refused (403) before their input
 * is examined (400); the names are checked here so a change in the library fails at startup.
 */
export function validationSteps(document: OpenApiDocument): ValidationSteps {
  const handlers = OpenApiValidator.middleware({
    apiSpec: document as unknown as Parameters<typeof OpenApiValidator.middleware>[0]['apiSpec'],
    validateRequests: { allErrors: true, allowUnknownQueryParameters: false },
    validateResponses: false,
    validateSecurity: false,
    validateApiSpec: true,
    validateFormats: true,
    ajvFormats: { mode: 'full' },
    ignoreUndocumented: false,
    fileUploader: false,
    $refParser: { mode: 'dereference' },
  }) as RequestHandler[];
  const named = new Map(handlers.map((handler) => [handler.name, handler]));
  const pick = (names: string[]) =>
    names.map((name) => {
      const handler = named.get(name);
      if (!handler) {
        throw new Error(
          `express-openapi-validator no longer provides the step '${name}'; app-api/src/http/validation.ts must be adapted`,
        );
      }
      return handler;
    });
  return { match: pick(MATCH_STEPS), validate: pick(VALIDATE_STEPS) };
}
