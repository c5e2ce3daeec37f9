// SPDX-License-Identifier: Apache-2.0
// Building blocks of the schema-first OpenAPI documents of the DAPP and the app-api: JSON bodies
// and answers around a schema (a zod schema, given to zod-to-openapi), the list of an operation's
// error answers, and the walk over a document's operations.

import { z } from 'zod';

/** A JSON answer of one schema, or one without a body. */
export interface JsonAnswer<S> {
  description: string;
  content?: { 'application/json': { schema: S } };
}

export const jsonContent = <S>(schema: S) => ({ 'application/json': { schema } });

export function jsonAnswer<S>(description: string, schema?: S): JsonAnswer<S> {
  return schema === undefined ? { description } : { description, content: jsonContent(schema) };
}

/** A required JSON request body. */
export const jsonBody = <S>(schema: S) => ({ required: true, content: jsonContent(schema) });

/**
 * An operation's error answers, each with the one error envelope (`errorSchema`), by status:
 * the `statuses` every such operation has, described by `descriptions`, and `extra` ones (a
 * status, or a status with a description of its own), sorted by status.
 */
export function failureAnswers<T extends number, S>(
  descriptions: Record<T, string>,
  statuses: readonly T[],
  extra: Partial<Record<T, string | true>>,
  errorSchema: S,
): Record<string, JsonAnswer<S>> {
  const chosen = new Map<T, string>(statuses.map((status) => [status, descriptions[status]]));
  for (const [key, description] of Object.entries(extra) as [string, string | true][]) {
    const status = Number(key) as T;
    chosen.set(status, description === true ? descriptions[status] : description);
  }
  return Object.fromEntries(
    [...chosen.entries()]
      .sort(([a], [b]) => a - b)
      .map(([status, description]) => [String(status), jsonAnswer(description, errorSchema)]),
  );
}

/**
 * The schema of the one error envelope, `{"error": {"code", "message", ...}}`, with the further
 * fields a service's errors carry (each service names it `Error` in its own document).
 */
export function errorEnvelope<F extends z.ZodRawShape>(fields: F) {
  return z.object({ error: z.object({ code: z.string(), message: z.string(), ...fields }) });
}

/** Every operation of a document with its path and method. */
export function documentOperations<M extends string, O>(document: {
  paths: Record<string, Partial<Record<M, O>>>;
}): { path: string; method: M; operation: O }[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    (Object.entries(item) as [M, O][]).map(([method, operation]) => ({ path, method, operation })),
  );
}
