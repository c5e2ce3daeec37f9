// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';

import type { Json } from '../../../src/fabric/config-update';
import {
  addApplicationMember,
  addConsortiumMember,
  applicationMembers,
  removeApplicationMember,
  removeConsortiumMember,
} from '../../../src/membership/channel-members';
import {
  decodeMspRole,
  policyAfter,
  renderSignaturePolicy,
} from '../../../src/membership/endorsement';
import { newOrgIndex } from '../../../src/membership/add-org';
import { buildTopology } from '../../../src/topology/topology';
import { parseNetworkOptions } from '../../../src/topology/options';

const orgDefinition = (mspId: string): Json => ({
  values: {
    MSP: { value: { config: { name: mspId } } },
    AnchorPeers: { value: { anchor_peers: [{ host: '127.0.0.1', port: 7300 }] } },
  },
});

function config(): Json {
  return {
    channel_group: {
      groups: {
        Application: {
          groups: { Org1MSP: orgDefinition('Org1MSP'), Org2MSP: orgDefinition('Org2MSP') },
        },
        Consortiums: { groups: { Consortia: { groups: { Org1MSP: {}, Org2MSP: {} } } } },
      },
    },
  };
}

/** A decoded signature policy of one principal per org with role peer, n of them required. */
function signaturePolicy(n: number, msps: string[]): Json {
  return {
    identities: msps.map((msp) => ({
      principal: { msp_identifier: msp, role: 'PEER' },
      principal_classification: 'ROLE',
    })),
    rule: { n_out_of: { n, rules: msps.map((_, index) => ({ signed_by: index })) } },
  };
}

describe('membership edits and endorsement policies', function () {
  it('adds and removes an application member, refusing duplicates, strangers and the last member', function () {
    const edited = config();
    addApplicationMember(edited, 'Org3MSP', orgDefinition('Org3MSP'));
    assert.deepEqual(applicationMembers(edited), ['Org1MSP', 'Org2MSP', 'Org3MSP']);
    assert.throws(() => addApplicationMember(edited, 'Org3MSP', {}), /already a member/);
    removeApplicationMember(edited, 'Org2MSP');
    assert.deepEqual(applicationMembers(edited), ['Org1MSP', 'Org3MSP']);
    assert.throws(() => removeApplicationMember(edited, 'Org9MSP'), /not a member/);
    removeApplicationMember(edited, 'Org3MSP');
    assert.throws(() => removeApplicationMember(edited, 'Org1MSP'), /last member/);
  });

  it('puts a consortium member in without anchor peers', function () {
    const edited = config();
    assert.equal(addConsortiumMember(edited, 'Org3MSP', orgDefinition('Org3MSP')), true);
    const consortium = (
      ((edited.channel_group as Json).groups as Json).Consortiums as {
        groups: { Consortia: { groups: Record<string, { values: Json }> } };
      }
    ).groups.Consortia.groups;
    assert.deepEqual(Object.keys(consortium.Org3MSP?.values ?? {}), ['MSP']);
    assert.equal(addConsortiumMember(edited, 'Org3MSP', orgDefinition('Org3MSP')), false);
    assert.equal(removeConsortiumMember(edited, 'Org2MSP'), true);
    assert.equal(removeConsortiumMember(edited, 'Org2MSP'), false);
  });

  it('reads the MSP roles configtxlator leaves encoded in an ApplicationPolicy', function () {
    const bytes = Buffer.concat([
      Buffer.from([0x0a, 7]),
      Buffer.from('Org1MSP'),
      Buffer.from([0x10, 3]),
    ]);
    assert.deepEqual(decodeMspRole(bytes), { msp_identifier: 'Org1MSP', role: 'PEER' });
    const encoded: Json = {
      identities: [
        { principal: bytes.toString('base64'), principal_classification: 'ROLE' },
        {
          principal: Buffer.concat([Buffer.from([0x0a, 7]), Buffer.from('Org2MSP')]).toString(
            'base64',
          ),
          principal_classification: 'ROLE',
        },
      ],
      rule: { n_out_of: { n: 2, rules: [{ signed_by: 0 }, { signed_by: 1 }] } },
    };
    assert.equal(renderSignaturePolicy(encoded), "OutOf(2, 'Org1MSP.peer', 'Org2MSP.member')");
  });

  it('renders a decoded signature policy in the peer CLI language', function () {
    assert.equal(
      renderSignaturePolicy(signaturePolicy(1, ['Org1MSP', 'Org2MSP'])),
      "OutOf(1, 'Org1MSP.peer', 'Org2MSP.peer')",
    );
  });

  it('moves a policy on for a joining or leaving org: all stays all, any stays any', function () {
    const both = ['Org1MSP', 'Org2MSP'];
    assert.equal(
      policyAfter(signaturePolicy(2, both), 'Org3MSP', 'add'),
      "OutOf(3, 'Org1MSP.peer', 'Org2MSP.peer', 'Org3MSP.peer')",
    );
    assert.equal(
      policyAfter(signaturePolicy(1, both), 'Org3MSP', 'add'),
      "OutOf(1, 'Org1MSP.peer', 'Org2MSP.peer', 'Org3MSP.peer')",
    );
    const three = ['Org1MSP', 'Org2MSP', 'Org3MSP', 'Org4MSP'];
    assert.equal(
      policyAfter(signaturePolicy(3, three), 'Org4MSP', 'remove'),
      "OutOf(2, 'Org1MSP.peer', 'Org2MSP.peer', 'Org3MSP.peer')",
    );
    assert.equal(policyAfter(signaturePolicy(1, both), 'Org5MSP', 'remove'), undefined);
    const nested: Json = {
      identities: signaturePolicy(1, both).identities,
      rule: { n_out_of: { n: 1, rules: [{ n_out_of: { n: 1, rules: [{ signed_by: 0 }] } }] } },
    };
    assert.throws(
      () => policyAfter(nested, 'Org3MSP', 'add'),
      /not one principal per organization/,
    );
  });

  it('names a new org Org<next>, refusing a member, a bad name and one past the port layout', function () {
    const topology = buildTopology(parseNetworkOptions({ stateDir: '/tmp/x', basePort: 24000 }));
    assert.equal(newOrgIndex(topology, undefined), 3);
    assert.equal(newOrgIndex(topology, 'Org5'), 5);
    assert.throws(() => newOrgIndex(topology, 'Org2'), /already a member/);
    assert.throws(() => newOrgIndex(topology, 'Acme'), /Org<n>/);
    assert.throws(() => newOrgIndex(topology, 'Org11'), /room for Org1\.\.Org10/);
  });
});
