// SPDX-License-Identifier: Apache-2.0
// Every source file names its license in its first lines, as the LICENSE file and every
// package.json do (after a shebang line, where there is one).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import { REPOSITORY_ROOT } from '../../src/repository';

const SOURCE = /\.(ts|tsx|js|mjs|cjs)$/;
const HEADER = '// SPDX-License-Identifier: Apache-2.0';
/** Build output, dependencies and state, none of it written by hand. */
const SKIPPED = new Set(['node_modules', 'dist', 'coverage']);

function sources(dir: string, found: string[] = []): string[] {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || SKIPPED.has(entry.name)) continue;
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) sources(file, found);
    else if (SOURCE.test(entry.name) && !entry.name.endsWith('.d.ts')) found.push(file);
  }
  return found;
}

describe('license headers', function () {
  it('every source file starts with the SPDX identifier of the LICENSE', function () {
    const files = sources(REPOSITORY_ROOT);
    assert.ok(files.length > 100, `found only ${files.length} source files`);
    const missing = files.filter((file) => {
      const lines = fs.readFileSync(file, 'utf8').split('\n', 2);
      const first = lines[0]?.startsWith('#!') ? lines[1] : lines[0];
      return first !== HEADER;
    });
    assert.deepEqual(missing, [], `add "${HEADER}" as the first line (after any shebang)`);
    assert.match(fs.readFileSync(path.join(REPOSITORY_ROOT, 'LICENSE'), 'utf8'), /Apache License/);
  });
});
