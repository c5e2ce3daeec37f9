// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';

import { resultsFileName } from '../../src/results';

describe('test suite results files', function () {
  it('names a workspace and phase by a file in the results dir', function () {
    assert.equal(resultsFileName('network', 'test:unit'), 'network-unit.json');
    assert.equal(resultsFileName('app-api', 'test:integration'), 'app-api-integration.json');
  });

  it('gives a nested workspace a flat name, not a folder that does not exist', function () {
    assert.equal(
      resultsFileName('network/dev', 'test:integration'),
      'network-dev-integration.json',
    );
  });
});
