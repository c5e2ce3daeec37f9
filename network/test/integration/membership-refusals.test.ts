// SPDX-License-Identifier: Apache-2.0
/**
 * The envelope flow's refusals on the shared real network, which they leave unchanged: a config
 * update that would remove Org2 is created from the live channel config, and its submit is
 * refused for lacking Org2's signature before anything reaches the orderer; a file that is not a
 * config update envelope is refused before anything is signed or submitted. (The whole join and
 * leave runs on its own network: `npm run test:membership -w network`.)
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { fetchChannelConfig, orgAdmin } from '../../src/fabric/config-update';
import { consortiaHome } from '../../src/install';
import { applicationMembers } from '../../src/membership/channel-members';
import {
  createMembershipUpdate,
  envelopeStatus,
  signEnvelopeFile,
  submitEnvelopeFile,
} from '../../src/membership/update-files';
import type { TestNetwork } from '../../src/testing';
import { sharedTestNetwork } from '../../src/testing';

describe('membership config updates refused on the real network', function () {
  this.timeout(600_000);
  let network: TestNetwork;
  let dir: string;
  const home = consortiaHome();

  before(async function () {
    network = await sharedTestNetwork();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'membership-refusals-'));
  });

  after(function () {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  // the refusal comes from the signature check, before `peer channel update` runs
  const members = async () =>
    applicationMembers(
      await fetchChannelConfig(
        { home, topology: network.topology },
        network.topology.options.channel,
        orgAdmin(network.topology, network.org),
      ),
    );

  it('refuses a submit that lacks a required signature, naming who must still sign', async function () {
    const { topology } = network;
    const [org1, org2] = topology.orgs;
    assert.ok(org1 && org2);
    const file = path.join(dir, 'remove-org2.pb');
    const context = { home, topology };
    await createMembershipUpdate(context, {
      channel: topology.options.channel,
      change: { remove: org2.mspId },
      output: file,
    });
    const unsigned = await envelopeStatus(context, file);
    assert.equal(unsigned.complete, false);
    assert.deepEqual(unsigned.signers, []);
    assert.deepEqual(
      unsigned.checks.map((check) => check.policy),
      ['/Channel/Application/Admins'],
    );

    await assert.rejects(
      submitEnvelopeFile(context, file, orgAdmin(topology, org1)),
      /lacks required signatures: \/Channel\/Application\/Admins .* needs 1 more admin signature, from each of Org2MSP/,
    );
    assert.deepEqual(await members(), ['Org1MSP', 'Org2MSP']);

    // Org2's signature would complete it (not submitted: the shared network keeps its members)
    const signed = await signEnvelopeFile(context, file, orgAdmin(topology, org2));
    assert.deepEqual(
      signed.signers.map((signer) => [signer.mspId, signer.admin]),
      [['Org2MSP', true]],
    );
    const withSubmitter = await envelopeStatus(context, file, {
      extra: [orgAdmin(topology, org1)],
    });
    assert.equal(withSubmitter.complete, true);
  });

  it('refuses a malformed envelope before signing or submitting it', async function () {
    const { topology } = network;
    const [org1] = topology.orgs;
    assert.ok(org1);
    const file = path.join(dir, 'garbage.pb');
    fs.writeFileSync(file, 'not an envelope');
    const context = { home, topology };
    await assert.rejects(
      submitEnvelopeFile(context, file, orgAdmin(topology, org1)),
      /garbage\.pb is not a config update envelope/,
    );
    await assert.rejects(
      signEnvelopeFile(context, file, orgAdmin(topology, org1)),
      /is not a config update envelope/,
    );
    assert.equal(fs.readFileSync(file, 'utf8'), 'not an envelope');
  });
});
