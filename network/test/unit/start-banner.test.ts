// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import { accessInstructions } from '../../src/cli/commands/start';
import type { LocalCredentials, LocalService } from '../../src/services/local-services';
import { appApiAdminState, logOffset } from '../../src/services/app-api-admin';
import { tempDir } from '../support/temp';

const credentials = {
  dapp: { key: 'local.key', entry: 'local:salt:hash:default' },
  appApiJwtSecret: 'secret',
  explorer: { user: 'operator', password: 'pw', passwordHash: 'hash', sessionSecret: 's' },
} satisfies LocalCredentials;

const appApi: LocalService = {
  name: 'app-api',
  workspace: '/repo/app-api',
  port: 8102,
  url: 'http://127.0.0.1:8102',
  env: {},
};

describe('the start banner', function () {
  it('says to create the first administrator only while none exists', function () {
    const missing = accessInstructions([appApi], credentials, '/state', 'missing').join('\n');
    assert.match(missing, /no administrator exists yet/);
    assert.match(missing, /service app-api create-admin --username <you>/);

    const present = accessInstructions([appApi], credentials, '/state', 'present').join('\n');
    assert.doesNotMatch(present, /create-admin|first admin/);
    assert.match(present, /v1\/auth\/login/);

    const unknown = accessInstructions([appApi], credentials, '/state', 'unknown').join('\n');
    assert.match(unknown, /unless one exists/);
  });

  it("tells from the app-api's log lines of this start whether an administrator exists", function () {
    const log = path.join(tempDir('banner'), 'app-api.log');
    assert.equal(appApiAdminState(log, logOffset(log)), 'unknown', 'no log yet');
    fs.writeFileSync(
      log,
      '{"level":40,"msg":"no administrator exists yet; create one: node app-api/dist/index.js create-admin"}\n',
    );
    assert.equal(appApiAdminState(log, 0), 'missing');

    // the next start, after create-admin: no warning among its lines
    const offset = logOffset(log);
    assert.equal(appApiAdminState(log, offset), 'unknown', 'kept running: nothing new');
    fs.appendFileSync(log, '{"level":30,"msg":"listening","port":8102}\n');
    assert.equal(appApiAdminState(log, offset), 'present');
  });
});
