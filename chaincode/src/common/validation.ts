// SPDX-License-Identifier: Apache-2.0
// Argument checks shared by both contracts. Identifiers are restricted to a
// safe character set so they can never break a composite key (which uses U+0000
// as separator) or surprise a CouchDB selector.
import { isJsonObject, type JsonValue } from './canonical-json';
import { invalidArgument } from './errors';

const IDENTIFIER = /^[A-Za-z0-9][A-Za-z0-9._:@-]*$/;
export const MAX_ID_LENGTH = 128;
// Bound on JSON payloads so one transaction cannot bloat the world state.
export const MAX_JSON_BYTES = 64 * 1024;

export function requireIdentifier(field: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw invalidArgument(field, `${field} is required`);
  }
  if (value.length > MAX_ID_LENGTH || !IDENTIFIER.test(value)) {
    throw invalidArgument(
      field,
      `${field} must be 1-${MAX_ID_LENGTH} characters of letters, digits and . _ : @ -, starting with a letter or digit`,
    );
  }
  return value;
}

// Request ids are opaque to the chaincode; the DAPP sends `<caller>:<caller's id>`.
const REQUEST_ID = /^[A-Za-z0-9._:@-]+$/;
export const MAX_REQUEST_ID_LENGTH = 256;

export function requireRequestId(field: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw invalidArgument(field, `${field} is required`);
  }
  if (value.length > MAX_REQUEST_ID_LENGTH || !REQUEST_ID.test(value)) {
    throw invalidArgument(
      field,
      `${field} must be 1-${MAX_REQUEST_ID_LENGTH} characters of letters, digits and . _ : @ -`,
    );
  }
  return value;
}

export function requireText(field: string, value: unknown, maxLength: number): string {
  if (typeof value !== 'string' || value.trim().length === 0) {
    throw invalidArgument(field, `${field} is required`);
  }
  if (value.length > maxLength || value !== value.trim()) {
    throw invalidArgument(
      field,
      `${field} must be at most ${maxLength} characters without surrounding spaces`,
    );
  }
  return value;
}

/** Parses a JSON text that must hold an object. */
export function parseJsonObject(field: string, text: unknown): Record<string, JsonValue> {
  if (typeof text !== 'string' || text.length === 0) {
    throw invalidArgument(field, `${field} must be a JSON object`);
  }
  if (Buffer.byteLength(text, 'utf8') > MAX_JSON_BYTES) {
    throw invalidArgument(field, `${field} exceeds ${MAX_JSON_BYTES} bytes`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalidArgument(field, `${field} is not valid JSON`);
  }
  if (!isJsonObject(parsed)) {
    throw invalidArgument(field, `${field} must be a JSON object`);
  }
  return parsed;
}

export function requirePageSize(value: unknown, max = 200): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    throw invalidArgument('pageSize', `pageSize must be an integer from 1 to ${max}`);
  }
  return value;
}

export function optionalBookmark(value: unknown): string {
  if (value === undefined || value === null || value === '') {
    return '';
  }
  if (typeof value !== 'string' || value.length > 1024) {
    throw invalidArgument('bookmark', 'bookmark must be a string returned by a previous page');
  }
  return value;
}
