// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { runMigrations } from '../../src/postgres/migrate';

describe('runMigrations', function () {
  it('fails with the connection error when the server does not answer', async function () {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'consortia-migrations-'));
    fs.writeFileSync(path.join(dir, '1_first.sql'), 'SELECT 1;');
    try {
      await assert.rejects(
        runMigrations('postgres://nobody@127.0.0.1:1/none', { dir, table: 'test_migrations' }),
        /ECONNREFUSED/,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
