// SPDX-License-Identifier: Apache-2.0
import type { Request } from 'express';

import type { z } from './kit';

// The request validator has checked the body and the path parameters against the document
// generated from these same schemas before a route runs, so a route reads them with the
// schema's type instead of declaring the shape again.

/** The request body, as `schema` describes it. */
export function bodyOf<S extends z.ZodType>(request: Request, _schema: S): z.output<S> {
  return request.body as z.output<S>;
}

/** The path parameters, as `schema` describes them. */
export function paramsOf<S extends z.ZodType>(request: Request, _schema: S): z.output<S> {
  return request.params as z.output<S>;
}
