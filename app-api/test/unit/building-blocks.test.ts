// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';

import { ConfigError } from '@consortia/common';

import { readConfig, readStoreConfig } from '../../src/config';
import { mapDappRefusal } from '../../src/dapp/client';
import { audited, outcomeOf } from '../../src/http/audit';
import { formatAmount, toBaseUnits } from '../../src/mirror/amounts';
import { CursorError, decodeCursor, encodeCursor } from '../../src/mirror/cursor';
import { storedCompositeKey } from '../../src/mirror/reader';

describe('cursors', function () {
  it('continue the same sort and filters, and refuse anything else', function () {
    const cursor = encodeCursor('-updatedAt', ['2026-01-01T00:00:00Z', 'A1'], { ownerId: 'alice' });
    assert.deepEqual(decodeCursor(cursor, '-updatedAt', { ownerId: 'alice' }, 2), [
      '2026-01-01T00:00:00Z',
      'A1',
    ]);
    assert.throws(() => decodeCursor(cursor, 'id', { ownerId: 'alice' }, 2), /sort '-updatedAt'/);
    assert.throws(() => decodeCursor(cursor, '-updatedAt', { ownerId: 'bob' }, 2), /other filters/);
    assert.throws(() => decodeCursor('bm90IGpzb24', '-updatedAt', {}, 2), CursorError);
  });
});

describe('token amounts', function () {
  it('convert between base units and decimal strings exactly', function () {
    assert.equal(formatAmount('150075', 2), '1500.75');
    assert.equal(formatAmount('5', 2), '0.05');
    assert.equal(formatAmount('100', 2), '1');
    assert.equal(
      formatAmount('123456789012345678901234567890', 0),
      '123456789012345678901234567890',
    );
    assert.equal(toBaseUnits('1500.75', 2), '150075');
    assert.equal(toBaseUnits('0.5', 2), '50');
    assert.equal(toBaseUnits('0.001', 2), undefined);
    assert.equal(toBaseUnits('-1', 2), undefined);
  });
});

describe('mirror keys', function () {
  it('escape composite keys as datasync stores them', function () {
    assert.equal(storedCompositeKey('asset', ['A1']), '\\0asset\\0A1\\0');
    assert.equal(storedCompositeKey('asset', ['a\\b']), '\\0asset\\0a\\\\b\\0');
  });
});

describe('audit outcomes', function () {
  it('records every write and every denial, not plain reads', function () {
    assert.equal(audited('GET', 200), false);
    assert.equal(audited('GET', 403), true);
    assert.equal(audited('GET', 429), true);
    assert.equal(audited('POST', 201), true);
    assert.equal(outcomeOf(201), 'success');
    assert.equal(outcomeOf(202), 'accepted');
    assert.equal(outcomeOf(401), 'denied');
    assert.equal(outcomeOf(422), 'rejected');
    assert.equal(outcomeOf(503), 'failed');
  });
});

describe('DAPP refusals', function () {
  it('keep the portal’s own mistakes and turn set-up faults into 502', function () {
    const funds = mapDappRefusal(422, {
      error: {
        code: 'INSUFFICIENT_FUNDS',
        message: 'no',
        chaincode: { code: 'INSUFFICIENT_FUNDS', field: 'amount' },
      },
    });
    assert.equal(funds.status, 422);
    assert.equal(funds.details.field, 'amount');
    assert.equal(mapDappRefusal(401, {}).code, 'DAPP_REFUSED_CREDENTIALS');
    assert.equal(mapDappRefusal(401, {}).status, 502);
    assert.equal(mapDappRefusal(400, { error: { code: 'UNKNOWN_IDENTITY' } }).status, 502);
    assert.equal(mapDappRefusal(403, { error: { code: 'ACCESS_DENIED' } }).status, 502);
    assert.equal(
      mapDappRefusal(403, { error: { code: 'FORBIDDEN', chaincode: { code: 'FORBIDDEN' } } })
        .status,
      403,
    );
    assert.equal(mapDappRefusal(503, null).status, 503);
  });
});

describe('configuration', function () {
  const valid = {
    MIRROR_DATABASE_URL: 'postgres://mirror',
    DAPP_URL: 'http://dapp:8080',
    DAPP_API_KEY: 'app-api.key',
    APP_API_JWT_SECRET: 'x'.repeat(40),
  };

  it('reads a complete environment', function () {
    const config = readConfig(valid);
    assert.equal(config.PORT, 8080);
    assert.equal(config.jwtSecret.length, 40);
    assert.equal(config.adminPassword, undefined);
  });

  it('reports every problem at once, naming the variable and the fix', function () {
    try {
      readConfig({ APP_API_JWT_SECRET: 'short', PORT: 'eighty', APP_API_ADMIN_USERNAME: 'root' });
      assert.fail('accepted');
    } catch (error) {
      assert.ok(error instanceof ConfigError);
      const text = error.problems.join('\n');
      for (const name of [
        'PORT',
        'DAPP_URL',
        'DAPP_API_KEY',
        'MIRROR_DATABASE_URL',
        'APP_API_JWT_SECRET',
        'APP_API_ADMIN_PASSWORD',
      ]) {
        assert.match(text, new RegExp(name), `${name} in\n${text}`);
      }
      assert.match(text, /at least 32 bytes/);
      assert.match(text, /no default password/);
    }
  });

  it('reads both databases from libpq variables, the earlier DB_* names being aliases', function () {
    const config = readConfig({
      ...valid,
      MIRROR_DATABASE_URL: undefined,
      DB_HOST: 'own-db',
      DB_PORT: '6432',
      PGPORT: '7432',
      DB_SSL_MODE: 'require',
      MIRROR_DB_HOST: 'mirror-db',
      MIRROR_PGDATABASE: 'mirror',
      MIRROR_DB_NAME: 'ignored',
    });
    assert.deepEqual(
      [config.PGHOST, config.PGPORT, config.PGSSLMODE, config.PGDATABASE],
      ['own-db', 7432, 'require', 'consortia_app'],
    );
    assert.deepEqual([config.MIRROR_PGHOST, config.MIRROR_PGDATABASE], ['mirror-db', 'mirror']);
    assert.equal(readStoreConfig({ DB_USER: 'app' }).PGUSER, 'app');
  });

  it('believes X-Forwarded-For from the listed proxies, or a hop count, never both', function () {
    assert.equal(readConfig(valid).trustProxy, 0);
    assert.deepEqual(
      readConfig({ ...valid, APP_API_TRUSTED_PROXIES: '10.0.0.5, 10.1.0.0/16' }).trustProxy,
      ['10.0.0.5', '10.1.0.0/16'],
    );
    assert.equal(readConfig({ ...valid, APP_API_TRUST_PROXY: '1' }).trustProxy, 1);
    assert.throws(
      () => readConfig({ ...valid, APP_API_TRUSTED_PROXIES: '10.0.0.5', APP_API_TRUST_PROXY: '1' }),
      /not both/,
    );
    assert.throws(
      () => readConfig({ ...valid, APP_API_TRUSTED_PROXIES: 'everyone' }),
      /APP_API_TRUSTED_PROXIES/,
    );
  });
});
