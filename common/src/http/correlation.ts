// SPDX-License-Identifier: Apache-2.0
import { randomUUID } from 'node:crypto';

import type { RequestHandler } from 'express';

import { withCorrelationId } from '../logging/logger';

export const CORRELATION_HEADER = 'x-correlation-id';
const ACCEPTED = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Takes the caller's correlation id (or makes one), echoes it in the response, and runs the rest
 * of the request inside it so that logs and downstream calls carry it.
 */
export function correlationMiddleware(): RequestHandler {
  return (request, response, next) => {
    const offered = request.get(CORRELATION_HEADER);
    const id = offered && ACCEPTED.test(offered) ? offered : randomUUID();
    response.setHeader(CORRELATION_HEADER, id);
    withCorrelationId(id, () => next());
  };
}
