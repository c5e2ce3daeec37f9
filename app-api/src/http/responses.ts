import type { Request, RequestHandler } from 'express';
import * as OpenApiValidator from 'express-openapi-validator';

import { ApiError } from './errors';
import type { OpenApiDocument } from './openapi';

type Schema = Record<string, unknown>;

const isSchema = (value: unknown): value is Schema =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A copy of the document in which every object schema that lists its properties admits no
 * others (`additionalProperties: false`), and `allOf` compositions are merged into one closed
 * object (closing each part would refuse the other parts' properties). Checked against it, an
 * answer carrying anything the document does not declare (a password hash, a counter) fails.
 */
export function closedDocument(document: OpenApiDocument): OpenApiDocument {
  const copy = structuredClone(document) as OpenApiDocument;
  const components = copy.components.schemas;
  const resolve = (schema: Schema): Schema => {
    const target = typeof schema.$ref === 'string' ? schema.$ref : undefined;
    if (!target) return schema;
    const named = components[target.replace('#/components/schemas/', '')];
    if (!named) throw new Error(`the OpenAPI document has no schema ${target}`);
    return resolve(named);
  };
  const close = (schema: Schema): Schema => {
    if (Array.isArray(schema.allOf)) {
      const parts = (schema.allOf as Schema[]).map((part) => close(structuredClone(resolve(part))));
      const rest = { ...schema };
      delete rest.allOf;
      return {
        ...rest,
        type: 'object',
        properties: Object.assign({}, ...parts.map((part) => part.properties ?? {})) as Schema,
        required: [...new Set(parts.flatMap((part) => (part.required as string[]) ?? []))],
        additionalProperties: false,
      };
    }
    if (isSchema(schema.properties)) {
      for (const [name, property] of Object.entries(schema.properties)) {
        if (isSchema(property)) (schema.properties as Schema)[name] = close(property);
      }
      if (schema.additionalProperties === undefined) schema.additionalProperties = false;
    }
    if (isSchema(schema.items)) schema.items = close(schema.items);
    if (isSchema(schema.additionalProperties)) {
      schema.additionalProperties = close(schema.additionalProperties);
    }
    for (const keyword of ['oneOf', 'anyOf']) {
      if (Array.isArray(schema[keyword])) {
        schema[keyword] = (schema[keyword] as Schema[]).map((part) => close(part));
      }
    }
    return schema;
  };
  for (const [name, schema] of Object.entries(components)) components[name] = close(schema);
  for (const operations of Object.values(copy.paths)) {
    for (const operation of Object.values(operations)) {
      for (const answer of Object.values(operation?.responses ?? {})) {
        const content = answer.content as Record<string, { schema?: Schema }> | undefined;
        for (const media of Object.values(content ?? {})) {
          if (media.schema) media.schema = close(media.schema);
        }
      }
    }
  }
  return copy;
}

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
