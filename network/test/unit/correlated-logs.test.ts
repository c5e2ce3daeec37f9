// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import { correlatedLines } from '../../src/monitoring/correlated-logs';
import { tempDir } from '../support/temp';

describe('consortia logs --correlation-id', function () {
  it("merges every process's lines naming the id, in time order", function () {
    const logs = tempDir('correlated-logs');
    const line = (time: string, message: string, id = 'req-1') =>
      JSON.stringify({ time, correlationId: id, msg: message });
    fs.writeFileSync(
      path.join(logs, 'app-api.log'),
      [
        line('2026-01-01T00:00:01.000Z', 'write accepted'),
        line('2026-01-01T00:00:09.000Z', 'other', 'req-2'),
      ].join('\n'),
    );
    fs.writeFileSync(
      path.join(logs, 'dapp.log'),
      [
        line('2026-01-01T00:00:02.000Z', 'submitted'),
        line('2026-01-01T00:00:04.000Z', 'committed'),
      ].join('\n'),
    );
    fs.writeFileSync(
      path.join(logs, 'datasync.log'),
      `${line('2026-01-01T00:00:05.000Z', 'mirrored')}\nplain text req-1 after it\n`,
    );
    fs.writeFileSync(path.join(logs, 'peer0.org1.log'), 'nothing of it\n');
    const found = correlatedLines(logs, 'req-1');
    assert.deepEqual(
      found.map((each) => each.process),
      ['app-api', 'dapp', 'dapp', 'datasync', 'datasync'],
    );
    assert.match(found[4]?.line ?? '', /plain text/);
  });
});
