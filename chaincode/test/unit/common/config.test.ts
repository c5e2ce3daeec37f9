// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { ChaincodeError } from '../../../src/common/errors';
import { loadChaincodeConfig, requireTokenAdminMsp } from '../../../src/common/config';

describe('chaincode service configuration', () => {
  it('reads TOKEN_ADMIN_MSP', () => {
    assert.deepEqual(loadChaincodeConfig({ TOKEN_ADMIN_MSP: ' Org1MSP ' }), {
      tokenAdminMsp: 'Org1MSP',
      problem: undefined,
    });
    assert.equal(
      requireTokenAdminMsp(loadChaincodeConfig({ TOKEN_ADMIN_MSP: 'Org2MSP' })),
      'Org2MSP',
    );
  });

  it('refuses, naming the variable, when it is unset, empty or not an MSP id', () => {
    for (const env of [{}, { TOKEN_ADMIN_MSP: '  ' }, { TOKEN_ADMIN_MSP: 'Org 1' }]) {
      assert.throws(
        () => requireTokenAdminMsp(loadChaincodeConfig(env)),
        (error: unknown) =>
          error instanceof ChaincodeError &&
          error.code === 'FORBIDDEN' &&
          /TOKEN_ADMIN_MSP/.test(error.detail),
      );
    }
  });

  it('reads the process environment by default', () => {
    const saved = process.env.TOKEN_ADMIN_MSP;
    process.env.TOKEN_ADMIN_MSP = 'Org3MSP';
    try {
      assert.equal(requireTokenAdminMsp(), 'Org3MSP');
    } finally {
      if (saved === undefined) delete process.env.TOKEN_ADMIN_MSP;
      else process.env.TOKEN_ADMIN_MSP = saved;
    }
  });
});
