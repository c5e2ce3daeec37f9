// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';

import {
  TEST_NETWORK_BASE_PORT,
  TEST_NETWORK_BASE_PORT_ENV,
  testNetworkBasePort,
} from '../../src/testing';

describe('shared test network base port', () => {
  it('defaults to the range clear of npm start and the workspaces’ own tests', () => {
    assert.equal(testNetworkBasePort({}), TEST_NETWORK_BASE_PORT);
  });

  it('moves to the port a second checkout names', () => {
    assert.equal(testNetworkBasePort({ [TEST_NETWORK_BASE_PORT_ENV]: '40000' }), 40000);
  });

  it('refuses a value that is not a usable port, naming the variable', () => {
    assert.throws(
      () => testNetworkBasePort({ [TEST_NETWORK_BASE_PORT_ENV]: 'twelve' }),
      new RegExp(TEST_NETWORK_BASE_PORT_ENV),
    );
  });
});
