// SPDX-License-Identifier: Apache-2.0
// Structured chaincode errors. The message is a JSON object so that a client
// (the relay, an app) can parse `code` without matching on prose.

import { ErrorCode, isErrorCode, parseChaincodeError as parseErrorBody } from '../contract/errors';
import type { ErrorBody } from '../contract/errors';

export { ErrorCode } from '../contract/errors';
export type { ErrorBody } from '../contract/errors';

export class ChaincodeError extends Error {
  readonly code: ErrorCode;
  readonly field: string | undefined;
  readonly detail: string;

  constructor(code: ErrorCode, detail: string, field?: string) {
    // Fixed key order keeps the message byte-identical on every endorser.
    const body: ErrorBody =
      field === undefined ? { code, message: detail } : { code, field, message: detail };
    super(JSON.stringify(body));
    this.name = 'ChaincodeError';
    this.code = code;
    this.field = field;
    this.detail = detail;
  }
}

export const invalidArgument = (field: string, detail: string): ChaincodeError =>
  new ChaincodeError(ErrorCode.INVALID_ARGUMENT, detail, field);

export const notFound = (detail: string): ChaincodeError =>
  new ChaincodeError(ErrorCode.NOT_FOUND, detail);

export const alreadyExists = (detail: string): ChaincodeError =>
  new ChaincodeError(ErrorCode.ALREADY_EXISTS, detail);

export const forbidden = (detail: string): ChaincodeError =>
  new ChaincodeError(ErrorCode.FORBIDDEN, detail);

/**
 * Parses an error message produced by this chaincode (possibly wrapped by the
 * peer or an SDK in surrounding text). Returns undefined for anything else,
 * including a code this chaincode does not define.
 */
export function parseChaincodeError(text: string): ErrorBody | undefined {
  const body = parseErrorBody(text);
  return body && isErrorCode(body.code) ? { ...body, code: body.code } : undefined;
}
