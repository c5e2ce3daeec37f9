// Requests built from the OpenAPI document with fast-check: for every operation, values that
// its schemas admit (and, now and then, values they do not), so a property can call each
// operation with whatever the document says it takes.
import fc from 'fast-check';

import type { HttpMethod, Operation, OpenApiDocument } from '../../src/http/openapi';

type Schema = Record<string, unknown>;

export interface FuzzRequest {
  method: string;
  /** Path with parameters filled in and the query string. */
  route: string;
  headers: Record<string, string>;
  body?: unknown;
  /** Whether every part was drawn from its schema (false: something was replaced at random). */
  valid: boolean;
}

const EARLIEST = new Date('2000-01-01T00:00:00Z');
const LATEST = new Date('2099-12-31T23:59:59Z');

/** Resolves `$ref`s to components (the document is generated, so every target exists). */
function resolve(document: OpenApiDocument, schema: Schema): Schema {
  const target = schema.$ref;
  if (typeof target !== 'string') return schema;
  const [, , section, name] = target.split('/');
  const components = document.components as Record<string, Record<string, Schema>>;
  const found = components[section ?? '']?.[name ?? ''];
  if (!found) throw new Error(`the document has no ${target}`);
  return resolve(document, found);
}

function stringArbitrary(schema: Schema): fc.Arbitrary<string> {
  const minLength = (schema.minLength as number | undefined) ?? 0;
  const maxLength = (schema.maxLength as number | undefined) ?? 64;
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as string[]));
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

/** Values the schema admits. */
export function valueOf(document: OpenApiDocument, raw: Schema): fc.Arbitrary<unknown> {
  const schema = resolve(document, raw);
  if (Array.isArray(schema.allOf)) {
    const merged = (schema.allOf as Schema[]).map((part) => resolve(document, part));
    return valueOf(document, {
      type: 'object',
      properties: Object.assign({}, ...merged.map((part) => part.properties ?? {})) as Schema,
      required: merged.flatMap((part) => (part.required as string[] | undefined) ?? []),
    });
  }
  const base = baseValue(document, schema);
  return schema.nullable === true ? fc.option(base, { nil: null, freq: 5 }) : base;
}

function baseValue(document: OpenApiDocument, schema: Schema): fc.Arbitrary<unknown> {
  switch (schema.type) {
    case 'string':
      return stringArbitrary(schema);
    case 'integer':
      return fc.integer({
        min: (schema.minimum as number | undefined) ?? -1_000_000,
        max: (schema.maximum as number | undefined) ?? 1_000_000_000,
      });
    case 'number':
      return fc.double({ noNaN: true, noDefaultInfinity: true });
    case 'boolean':
      return fc.boolean();
    case 'array': {
      const items = valueOf(document, (schema.items as Schema | undefined) ?? {});
      const constraints = {
        minLength: (schema.minItems as number | undefined) ?? 0,
        maxLength: Math.min((schema.maxItems as number | undefined) ?? 5, 5),
      };
      return schema.uniqueItems === true
        ? fc.uniqueArray(items, { ...constraints, selector: (value) => JSON.stringify(value) })
        : fc.array(items, constraints);
    }
    case 'object': {
      const properties = (schema.properties as Record<string, Schema> | undefined) ?? {};
      if (Object.keys(properties).length === 0) {
        const maxKeys = Math.min((schema.maxProperties as number | undefined) ?? 5, 5);
        return fc.dictionary(
          fc.string({ minLength: 1, maxLength: 12 }),
          fc.jsonValue({ maxDepth: 2 }),
          {
            maxKeys,
          },
        );
      }
      const required = (schema.required as string[] | undefined) ?? [];
      const record = fc.record(
        Object.fromEntries(
          Object.entries(properties).map(([name, property]) => [name, valueOf(document, property)]),
        ),
        { requiredKeys: required },
      );
      const minProperties = (schema.minProperties as number | undefined) ?? 0;
      return record.filter((value) => Object.keys(value).length >= minProperties);
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** With a small probability, anything at all instead of a valid value. */
function sometimesInvalid<T>(
  arbitrary: fc.Arbitrary<T>,
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
  document: OpenApiDocument,
  path: string,
  method: HttpMethod,
  operation: Operation,
): fc.Arbitrary<FuzzRequest> {
  const parameters = (operation.parameters ?? []).map((parameter) => resolve(document, parameter));
  const parts = parameters.map((parameter) => {
    const drawn = sometimesInvalid(
      valueOf(document, (parameter.schema as Schema | undefined) ?? {}),
      parameter.in === 'path' ? wrongSegment : undefined,
    );
    const present = parameter.required === true ? fc.constant(true) : fc.boolean();
    return fc.record({ parameter: fc.constant(parameter), present, drawn });
  });
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
