import assert from 'node:assert/strict';

import { oneOffEnv } from '../../src/cli/commands/service';

describe('consortia service', function () {
  it("lets the caller's environment override the service's local settings", function () {
    const env = oneOffEnv(
      { PORT: '8102', DATABASE_URL: 'postgres://local/mirror', LOG_LEVEL: 'info' },
      { PORT: '9999', DATABASE_URL: 'postgres://elsewhere/db', HOME: '/home/me' },
    );
    assert.equal(env.PORT, '9999');
    assert.equal(env.DATABASE_URL, 'postgres://elsewhere/db');
    assert.equal(env.LOG_LEVEL, 'info');
    assert.equal(env.HOME, '/home/me');
  });
});
