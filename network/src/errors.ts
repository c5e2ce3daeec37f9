// SPDX-License-Identifier: Apache-2.0
/**
 * An error caused by the user's input or environment. The CLI prints its message and hint
 * without a stack trace and exits non-zero; anything else is a bug and keeps its stack.
 */
export class UserError extends Error {
  constructor(
    message: string,
    /** What to do about it, printed on its own line. */
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

export function describeError(error: unknown): string {
  if (error instanceof UserError) {
    return error.hint ? `${error.message}\n  fix: ${error.hint}` : error.message;
  }
  if (error instanceof Error) return error.stack ?? error.message;
  return String(error);
}
