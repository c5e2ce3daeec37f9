import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A fresh directory under the system temp dir, readable by other users (e.g. postgres). */
export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `consortia-${prefix}-`));
  fs.chmodSync(dir, 0o755);
  return dir;
}

/** A base port whose whole network range is free of the usual local services. */
export function testBasePort(offset: number): number {
  return 20000 + offset * 1500;
}
