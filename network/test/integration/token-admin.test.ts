// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import { serviceProcessName } from '../../src/chaincode/service';
import { ordererTlsCaFile } from '../../src/topology/topology';
import { peerAdminEnv } from '../../src/fabric/tools';
import { consortiaHome } from '../../src/install';
import { fabricTool } from '../../src/install/fabric';
import {
  COMMITTED_FUNCTION,
  tokenInitCommand,
  tokenInitEnv,
  tokenInitScript,
} from '../../src/k8s/chaincode-job';
import { loadNetwork } from '../../src/operations/status';
import { runCommand } from '../../src/process/run-command';
import { readPidRecord } from '../../src/process/supervisor';
import type { TestNetwork } from '../../src/testing';
import { connectGateway, sharedTestNetwork, TEST_TOKEN } from '../../src/testing';
import type { Org } from '../../src/topology/topology';
import { HOST, orgTlsCaFile } from '../../src/topology/topology';
import { tempDir } from '../support/temp';

// Who may initialize the token, on the shared real network: the chaincode services name the
// first org in TOKEN_ADMIN_MSP, the chaincode refuses Initialize from any other org, and the k8s
// chaincode Job's token lines, run with the real peer CLI, leave an initialized token alone.
describe('the token admin organization (real network)', function () {
  this.timeout(600_000);
  let network: TestNetwork;
  let org2: Org;

  before(async function () {
    network = await sharedTestNetwork();
    const second = network.topology.orgs[1];
    assert.ok(second, 'the shared network has two orgs');
    org2 = second;
  });

  it("every org's chaincode service names the first org as token admin", function () {
    for (const org of network.topology.orgs) {
      const record = readPidRecord(
        network.topology.paths.run,
        serviceProcessName(network.chaincode, org),
      );
      assert.ok(record, `${org.mspId}'s chaincode service runs`);
      const environ = fs.readFileSync(`/proc/${record.pid}/environ`, 'utf8').split('\0');
      assert.ok(environ.includes(`TOKEN_ADMIN_MSP=${network.org.mspId}`), org.mspId);
    }
  });

  it('refuses Initialize from another org, as not the token admin org', async function () {
    const connection = connectGateway(network.topology, org2);
    try {
      const contract = connection.gateway
        .getNetwork(network.topology.options.channel)
        .getContract(network.chaincode, 'TokenContract');
      const refusal = await contract
        .submitTransaction('Initialize', 'Stolen Token', 'STL', '2', '')
        .then(
          () => undefined,
          (error: unknown) => error,
        );
      assert.ok(refusal, 'Org2 could call Initialize');
      const details = JSON.stringify(refusal, Object.getOwnPropertyNames(refusal));
      // refused as the wrong org, not merely because the token already exists
      assert.match(details, /Initialize is reserved to Org1MSP; caller belongs to Org2MSP/);
      assert.doesNotMatch(details, /already initialized/);
      const info = JSON.parse(
        Buffer.from(await contract.evaluateTransaction('GetTokenInfo')).toString(),
      ) as { symbol: string; adminMspId?: string; admin?: string };
      assert.equal(info.symbol, TEST_TOKEN.symbol);
    } finally {
      connection.close();
    }
  });

  /**
   * Runs shell lines of the k8s chaincode Job with the real peer CLI, as `org`'s admin, endorsed
   * by every org's first peer (as --endorsing-peer adds them); `lines` get the peer flags.
   */
  async function runJobLines(
    org: Org,
    adminMsp: string,
    lines: (peerFlags: string) => string[],
  ): Promise<{ code: number | null; output: string }> {
    const { topology } = network;
    const peer = org.peers[0];
    assert.ok(peer);
    const peerFlags = topology.orgs
      .map(
        (each) =>
          `--peerAddresses ${HOST}:${each.peers[0]?.port} --tlsRootCertFiles ${orgTlsCaFile(topology, each)}`,
      )
      .join(' ');
    const orderer = topology.orderers[0];
    assert.ok(orderer);
    const deployed = loadNetwork(network.stateDir).manifest.chaincodes.find(
      (chaincode) => chaincode.name === network.chaincode,
    );
    const sequence = deployed?.sequence ?? 1;
    const script = [COMMITTED_FUNCTION, ...lines(peerFlags)].join('\n');
    const peerBin = path.dirname(fabricTool(consortiaHome(), 'peer'));
    const result = await runCommand('sh', ['-ec', script], {
      env: {
        ...process.env,
        ...peerAdminEnv(topology, org, peer),
        PATH: `${peerBin}:${process.env.PATH ?? ''}`,
        CHANNEL: topology.options.channel,
        CC_NAME: network.chaincode,
        CC_SEQUENCE: String(sequence),
        ORDERER: `${HOST}:${orderer.port}`,
        ORDERER_CA_FILE: ordererTlsCaFile(topology),
        WORK_DIR: tempDir('token-job'),
        ...tokenInitEnv({ adminMsp, ...TEST_TOKEN }),
      },
      timeoutMs: 120_000,
    });
    return { code: result.code, output: `${result.stdout}\n${result.stderr}` };
  }

  async function runTokenLines(org: Org, adminMsp: string): Promise<string> {
    const result = await runJobLines(org, adminMsp, tokenInitScript);
    assert.equal(result.code, 0, result.output);
    return result.output;
  }

  it("the k8s Job's Initialize call reaches the chaincode with valid arguments, as the admin org only", async function () {
    const invoke = (peerFlags: string) => [tokenInitCommand(peerFlags)];
    // the arguments parse and the admin org passes the org check: only the existing token stops it
    const asAdmin = await runJobLines(network.org, network.org.mspId, invoke);
    assert.notEqual(asAdmin.code, 0);
    assert.match(asAdmin.output, /token is already initialized/);
    const asOther = await runJobLines(org2, network.org.mspId, invoke);
    assert.notEqual(asOther.code, 0);
    assert.match(asOther.output, /Initialize is reserved to Org1MSP; caller belongs to Org2MSP/);
  });

  it("the k8s Job's token lines leave an initialized token alone", async function () {
    const output = await runTokenLines(network.org, network.org.mspId);
    assert.match(output, /token: already initialized/);
  });

  it("the k8s Job's token lines do nothing for an org that is not the admin", async function () {
    const output = await runTokenLines(org2, network.org.mspId);
    assert.match(output, /token: Org1MSP, its admin organization, initializes it/);
  });
});
