// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { removeStaleResults } from '../../src/bench';

describe('npm run bench', function () {
  it("removes an earlier run's results and charts, and keeps what other commands wrote", function () {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-results-'));
    try {
      const files = [
        'dapp.json',
        'datasync.json',
        'app-api.json',
        'dapp-transfer-throughput.svg',
        'faults.json',
        'faults-kafka.json',
        'events.json',
        'notes.txt',
      ];
      for (const file of files) fs.writeFileSync(path.join(dir, file), '{}');
      assert.deepEqual(removeStaleResults(dir).sort(), [
        'app-api.json',
        'dapp-transfer-throughput.svg',
        'dapp.json',
        'datasync.json',
      ]);
      assert.deepEqual(fs.readdirSync(dir).sort(), [
        'events.json',
        'faults-kafka.json',
        'faults.json',
        'notes.txt',
      ]);
      assert.deepEqual(removeStaleResults(path.join(dir, 'missing')), []);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
