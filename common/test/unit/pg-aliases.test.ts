// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';

import { postgresAliases, withAliases } from '../../src/pg';

describe('Postgres setting aliases', function () {
  it('names the libpq variables and their earlier names, per database', function () {
    assert.equal(postgresAliases().PGHOST, 'DB_HOST');
    assert.equal(postgresAliases('MIRROR_').MIRROR_PGSSLROOTCERT, 'MIRROR_DB_SSL_CA_FILE');
    assert.equal(Object.keys(postgresAliases()).length, 7);
  });

  it('takes an unset variable from its alias; the variable’s own name wins', function () {
    const resolved = withAliases(
      { DB_HOST: 'old-host', PGPORT: '6432', DB_PORT: '5432', DB_NAME: ' ', OTHER: 'x' },
      postgresAliases(),
    );
    assert.equal(resolved.PGHOST, 'old-host');
    assert.equal(resolved.PGPORT, '6432');
    assert.equal(resolved.PGDATABASE, undefined, 'a blank alias is not given');
    assert.equal(resolved.OTHER, 'x');
  });
});
