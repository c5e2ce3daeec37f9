// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import {
  ephemeralPortRange,
  ephemeralPortWarning,
  reservedPorts,
} from '../../src/topology/ephemeral-ports';

describe('network ports in the kernel ephemeral range', function () {
  const linuxDefault = { low: 32768, high: 60999 };

  it('warns when ports lie in the range, naming them, the range and both fixes', function () {
    const warning = ephemeralPortWarning([45000, 45190, 46100], linuxDefault, []);
    assert.ok(warning);
    assert.match(warning, /3 of the network's ports \(45000-46100\)/);
    assert.match(warning, /ephemeral port range 32768-60999/);
    assert.match(warning, /EADDRINUSE/);
    assert.match(warning, /--base-port below 31668/);
    assert.match(warning, /ip_local_reserved_ports=45000-46100/);
  });

  it('is silent for ports below the range, for reserved ports, and where the range is unknown', function () {
    assert.equal(ephemeralPortWarning([7000, 8103], linuxDefault, []), undefined);
    assert.equal(
      ephemeralPortWarning([45000, 45190], linuxDefault, [{ low: 45000, high: 46200 }]),
      undefined,
    );
    assert.equal(ephemeralPortWarning([45000], undefined, []), undefined);
  });

  it("reads the kernel's range and its reserved ports", function () {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ports-'));
    try {
      fs.writeFileSync(path.join(dir, 'range'), '32768\t60999\n');
      fs.writeFileSync(path.join(dir, 'reserved'), '1000,45000-46200\n');
      fs.writeFileSync(path.join(dir, 'none'), '\n');
      assert.deepEqual(ephemeralPortRange(path.join(dir, 'range')), linuxDefault);
      assert.equal(ephemeralPortRange(path.join(dir, 'missing')), undefined);
      assert.deepEqual(reservedPorts(path.join(dir, 'reserved')), [
        { low: 1000, high: 1000 },
        { low: 45000, high: 46200 },
      ]);
      assert.deepEqual(reservedPorts(path.join(dir, 'none')), []);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
