// SPDX-License-Identifier: Apache-2.0
// Production images leave the embedded PostgreSQL binaries out: a service there without a
// database setting is told which setting it needs, instead of failing inside the library.
import assert from 'node:assert/strict';

import { embeddedPostgresMissing, openDatabase } from '../../src/postgres/database';

describe('embedded PostgreSQL absent', function () {
  it('names the database settings when its binaries are not installed', function () {
    const message = embeddedPostgresMissing(() => {
      throw new Error('Cannot find module');
    });
    assert.match(String(message), /not installed here/);
    assert.match(String(message), /DATABASE_URL/);
  });

  it('is not reported where the binaries are installed (this repository)', async function () {
    assert.equal(embeddedPostgresMissing(), undefined);
    const given = await openDatabase({
      databaseUrl: 'postgres://h/db',
      dataDir: '/nonexistent',
      port: 5432,
      database: 'db',
    });
    assert.equal(given.embedded, false);
  });
});
