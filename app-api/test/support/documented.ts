// SPDX-License-Identifier: Apache-2.0
// One test per documented operation: each asserts that the suite received a successful answer
// from it. The app-api withholds (500 RESPONSE_INVALID) any answer that does not match the
// operation's schema, undeclared fields included, so a 2xx here is an answer that matched.
import assert from 'node:assert/strict';

import { openApiDocument } from '../../src/http/openapi';
import { answered } from './http';

interface DocumentedOperation {
  operationId: string;
  method: string;
  route: string;
  pattern: RegExp;
}

export function documentedOperations(): DocumentedOperation[] {
  return Object.entries(openApiDocument.paths).flatMap(([route, operations]) =>
    Object.entries(operations).map(([method, operation]) => ({
      operationId: operation.operationId,
      method: method.toUpperCase(),
      route,
      pattern: new RegExp(`^${route.replace(/\{[^}]+\}/g, '[^/]+')}$`),
    })),
  );
}

/** Operations of the event subscriptions (tag `events`), whose answers events.test.ts checks. */
export const EVENT_OPERATIONS: readonly string[] = Object.values(openApiDocument.paths).flatMap(
  (operations) =>
    Object.values(operations)
      .filter((operation) => operation.tags.includes('events'))
      .map((operation) => operation.operationId),
);

/** Declares, inside a describe, one test per operation not in `elsewhere`. */
export function eachOperationAnswersItsSchema(elsewhere: ReadonlySet<string>): void {
  for (const operation of documentedOperations()) {
    if (elsewhere.has(operation.operationId)) continue;
    it(`${operation.operationId} (${operation.method} ${operation.route}) answered within its schema`, function () {
      const answers = answered.filter(
        (answer) => answer.method === operation.method && operation.pattern.test(answer.path),
      );
      assert.ok(
        answers.some((answer) => answer.status >= 200 && answer.status < 300),
        `no successful answer from ${operation.operationId}: ${answers.map((answer) => answer.status).join(', ') || 'never called'}`,
      );
      assert.ok(
        answers.every((answer) => answer.status !== 500),
        `${operation.operationId} answered 500 (an answer that did not match the document?)`,
      );
    });
  }
}
