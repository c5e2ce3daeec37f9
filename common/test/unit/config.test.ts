// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';

import { z } from 'zod';

import { ConfigError, env, loadConfig } from '../../src/config/env';
import { postgresUrl, postgresVariables } from '../../src/config/postgres';

const schema = z.object({
  PORT: env.port(8080),
  KAFKA_BROKERS: env.list(),
  ASYNC_ENABLED: env.flag(true),
  LOG_LEVEL: env.logLevel(),
  DAPP_URL: env.url().optional(),
});

describe('configuration from environment variables', function () {
  it('applies defaults and converts types', function () {
    assert.deepEqual(loadConfig('svc', schema, {}), {
      PORT: 8080,
      KAFKA_BROKERS: [],
      ASYNC_ENABLED: true,
      LOG_LEVEL: 'info',
      DAPP_URL: undefined,
    });
    const config = loadConfig('svc', schema, {
      PORT: '9000',
      KAFKA_BROKERS: 'a:9092, b:9092,',
      ASYNC_ENABLED: 'no',
      LOG_LEVEL: 'debug',
      DAPP_URL: 'http://127.0.0.1:8080',
    });
    assert.equal(config.PORT, 9000);
    assert.deepEqual(config.KAFKA_BROKERS, ['a:9092', 'b:9092']);
    assert.equal(config.ASYNC_ENABLED, false);
  });

  it('treats an empty variable as unset', function () {
    assert.equal(loadConfig('svc', schema, { PORT: '  ' }).PORT, 8080);
  });

  it('reports every bad variable at once, by name and value', function () {
    assert.throws(
      () =>
        loadConfig('dapp', schema, {
          PORT: '70000',
          ASYNC_ENABLED: 'maybe',
          DAPP_URL: 'not a url',
        }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.equal(error.problems.length, 3);
        assert.match(error.message, /^dapp: invalid configuration/);
        assert.match(error.message, /PORT: .*\(got '70000'\)/);
        assert.match(error.message, /ASYNC_ENABLED: expected true or false \(got 'maybe'\)/);
        assert.match(error.message, /DAPP_URL: .*\(got 'not a url'\)/);
        return true;
      },
    );
  });

  it('accepts port 0 to listen on, but not as a port to connect to', function () {
    const ports = z.object({ PORT: env.listenPort(8080), PGPORT: env.port(5432) });
    assert.deepEqual(loadConfig('svc', ports, {}), { PORT: 8080, PGPORT: 5432 });
    assert.equal(loadConfig('svc', ports, { PORT: '0' }).PORT, 0);
    assert.throws(() => loadConfig('svc', ports, { PGPORT: '0' }), /PGPORT/);
    assert.throws(() => loadConfig('svc', ports, { PORT: '65536' }), /PORT/);
  });

  it('reads DATABASE_URL, or makes a URL of the libpq variables', function () {
    const schema = z.object(postgresVariables('mirror'));
    const read = (variables: NodeJS.ProcessEnv) =>
      postgresUrl(loadConfig('svc', schema, variables));
    assert.equal(read({}), undefined);
    assert.equal(read({ DATABASE_URL: 'postgres://u@db/x', PGHOST: 'other' }), 'postgres://u@db/x');
    assert.equal(read({ PGHOST: 'db' }), 'postgres://postgres@db:5432/mirror');
    assert.equal(
      read({
        PGHOST: 'db',
        PGPORT: '6432',
        PGDATABASE: 'my db',
        PGUSER: 'reader',
        PGPASSWORD: 'p@ss:word',
        PGSSLMODE: 'verify-full',
      }),
      'postgres://reader:p%40ss%3Aword@db:6432/my%20db?sslmode=verify-full&uselibpqcompat=true',
    );
    // the CA a mounted Secret holds, checked with libpq's meaning of the mode
    assert.equal(
      read({ PGHOST: 'db', PGSSLMODE: 'require', PGSSLROOTCERT: '/etc/consortia/db-ca/ca.crt' }),
      'postgres://postgres@db:5432/mirror?sslmode=require&sslrootcert=%2Fetc%2Fconsortia%2Fdb-ca%2Fca.crt&uselibpqcompat=true',
    );
  });

  it('reads trusted proxies as addresses, CIDR ranges or the names Express knows', function () {
    const schema = z.object({ PROXIES: env.proxies() });
    const read = (value?: string) => loadConfig('svc', schema, { PROXIES: value }).PROXIES;
    assert.deepEqual(read(), []);
    assert.deepEqual(read('loopback, 10.0.0.0/8,fd00::/8 ,192.0.2.7'), [
      'loopback',
      '10.0.0.0/8',
      'fd00::/8',
      '192.0.2.7',
    ]);
    for (const bad of ['everyone', '10.0.0.0/33', '10.0.0.1/8/1', 'fd00::/129', 'host.example']) {
      assert.throws(() => read(bad), /PROXIES/, bad);
    }
  });
});
