// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { selfSigned } from '@consortia/common/testing';

import type { Json, Signer } from '../../../src/fabric/config-signatures';
import {
  missingSignatures,
  modificationPolicies,
  organizationsToSign,
  signatureChecks,
  signerOf,
} from '../../../src/fabric/config-signatures';
import { envelopeContents } from '../../../src/fabric/config-update';

function signaturePolicy(mspId: string, role: string): Json {
  return {
    mod_policy: 'Admins',
    policy: {
      type: 1,
      value: {
        identities: [
          { principal: { msp_identifier: mspId, role }, principal_classification: 'ROLE' },
        ],
        rule: { n_out_of: { n: 1, rules: [{ signed_by: 0 }] } },
      },
    },
  };
}

function implicitMeta(rule: string, subPolicy: string): Json {
  return { mod_policy: 'Admins', policy: { type: 3, value: { rule, sub_policy: subPolicy } } };
}

function orgGroup(mspId: string): Json {
  return {
    mod_policy: 'Admins',
    version: '0',
    policies: {
      Admins: signaturePolicy(mspId, 'ADMIN'),
      Readers: signaturePolicy(mspId, 'MEMBER'),
    },
    values: { MSP: { mod_policy: 'Admins', version: '0', value: { config: { name: mspId } } } },
    groups: {},
  };
}

/** A channel config shaped like the ones configtxlator decodes, with three member orgs. */
function channelConfig(): Json {
  return {
    channel_group: {
      mod_policy: 'Admins',
      version: '0',
      policies: { Admins: implicitMeta('MAJORITY', 'Admins') },
      groups: {
        Application: {
          mod_policy: 'Admins',
          version: '1',
          policies: { Admins: implicitMeta('MAJORITY', 'Admins') },
          groups: {
            Org1MSP: orgGroup('Org1MSP'),
            Org2MSP: orgGroup('Org2MSP'),
            Org3MSP: orgGroup('Org3MSP'),
          },
        },
        Orderer: {
          mod_policy: 'Admins',
          version: '0',
          policies: { Admins: signaturePolicy('OrdererMSP', 'ADMIN') },
          values: {
            ConsensusType: { mod_policy: 'Admins', version: '0', value: { type: 'kafka' } },
          },
          groups: { OrdererMSP: orgGroup('OrdererMSP') },
        },
      },
    },
  };
}

const admin = (mspId: string): Signer => ({ mspId, admin: true, subject: 'OU=admin\nCN=Admin' });

/** An update that adds Org4MSP to the application group (the group's version moves on). */
const addOrg: Json = {
  channel_id: 'consortium',
  read_set: { groups: { Application: { version: '1' } } },
  write_set: {
    version: '0',
    groups: {
      Application: {
        version: '2',
        groups: {
          Org1MSP: { version: '0' },
          Org2MSP: { version: '0' },
          Org3MSP: { version: '0' },
          Org4MSP: orgGroup('Org4MSP'),
        },
      },
    },
  },
};

describe('config update signatures', function () {
  it('an added org falls under the application group Admins policy', function () {
    assert.deepEqual(modificationPolicies(channelConfig(), addOrg), [
      '/Channel/Application/Admins',
    ]);
  });

  it('a changed value falls under its own modification policy, in its group', function () {
    const update: Json = {
      write_set: {
        version: '0',
        groups: {
          Orderer: {
            version: '0',
            values: { ConsensusType: { version: '1', mod_policy: 'Admins' } },
          },
          Application: {
            version: '1',
            groups: { Org2MSP: { version: '0', values: { MSP: { version: '1' } } } },
          },
        },
      },
    };
    assert.deepEqual(modificationPolicies(channelConfig(), update), [
      '/Channel/Application/Org2MSP/Admins',
      '/Channel/Orderer/Admins',
    ]);
  });

  it('a majority of the member admins must sign, and the missing ones are named', function () {
    const config = channelConfig();
    const one = signatureChecks(config, addOrg, [admin('Org1MSP')]);
    assert.equal(one.length, 1);
    assert.equal(one[0]?.satisfied, false);
    assert.equal(one[0]?.needed, 1);
    assert.deepEqual(organizationsToSign(one), ['Org2MSP', 'Org3MSP']);
    assert.match(
      missingSignatures(one) ?? '',
      /needs 1 more admin signature, from any 1 of Org2MSP, Org3MSP/,
    );

    const two = signatureChecks(config, addOrg, [admin('Org1MSP'), admin('Org3MSP')]);
    assert.equal(two[0]?.satisfied, true);
    assert.equal(missingSignatures(two), undefined);
  });

  it('a member that is not an admin does not count for an ADMIN principal', function () {
    const checks = signatureChecks(channelConfig(), addOrg, [
      admin('Org1MSP'),
      { mspId: 'Org2MSP', admin: false, subject: 'OU=client\nCN=User1' },
    ]);
    assert.equal(checks[0]?.satisfied, false);
  });

  it('reads the signer and its admin role from the decoded signature header', function () {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'config-signatures-'));
    try {
      const { cert } = selfSigned(dir, 'admin', { subject: '/O=org1/OU=admin/CN=Admin@org1' });
      const idBytes = fs.readFileSync(cert).toString('base64');
      const signer = signerOf({
        signature_header: { creator: { mspid: 'Org1MSP', id_bytes: idBytes } },
      });
      assert.equal(signer.mspId, 'Org1MSP');
      assert.equal(signer.admin, true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a malformed envelope with the reason', function () {
    assert.throws(() => envelopeContents({}), /has no channel header/);
    assert.throws(
      () =>
        envelopeContents({ payload: { header: { channel_header: { type: 1, channel_id: 'c' } } } }),
      /header type is 1, not CONFIG_UPDATE/,
    );
    assert.throws(
      () =>
        envelopeContents({
          payload: { header: { channel_header: { type: 2, channel_id: 'c' } }, data: {} },
        }),
      /carries no config update/,
    );
    const decoded = envelopeContents({
      payload: {
        header: { channel_header: { type: 2, channel_id: 'consortium' } },
        data: { config_update: addOrg, signatures: [] },
      },
    });
    assert.equal(decoded.channel, 'consortium');
    assert.deepEqual(decoded.signers, []);
  });
});
