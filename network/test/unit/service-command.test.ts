// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';

import { oneOffEnv, oneOffSpawn } from '../../src/cli/commands/service';

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

  it("runs the service's entry point in the caller's directory", function () {
    const run = oneOffSpawn(
      { workspace: '/repo/datasync', env: { PORT: '8101' } },
      ['verify', '--offline'],
      { env: { PORT: '9000' }, cwd: '/home/me/work' },
    );
    assert.deepEqual(run.args, ['/repo/datasync/dist/index.js', 'verify', '--offline']);
    assert.equal(run.cwd, '/home/me/work');
    assert.equal(run.env.PORT, '9000');
  });
});
