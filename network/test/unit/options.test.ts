// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import path from 'node:path';

import { UserError } from '../../src/errors';
import { DEFAULTS, defaultStateDir, parseNetworkOptions } from '../../src/topology/options';

function rejectsWith(
  raw: Parameters<typeof parseNetworkOptions>[0],
  message: RegExp,
  hint?: RegExp,
) {
  assert.throws(
    () => parseNetworkOptions(raw, {}),
    (error: unknown) => {
      assert.ok(error instanceof UserError);
      assert.match(error.message, message);
      if (hint) assert.match(error.hint ?? '', hint);
      return true;
    },
  );
}

describe('network options', function () {
  it('defaults to Kafka ordering, 2 orgs of 2 peers, channel consortium', function () {
    const options = parseNetworkOptions({}, {});
    assert.deepEqual({ ...options, stateDir: undefined }, { ...DEFAULTS, stateDir: undefined });
    assert.equal(options.stateDir, defaultStateDir({}));
  });

  it('takes CONSORTIA_STATE_DIR, and --state-dir over it', function () {
    assert.equal(parseNetworkOptions({}, { CONSORTIA_STATE_DIR: '/tmp/x' }).stateDir, '/tmp/x');
    assert.equal(
      parseNetworkOptions({ stateDir: 'rel' }, { CONSORTIA_STATE_DIR: '/tmp/x' }).stateDir,
      path.resolve('rel'),
    );
  });

  it('accepts etcdraft and numbers given as text', function () {
    const options = parseNetworkOptions(
      { consensus: 'etcdraft', orgs: '3', peersPerOrg: '1', basePort: '9000' },
      {},
    );
    assert.equal(options.consensus, 'etcdraft');
    assert.equal(options.orgs, 3);
    assert.equal(options.basePort, 9000);
  });

  it('rejects an unknown consensus, naming the choices', function () {
    rejectsWith({ consensus: 'solo' }, /unknown consensus 'solo'/, /kafka.*etcdraft/);
  });

  it('rejects orgs outside 1..10', function () {
    rejectsWith({ orgs: 0 }, /--orgs must be between 1 and 10, got 0/);
    rejectsWith({ orgs: '11' }, /--orgs must be between 1 and 10, got 11/);
  });

  it('rejects numbers that are not whole', function () {
    rejectsWith({ peersPerOrg: '1.5' }, /--peers-per-org must be a whole number/);
    rejectsWith({ basePort: 'abc' }, /--base-port must be a whole number/);
    rejectsWith({ basePort: '80' }, /--base-port must be between 1024 and 64000/);
  });

  it('rejects channel names Fabric would refuse', function () {
    rejectsWith({ channel: 'MyChannel' }, /invalid channel name/, /lower case/);
    rejectsWith({ channel: '1abc' }, /invalid channel name/);
  });
});
