// SPDX-License-Identifier: Apache-2.0
/*
 * PGSSLMODE against a real Postgres serving a self-signed certificate, as an in-cluster server or
 * RDS (whose CA is not a public one) does: the URL the services build from the libpq variables
 * keeps libpq's meaning of each mode, and PGSSLROOTCERT names the CA to check the server against.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import pg from 'pg';

import type { PostgresVariables } from '../../src/config/postgres';
import { postgresUrl } from '../../src/config/postgres';
import { openDatabase } from '../../src/postgres/database';
import type { Database } from '../../src/postgres/database';
import { freePort, selfSigned, tempDir } from '../../src/testing';

describe('PGSSLMODE against a Postgres with a self-signed certificate (real server)', function () {
  this.timeout(120_000);
  const root = tempDir('consortia-pg-tls-');
  fs.chmodSync(root, 0o755);
  const dataDir = path.join(root, 'data');
  let port = 0;
  let database: Database | undefined;
  let user = '';
  let password = '';
  const server = selfSigned(path.join(root, 'certs'), 'server', {
    subject: '/CN=localhost',
    subjectAltName: 'DNS:localhost',
  });
  const otherCa = selfSigned(path.join(root, 'certs'), 'other', { subject: '/CN=Other CA' });

  before(async () => {
    port = await freePort();
    // a first start makes the data folder; the server then restarts with TLS on
    const first = await openDatabase({ dataDir, port, database: 'tls' });
    const url = new URL(first.connectionString);
    user = decodeURIComponent(url.username);
    password = decodeURIComponent(url.password);
    await first.stop();
    const owner = fs.statSync(dataDir);
    for (const [from, to] of [
      [server.cert, 'server.crt'],
      [server.key, 'server.key'],
    ] as const) {
      const target = path.join(dataDir, to);
      fs.copyFileSync(from, target);
      // Postgres reads its key only when the server's own user alone may read it
      fs.chmodSync(target, 0o600);
      fs.chownSync(target, owner.uid, owner.gid);
    }
    fs.appendFileSync(
      path.join(dataDir, 'postgresql.conf'),
      "\nssl = on\nssl_cert_file = 'server.crt'\nssl_key_file = 'server.key'\n",
    );
    database = await openDatabase({ dataDir, port, database: 'tls' });
  });

  after(async () => {
    await database?.stop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  /** Connects with the URL the libpq variables give; returns whether the session is encrypted. */
  async function encrypted(variables: Partial<PostgresVariables> | string): Promise<boolean> {
    const url =
      typeof variables === 'string'
        ? variables
        : postgresUrl({
            PGHOST: 'localhost',
            PGPORT: port,
            PGDATABASE: 'tls',
            PGUSER: user,
            PGPASSWORD: password,
            ...variables,
          });
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      const { rows } = await client.query<{ ssl: boolean }>(
        'SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()',
      );
      return rows[0]?.ssl === true;
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  it('require: encrypted, without checking the certificate (libpq), where it used to be refused', async () => {
    assert.equal(await encrypted({ PGSSLMODE: 'require' }), true);
    // the URL as it was made before: node-postgres reads a bare sslmode=require as verify-full
    const bare = `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@localhost:${port}/tls?sslmode=require`;
    await assert.rejects(encrypted(bare), /self.signed/i);
  });

  it('verify-full with PGSSLROOTCERT: checked against the mounted CA and the host name', async () => {
    assert.equal(await encrypted({ PGSSLMODE: 'verify-full', PGSSLROOTCERT: server.cert }), true);
    await assert.rejects(
      encrypted({ PGSSLMODE: 'verify-full', PGSSLROOTCERT: otherCa.cert }),
      /self.signed|unable to verify|certificate/i,
    );
    await assert.rejects(encrypted({ PGSSLMODE: 'verify-full' }), /self.signed|certificate/i);
  });

  it('require with PGSSLROOTCERT checks the certificate against it (verify-ca)', async () => {
    assert.equal(await encrypted({ PGSSLMODE: 'require', PGSSLROOTCERT: server.cert }), true);
    await assert.rejects(
      encrypted({ PGSSLMODE: 'require', PGSSLROOTCERT: otherCa.cert }),
      /self.signed|unable to verify|certificate/i,
    );
  });

  it('disable: a plain session', async () => {
    assert.equal(await encrypted({ PGSSLMODE: 'disable' }), false);
  });
});
