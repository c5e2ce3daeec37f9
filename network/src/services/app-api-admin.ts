// SPDX-License-Identifier: Apache-2.0
import fs from 'node:fs';

/**
 * What the app-api logs at start while no active administrator exists (app-api/src/service.ts,
 * `ensureConfiguredAdmin`); its absence from a start's log lines means one exists.
 */
const NO_ADMIN_MESSAGE = 'no administrator exists yet';

/** Whether the app-api has an administrator, as far as its log since `offset` tells. */
export type AdminState = 'missing' | 'present' | 'unknown';

/** Where the log ends now: the app-api's lines after it are those of the start that follows. */
export function logOffset(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

/**
 * Reads the app-api's log lines written since `offset`: a start with no administrator says so;
 * no new lines (an app-api already running was kept) leaves it unknown.
 */
export function appApiAdminState(file: string, offset: number): AdminState {
  let text: string;
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const size = fs.fstatSync(fd).size;
      const buffer = Buffer.alloc(Math.max(0, size - offset));
      fs.readSync(fd, buffer, 0, buffer.length, offset);
      text = buffer.toString('utf8');
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return 'unknown';
  }
  if (text.trim() === '') return 'unknown';
  return text.includes(NO_ADMIN_MESSAGE) ? 'missing' : 'present';
}
