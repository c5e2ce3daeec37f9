// SPDX-License-Identifier: Apache-2.0
// The chaincode's error codes and the JSON error body every endorser returns.
// Dependency-free, so services can import it without the contract runtime.

export const ErrorCode = {
  INVALID_ARGUMENT: 'INVALID_ARGUMENT',
  NOT_FOUND: 'NOT_FOUND',
  ALREADY_EXISTS: 'ALREADY_EXISTS',
  FORBIDDEN: 'FORBIDDEN',
  DUPLICATE_REQUEST: 'DUPLICATE_REQUEST',
  REQUEST_ID_CONFLICT: 'REQUEST_ID_CONFLICT',
  OWNER_MISMATCH: 'OWNER_MISMATCH',
  INSUFFICIENT_FUNDS: 'INSUFFICIENT_FUNDS',
  INSUFFICIENT_ALLOWANCE: 'INSUFFICIENT_ALLOWANCE',
  NOT_INITIALIZED: 'NOT_INITIALIZED',
  CAP_EXCEEDED: 'CAP_EXCEEDED',
  UNKNOWN_FUNCTION: 'UNKNOWN_FUNCTION',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** The error message a chaincode function fails with: `{"code","field","message"}` as JSON. */
export interface ErrorBody {
  code: ErrorCode;
  message: string;
  field?: string;
}

/**
 * An error body as a client reads it: the code stays a string, so that a code added by a newer
 * chaincode version is still reported rather than dropped.
 */
export interface ChaincodeErrorBody {
  code: string;
  message: string;
  field?: string;
}

const CODES = new Set<string>(Object.values(ErrorCode));

export function isErrorCode(code: string): code is ErrorCode {
  return CODES.has(code);
}

/**
 * Finds the chaincode's JSON error inside whatever text a peer, the gateway or an SDK wraps
 * around it. Returns undefined for anything else.
 */
export function parseChaincodeError(text: string): ChaincodeErrorBody | undefined {
  const start = text.indexOf('{"code":');
  if (start < 0) return undefined;
  // The JSON object may be followed by more wrapping text; try each closing brace from the end.
  for (let end = text.lastIndexOf('}'); end > start; end = text.lastIndexOf('}', end - 1)) {
    try {
      const parsed = JSON.parse(text.slice(start, end + 1)) as Record<string, unknown>;
      if (typeof parsed.code === 'string' && typeof parsed.message === 'string') {
        const body: ChaincodeErrorBody = { code: parsed.code, message: parsed.message };
        if (typeof parsed.field === 'string') body.field = parsed.field;
        return body;
      }
    } catch {
      // not this brace
    }
  }
  return undefined;
}
