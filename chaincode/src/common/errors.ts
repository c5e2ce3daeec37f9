// Structured chaincode errors. The message is a JSON object so that a client
// (the relay, an app) can parse `code` without matching on prose.

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

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  field?: string;
}

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
 * peer or an SDK in surrounding text). Returns undefined for anything else.
 */
export function parseChaincodeError(text: string): ErrorBody | undefined {
  const start = text.indexOf('{"code":');
  if (start < 0) {
    return undefined;
  }
  const end = text.lastIndexOf('}');
  try {
    // The slice starts with "{", so whatever parses is an object.
    const parsed = JSON.parse(text.slice(start, end + 1)) as Record<string, unknown>;
    if (
      typeof parsed.code === 'string' &&
      Object.values<string>(ErrorCode).includes(parsed.code) &&
      typeof parsed.message === 'string'
    ) {
      return parsed as unknown as ErrorBody;
    }
  } catch {
    // Not ours.
  }
  return undefined;
}
