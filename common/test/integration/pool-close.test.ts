// SPDX-License-Identifier: Apache-2.0
// A pool's end() resolves once it has asked its connections to close, before the server has
// let them go; stopping the server in that window answered each one with "terminating
// connection due to administrator command", an 'error' with no listener that failed the run.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import pg from 'pg';

import { closePool } from '../../src/pg';
import { openDatabase } from '../../src/postgres/database';
import type { Database } from '../../src/postgres/database';
import { freePort } from '../../src/testing';

describe('closing a Postgres pool (real server)', function () {
  this.timeout(120_000);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'consortia-pool-'));
  fs.chmodSync(root, 0o755);
  let database: Database;
  let watcher: pg.Client;

  before(async function () {
    database = await openDatabase({
      dataDir: path.join(root, 'data'),
      port: await freePort(),
      database: 'pools',
    });
    watcher = new pg.Client({ connectionString: database.connectionString });
    await watcher.connect();
  });

  after(async function () {
    await watcher?.end();
    await database?.stop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  async function backends(name: string): Promise<number> {
    const { rows } = await watcher.query<{ count: string }>(
      'SELECT count(*) FROM pg_stat_activity WHERE application_name = $1',
      [name],
    );
    return Number(rows[0]?.count);
  }

  it('resolves only once the server has let every connection go', async function () {
    for (let round = 0; round < 5; round += 1) {
      const name = `closing-${round}`;
      const pool = new pg.Pool({
        connectionString: database.connectionString,
        max: 4,
        application_name: name,
      });
      // four connections at once, all idle when the pool closes
      await Promise.all([1, 2, 3, 4].map(() => pool.query('SELECT pg_sleep(0.05)')));
      assert.equal(await backends(name), 4);
      await closePool(pool);
      assert.equal(await backends(name), 0, `round ${round}: a connection outlived closePool`);
    }
  });

  it('waits for a checked-out client to be released, then closes it too', async function () {
    const name = 'checked-out';
    const pool = new pg.Pool({
      connectionString: database.connectionString,
      application_name: name,
    });
    const client = await pool.connect();
    const closing = closePool(pool);
    let closed = false;
    void closing.then(() => (closed = true));
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(closed, false);
    client.release();
    await closing;
    assert.equal(await backends(name), 0);
  });
});
