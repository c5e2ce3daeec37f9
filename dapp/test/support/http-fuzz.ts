// Requests drawn with fast-check from an OpenAPI 3.1 document: for each operation, values its
// schemas admit (and, now and then, values they do not), so a property can call every operation
// with whatever the document says it takes.
import fc from 'fast-check';

import type { HttpMethod, Operation, OpenApiDocument } from '../../src/http/openapi';

type Schema = Record<string, unknown>;

export interface FuzzRequest {
  method: string;
  /** Path with parameters filled in, and the query string. */
  route: string;
  headers: Record<string, string>;
  body?: unknown;
  /** Whether every part was drawn from its schema (false: something was replaced at random). */
  valid: boolean;
}

const MAX_ITEMS = 4;

function resolve(document: OpenApiDocument, schema: Schema): Schema {
  const target = schema.$ref;
  if (typeof target !== 'string') return schema;
  const name = target.replace('#/components/schemas/', '');
  const found = document.components.schemas[name];
  if (!found) throw new Error(`the document has no ${target}`);
  return resolve(document, found);
}

function stringValue(schema: Schema): fc.Arbitrary<string> {
  const minLength = (schema.minLength as number | undefined) ?? 0;
  const maxLength = (schema.maxLength as number | undefined) ?? 64;
  const within = (value: string) => value.length >= minLength && value.length <= maxLength;
  if (typeof schema.pattern === 'string') {
    return fc.stringMatching(new RegExp(schema.pattern), { size: 'small' }).filter(within);
  }
  return fc.string({ minLength, maxLength: Math.min(maxLength, minLength + 40), unit: 'grapheme' });
}

function objectValue(document: OpenApiDocument, schema: Schema): fc.Arbitrary<unknown> {
  const properties = (schema.properties as Record<string, Schema> | undefined) ?? {};
  if (Object.keys(properties).length === 0 && schema.additionalProperties !== false) {
    const forbidden = ((schema.propertyNames as Schema | undefined)?.not as Schema | undefined)
      ?.enum as string[] | undefined;
    const maxKeys = Math.min((schema.maxProperties as number | undefined) ?? MAX_ITEMS, MAX_ITEMS);
    const key = fc
      .string({ minLength: 1, maxLength: 12 })
      .filter((name) => !(forbidden ?? []).includes(name));
    return fc.dictionary(key, fc.jsonValue({ maxDepth: 2 }), { maxKeys });
  }
  const required = (schema.required as string[] | undefined) ?? [];
  return fc.record(
    Object.fromEntries(
      Object.entries(properties).map(([name, property]) => [name, valueOf(document, property)]),
    ),
    { requiredKeys: required },
  );
}

function typedValue(
  document: OpenApiDocument,
  schema: Schema,
  type: unknown,
): fc.Arbitrary<unknown> {
  switch (type) {
    case 'string':
      return stringValue(schema);
    case 'integer':
      return fc.integer({
        min: (schema.minimum as number | undefined) ?? -1_000_000,
        max: (schema.maximum as number | undefined) ?? 1_000_000_000,
      });
    case 'number':
      return fc.double({ noNaN: true, noDefaultInfinity: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      if (Array.isArray(schema.prefixItems)) {
        return fc.tuple(...(schema.prefixItems as Schema[]).map((item) => valueOf(document, item)));
      }
      return fc.array(valueOf(document, (schema.items as Schema | undefined) ?? {}), {
        minLength: (schema.minItems as number | undefined) ?? 0,
        maxLength: Math.min((schema.maxItems as number | undefined) ?? MAX_ITEMS, MAX_ITEMS),
      });
    }
    case 'object':
      return objectValue(document, schema);
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** Values the schema admits (the keywords the DAPP's document and chaincode metadata use). */
export function valueOf(document: OpenApiDocument, raw: Schema): fc.Arbitrary<unknown> {
  const schema = resolve(document, raw);
  if ('const' in schema) return fc.constant(schema.const);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  for (const keyword of ['oneOf', 'anyOf']) {
    const branches = schema[keyword];
    if (Array.isArray(branches)) {
      return fc.oneof(...(branches as Schema[]).map((branch) => valueOf(document, branch)));
    }
  }
  if (Array.isArray(schema.allOf)) {
    const parts = (schema.allOf as Schema[]).map((part) => resolve(document, part));
    return valueOf(document, Object.assign({}, ...parts) as Schema);
  }
  if (Array.isArray(schema.type)) {
    return fc.oneof(
      ...(schema.type as unknown[]).map((type) => typedValue(document, schema, type)),
    );
  }
  return typedValue(document, schema, schema.type);
}

/** With a small probability, anything at all instead of a valid value. */
function sometimesInvalid(
  arbitrary: fc.Arbitrary<unknown>,
  invalid: fc.Arbitrary<unknown> = fc.jsonValue({ maxDepth: 2 }),
): fc.Arbitrary<{ value: unknown; valid: boolean }> {
  return fc.oneof(
    { weight: 6, arbitrary: arbitrary.map((value) => ({ value, valid: true })) },
    { weight: 1, arbitrary: invalid.map((value) => ({ value, valid: false })) },
  );
}

/** A wrong path parameter is still one segment: empty, `.` or `..` would address another route. */
const wrongSegment = fc
  .string({ minLength: 1, maxLength: 80, unit: 'grapheme' })
  .filter((value) => value !== '.' && value !== '..');

const text = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

/** Requests for one operation: its path parameters, query, headers and body. */
export function requestsFor(
  document: OpenApiDocument,
  path: string,
  method: HttpMethod,
  operation: Operation,
  options: { headers?: fc.Arbitrary<Record<string, string>> } = {},
): fc.Arbitrary<FuzzRequest> {
  const parts = (operation.parameters ?? []).map((parameter) =>
    fc.record({
      parameter: fc.constant(parameter),
      present: parameter.required === true ? fc.constant(true) : fc.boolean(),
      drawn: sometimesInvalid(
        valueOf(document, (parameter.schema as Schema | undefined) ?? {}),
        parameter.in === 'path' ? wrongSegment : undefined,
      ),
    }),
  );
  const content = (
    operation.requestBody?.content as Record<string, { schema: Schema }> | undefined
  )?.['application/json'];
  const body = content
    ? sometimesInvalid(valueOf(document, content.schema))
    : fc.constant(undefined);
  return fc
    .record({ parts: fc.tuple(...parts), body, extra: options.headers ?? fc.constant({}) })
    .map(({ parts: drawnParts, body: drawnBody, extra }) => {
      let route = path;
      const query = new URLSearchParams();
      const headers: Record<string, string> = { ...extra };
      let valid = drawnBody?.valid ?? true;
      for (const { parameter, present, drawn } of drawnParts) {
        const name = parameter.name as string;
        if (parameter.in === 'path') {
          route = route.replace(`{${name}}`, encodeURIComponent(text(drawn.value)));
        } else if (!present) {
          continue;
        } else if (parameter.in === 'query') {
          query.append(name, text(drawn.value));
        } else if (parameter.in === 'header') {
          headers[name] = text(drawn.value).replace(/[^\x20-\x7e]/g, '');
        }
        valid &&= drawn.valid;
      }
      const search = query.toString();
      return {
        method: method.toUpperCase(),
        route: search ? `${route}?${search}` : route,
        headers,
        body: drawnBody?.value,
        valid,
      };
    });
}
