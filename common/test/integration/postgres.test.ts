// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import pg from 'pg';

import { grantSearch, openDatabase, unreachableParent } from '../../src/postgres/database';
import { runMigrations } from '../../src/postgres/migrate';

describe('embedded Postgres (real server)', function () {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'consortia-pg-'));
  fs.chmodSync(root, 0o755);
  const dataDir = path.join(root, 'data');
  const port = 25432;

  async function query<Row extends pg.QueryResultRow = Record<string, unknown>>(
    connectionString: string,
    sql: string,
  ): Promise<pg.QueryResult<Row>> {
    const client = new pg.Client({ connectionString });
    await client.connect();
    try {
      return await client.query<Row>(sql);
    } finally {
      await client.end();
    }
  }

  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('initialises, serves a database, and keeps its data across a restart', async function () {
    const first = await openDatabase({ dataDir, port, database: 'mirror' });
    try {
      assert.equal(first.embedded, true);
      await query(
        first.connectionString,
        'CREATE TABLE kept (value text); INSERT INTO kept VALUES ($$hello$$)',
      );
      const { rows } = await query(first.connectionString, 'SHOW server_version');
      assert.match(String(rows[0]?.server_version), /^18\./);
    } finally {
      await first.stop();
    }
    const second = await openDatabase({ dataDir, port, database: 'mirror' });
    try {
      const { rows } = await query(second.connectionString, 'SELECT value FROM kept');
      assert.deepEqual(rows, [{ value: 'hello' }]);
    } finally {
      await second.stop();
    }
  });

  it('applies pending migrations once, in order, recorded in the given table', async function () {
    const dir = path.join(root, 'migrations');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, '1_first.sql'), 'CREATE TABLE first (id int);');
    fs.writeFileSync(path.join(dir, '2_second.sql'), 'CREATE TABLE second (id int);');
    // what a TypeScript build leaves next to compiled migrations is not a migration
    fs.writeFileSync(path.join(dir, '2_second.d.ts'), 'export {};');
    fs.writeFileSync(path.join(dir, '2_second.js.map'), '{}');
    const database = await openDatabase({ dataDir, port, database: 'migrated' });
    try {
      const options = { dir, table: 'test_migrations', waitForLock: true };
      assert.deepEqual(await runMigrations(database.connectionString, options), [
        '1_first',
        '2_second',
      ]);
      assert.deepEqual(
        await runMigrations({ connectionString: database.connectionString }, options),
        [],
      );
      const { rows } = await query<{ name: string }>(
        database.connectionString,
        'SELECT name FROM test_migrations ORDER BY id',
      );
      assert.deepEqual(
        rows.map((row) => row.name),
        ['1_first', '2_second'],
      );
    } finally {
      await database.stop();
    }
  });

  it('uses DATABASE_URL as given, starting nothing', async function () {
    const database = await openDatabase({
      databaseUrl: 'postgres://u:p@db:5432/x',
      dataDir,
      port,
      database: 'x',
    });
    assert.deepEqual(
      { ...database, stop: undefined },
      {
        connectionString: 'postgres://u:p@db:5432/x',
        embedded: false,
        stop: undefined,
      },
    );
  });

  it('names the directory the postgres user cannot reach', function () {
    const closed = fs.mkdtempSync(path.join(os.tmpdir(), 'consortia-closed-'));
    fs.chmodSync(closed, 0o700);
    assert.equal(unreachableParent(path.join(closed, 'pg', 'data')), closed);
    assert.equal(unreachableParent(dataDir), undefined);
    fs.rmSync(closed, { recursive: true });
  });

  it('lets the postgres user pass through closed directories, without letting it list them', function () {
    const outer = fs.mkdtempSync(path.join(os.tmpdir(), 'consortia-closed-'));
    const inner = path.join(outer, 'inner');
    fs.mkdirSync(inner, { mode: 0o700 });
    fs.chmodSync(outer, 0o700);
    assert.deepEqual(grantSearch(path.join(inner, 'pg', 'data')), [inner, outer]);
    assert.equal(unreachableParent(path.join(inner, 'pg', 'data')), undefined);
    assert.equal(fs.statSync(outer).mode & 0o777, 0o701);
    assert.deepEqual(grantSearch(path.join(inner, 'pg', 'data')), []);
    fs.rmSync(outer, { recursive: true });
  });
});
