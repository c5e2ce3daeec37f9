// SPDX-License-Identifier: Apache-2.0
import fs from 'node:fs';
import path from 'node:path';

export interface CorrelatedLine {
  process: string;
  /** The line's own time when it is a JSON line with one; undefined otherwise. */
  time: number | undefined;
  line: string;
}

function timeOf(line: string): number | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const time: unknown = (JSON.parse(line) as { time?: unknown }).time;
    const parsed = typeof time === 'number' ? time : Date.parse(String(time));
    return Number.isFinite(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Every line of every process's log under logsDir that names the correlation id, in time order
 * (lines without a time keep their place after the timed ones of their log): one request
 * followed through the app-api, the DAPP, the chaincode and datasync.
 */
export function correlatedLines(logsDir: string, correlationId: string): CorrelatedLine[] {
  const found: CorrelatedLine[] = [];
  for (const entry of fs
    .readdirSync(logsDir)
    .filter((name) => name.endsWith('.log'))
    .sort()) {
    const text = fs.readFileSync(path.join(logsDir, entry), 'utf8');
    let last: number | undefined;
    for (const line of text.split('\n')) {
      if (!line.includes(correlationId)) continue;
      last = timeOf(line) ?? last;
      found.push({ process: entry.replace(/\.log$/, ''), time: last, line });
    }
  }
  // a stable sort keeps each log's own order among lines of the same time
  return found.sort((a, b) => (a.time ?? Infinity) - (b.time ?? Infinity));
}
