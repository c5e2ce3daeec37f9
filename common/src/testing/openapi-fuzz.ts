// SPDX-License-Identifier: Apache-2.0
// Requests drawn with fast-check from an OpenAPI document (3.0 or 3.1): for each operation, values
// its schemas admit (and, now and then, values they do not), so a property-based test can call
// every operation with whatever the document says it takes. The DAPP's and the app-api's fuzz
// tests both draw from here.
import fc from 'fast-check';

type Schema = Record<string, unknown>;

/** The parts of a document the generator reads: `$ref` targets under `components`. */
export interface FuzzDocument {
  components?: object;
}

/** The parts of an operation the generator reads. */
export interface FuzzOperation {
  parameters?: Schema[];
  requestBody?: Schema;
}

export interface FuzzRequest {
  method: string;
  /** Path with parameters filled in, and the query string. */
  route: string;
  headers: Record<string, string>;
  body?: unknown;
  /** Whether every part was drawn from its schema (false: something was replaced at random). */
  valid: boolean;
}

const MAX_ITEMS = 5;
const EARLIEST = new Date('2000-01-01T00:00:00Z');
const LATEST = new Date('2099-12-31T23:59:59Z');

/** Resolves `$ref`s to components (`#/components/<section>/<name>`). */
function resolve(document: FuzzDocument, schema: Schema): Schema {
  const target = schema.$ref;
  if (typeof target !== 'string') return schema;
  const [, , section, name] = target.split('/');
  const components = (document.components ?? {}) as Record<string, Record<string, Schema>>;
  const found = components[section ?? '']?.[name ?? ''];
  if (!found) throw new Error(`the document has no ${target}`);
  return resolve(document, found);
}

function stringValue(schema: Schema): fc.Arbitrary<string> {
  const minLength = (schema.minLength as number | undefined) ?? 0;
  const maxLength = (schema.maxLength as number | undefined) ?? 64;
  if (schema.format === 'date-time') {
    return fc
      .date({ min: EARLIEST, max: LATEST, noInvalidDate: true })
      .map((date) => date.toISOString());
  }
  const within = (value: string) => value.length >= minLength && value.length <= maxLength;
  if (typeof schema.pattern === 'string') {
    return fc.stringMatching(new RegExp(schema.pattern), { size: 'small' }).filter(within);
  }
  return fc.string({ minLength, maxLength: Math.min(maxLength, minLength + 40), unit: 'grapheme' });
}

function arrayValue(document: FuzzDocument, schema: Schema): fc.Arbitrary<unknown> {
  if (Array.isArray(schema.prefixItems)) {
    return fc.tuple(...(schema.prefixItems as Schema[]).map((item) => valueOf(document, item)));
  }
  const items = valueOf(document, (schema.items as Schema | undefined) ?? {});
  const constraints = {
    minLength: (schema.minItems as number | undefined) ?? 0,
    maxLength: Math.min((schema.maxItems as number | undefined) ?? MAX_ITEMS, MAX_ITEMS),
  };
  return schema.uniqueItems === true
    ? fc.uniqueArray(items, { ...constraints, selector: (value) => JSON.stringify(value) })
    : fc.array(items, constraints);
}

function objectValue(document: FuzzDocument, schema: Schema): fc.Arbitrary<unknown> {
  const properties = (schema.properties as Record<string, Schema> | undefined) ?? {};
  if (Object.keys(properties).length === 0 && schema.additionalProperties !== false) {
    // A free-form object; `propertyNames: {not: {enum}}` names the keys it may not have.
    const forbidden =
      (((schema.propertyNames as Schema | undefined)?.not as Schema | undefined)?.enum as
        string[] | undefined) ?? [];
    const maxKeys = Math.min((schema.maxProperties as number | undefined) ?? MAX_ITEMS, MAX_ITEMS);
    const key = fc
      .string({ minLength: 1, maxLength: 12 })
      .filter((name) => !forbidden.includes(name));
    return fc.dictionary(key, fc.jsonValue({ maxDepth: 2 }), { maxKeys });
  }
  const record = fc.record(
    Object.fromEntries(
      Object.entries(properties).map(([name, property]) => [name, valueOf(document, property)]),
    ),
    { requiredKeys: (schema.required as string[] | undefined) ?? [] },
  );
  const minProperties = (schema.minProperties as number | undefined) ?? 0;
  return record.filter((value) => Object.keys(value).length >= minProperties);
}

function typedValue(document: FuzzDocument, schema: Schema, type: unknown): fc.Arbitrary<unknown> {
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
    case 'array':
      return arrayValue(document, schema);
    case 'object':
      return objectValue(document, schema);
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** Values the schema admits. */
export function valueOf(document: FuzzDocument, raw: Schema): fc.Arbitrary<unknown> {
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
    return valueOf(document, {
      type: 'object',
      properties: Object.assign({}, ...parts.map((part) => part.properties ?? {})) as Schema,
      required: parts.flatMap((part) => (part.required as string[] | undefined) ?? []),
    });
  }
  const base = Array.isArray(schema.type)
    ? fc.oneof(...(schema.type as unknown[]).map((type) => typedValue(document, schema, type)))
    : typedValue(document, schema, schema.type);
  // OpenAPI 3.0's `nullable`.
  return schema.nullable === true ? fc.option(base, { nil: null, freq: 5 }) : base;
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

/**
 * A wrong path parameter is still one path segment: an empty one, `.` or `..` would address
 * another route (or none), not this operation.
 */
const wrongSegment = fc
  .string({ minLength: 1, maxLength: 80, unit: 'grapheme' })
  .filter((value) => value !== '.' && value !== '..');

const text = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

/** Requests for one operation: its path parameters, query, headers and body. */
export function requestsFor(
  document: FuzzDocument,
  path: string,
  method: string,
  operation: FuzzOperation,
): fc.Arbitrary<FuzzRequest> {
  const parameters = (operation.parameters ?? []).map((parameter) => resolve(document, parameter));
  const parts = parameters.map((parameter) =>
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
    .record({ parts: fc.tuple(...parts), body })
    .map(({ parts: drawnParts, body: drawnBody }) => {
      let route = path;
      const query = new URLSearchParams();
      const headers: Record<string, string> = {};
      let valid = drawnBody?.valid ?? true;
      for (const { parameter, present, drawn } of drawnParts) {
        const name = parameter.name as string;
        if (parameter.in === 'path') {
          route = route.replace(`{${name}}`, encodeURIComponent(text(drawn.value)));
        } else if (!present) {
          continue;
        } else if (parameter.in === 'query') {
          const values = Array.isArray(drawn.value) ? drawn.value : [drawn.value];
          for (const value of values) query.append(name, text(value));
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
