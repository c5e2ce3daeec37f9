// SPDX-License-Identifier: Apache-2.0
type Schema = Record<string, unknown>;

/** The parts of an OpenAPI document (3.0 or 3.1) that closing reads. */
export interface OpenApiShape {
  components?: { schemas?: Record<string, Schema> };
  paths: Record<string, Partial<Record<string, { responses?: Record<string, Schema> }>>>;
}

const isSchema = (value: unknown): value is Schema =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A copy of the document in which every object schema that lists its properties admits no
 * others (`additionalProperties: false`), and `allOf` compositions are merged into one closed
 * object (closing each part would refuse the other parts' properties). Checked against it, an
 * answer carrying anything the document does not declare (a password hash, a counter) fails.
 * Free-form objects (no `properties`) stay open.
 */
export function closedDocument<D extends OpenApiShape>(document: D): D {
  const copy = structuredClone(document);
  const components = copy.components?.schemas ?? {};
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
        if (isSchema(property)) schema.properties[name] = close(property);
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
