// SPDX-License-Identifier: Apache-2.0
/**
 * The org-blockchain chart's CRL publisher, its three steps as the CronJob's pod runs them (the
 * chart's files/crl-publisher/*.sh with the local Fabric programs, and the network's
 * dist/ca/crl-job-main.js), against a real network of CAs (the one `npm run test:ca -w
 * @consortia/app-api` uses, brought up or resumed by caTestNetwork): a user revoked at the CA is
 * refused by the peers after one round, and a round with nothing new adds no block.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import type { CaCredentials } from '@consortia/common';
import { FabricCaClient } from '@consortia/common';
import { openGateway } from '@consortia/common/fabric';

import { orgAdmin } from '../../src/fabric/config-update';
import { channelHeight } from '../../src/fabric/channel-info';
import { fabricBinDir } from '../../src/install/fabric';
import { consortiaHome } from '../../src/install';
import { waitFor } from '../../src/process/wait';
import { REPOSITORY_ROOT } from '../../src/repository';
import { caTestNetwork } from '../../src/testing/ca-network';
import type { TestNetworkCa } from '../../src/testing/ca-network';
import { testCasUnavailable } from '../../src/testing/test-cas';
import type { Org, Topology } from '../../src/topology/topology';
import { HOST, orgTlsCaFile, ordererTlsCaFile, TLS_HOST_NAME } from '../../src/topology/topology';

const SCRIPTS = path.join(REPOSITORY_ROOT, 'charts/org-blockchain/files/crl-publisher');
const COMPARE = path.join(REPOSITORY_ROOT, 'network/src/ca/crl-job-main.ts');

describe("the chart's CRL publisher steps on a network of CAs", function () {
  this.timeout(900_000);
  const home = consortiaHome();
  let topology: Topology;
  let org: Org;
  let ca: TestNetworkCa;
  let registrar: CaCredentials;
  let work: string;

  before(async function () {
    const unavailable = testCasUnavailable();
    if (unavailable) {
      console.log(`      skipped: ${unavailable}`);
      this.skip();
    }
    ({ topology, org, ca } = await caTestNetwork());
    registrar = {
      certificate: fs.readFileSync(ca.registrarCertFile, 'utf8'),
      privateKey: crypto.createPrivateKey(fs.readFileSync(ca.registrarKeyFile)),
    };
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'consortia-crl-steps-'));
  });

  after(function () {
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  /** One round: the pod's three steps, each with the environment the chart gives it. */
  function round(): string {
    const orderer = topology.orderers[0];
    assert.ok(orderer);
    const admin = orgAdmin(topology, org).env;
    // the peer CLI steps: the admin's MSP, the orderer's TLS CA, the shared work folder
    const peerEnv = {
      ...process.env,
      PATH: `${fabricBinDir(home)}${path.delimiter}${process.env.PATH ?? ''}`,
      CHANNEL: topology.options.channel,
      ORDERER: `${HOST}:${orderer.port}`,
      ORDERER_TLS_CA: ordererTlsCaFile(topology),
      CRL_WORK_DIR: work,
      CRL_MSP_ID: org.mspId,
      CORE_PEER_LOCALMSPID: org.mspId,
      CORE_PEER_MSPCONFIGPATH: admin.CORE_PEER_MSPCONFIGPATH,
      CORE_PEER_TLS_ENABLED: 'true',
      CORE_PEER_TLS_ROOTCERT_FILE: ordererTlsCaFile(topology),
      FABRIC_CFG_PATH: admin.FABRIC_CFG_PATH,
    };
    // the CRL step: the registrar and the CA, no admin key
    const compareEnv = {
      ...process.env,
      CRL_MSP_ID: org.mspId,
      CRL_CONFIG_FILE: path.join(work, 'config.json'),
      CRL_UPDATED_FILE: path.join(work, 'updated.json'),
      FABRIC_CA_URL: ca.url,
      FABRIC_CA_TLS_SERVER_NAME: ca.serverName ?? '',
      FABRIC_CA_TLS_CA_FILE: ca.tlsRootsFile,
      FABRIC_CA_REGISTRAR_CERT_FILE: ca.registrarCertFile,
      FABRIC_CA_REGISTRAR_KEY_FILE: ca.registrarKeyFile,
    };
    const steps: [string, string[], NodeJS.ProcessEnv][] = [
      [
        'fetch-config',
        ['sh', '-ec', fs.readFileSync(path.join(SCRIPTS, 'fetch-config.sh'), 'utf8')],
        peerEnv,
      ],
      ['compare-crl', [process.execPath, '--require', 'tsx/cjs', COMPARE], compareEnv],
      [
        'publish',
        ['sh', '-ec', fs.readFileSync(path.join(SCRIPTS, 'publish.sh'), 'utf8')],
        peerEnv,
      ],
    ];
    let log = '';
    for (const [name, [command, ...args], env] of steps) {
      const run = spawnSync(command ?? '', args, { env, encoding: 'utf8', timeout: 120_000 });
      log += run.stdout;
      assert.equal(run.status, 0, `${name}:\n${run.stdout}\n${run.stderr}`);
    }
    return log;
  }

  async function endorseAs(enrolled: CaCredentials): Promise<void> {
    const connection = openGateway(
      {
        address: `${HOST}:${org.peers[0]?.port ?? 0}`,
        tlsCaCertificate: fs.readFileSync(orgTlsCaFile(topology, org)),
        tlsServerName: TLS_HOST_NAME,
      },
      {
        mspId: org.mspId,
        certificate: Buffer.from(enrolled.certificate),
        privateKey: enrolled.privateKey,
      },
    );
    try {
      await connection.gateway
        .getNetwork(topology.options.channel)
        .getContract('qscc')
        .evaluateTransaction('GetChainInfo', topology.options.channel);
    } finally {
      connection.close();
    }
  }

  it('publishes a revocation in one round, and a round with nothing new adds no block', async function () {
    // earlier revocations (other tests) are published first, so the rounds below start even
    round();
    const peer = org.peers[0];
    assert.ok(peer);
    const client = new FabricCaClient({
      url: ca.url,
      serverName: ca.serverName,
      tlsRoots: fs.readFileSync(ca.tlsRootsFile, 'utf8'),
    });
    const id = `chart-crl-${Date.now().toString(36)}`;
    const user = await client.enroll(
      id,
      await client.register(registrar, {
        id,
        type: 'client',
        attributes: { 'consortia.user': id, 'consortia.role': 'member' },
      }),
    );
    await endorseAs(user);

    const idle = await channelHeight({ home, topology }, peer);
    assert.match(round(), new RegExp(`${org.mspId}: nothing to publish`));
    assert.equal(await channelHeight({ home, topology }, peer), idle, 'no block for nothing');

    await client.revoke(registrar, id, 'keycompromise');
    assert.match(round(), new RegExp(`${org.mspId}: the channel MSP now has the CA's CRL`));
    await waitFor(
      'the peer to refuse the revoked user',
      async () => {
        try {
          await endorseAs(user);
          return false;
        } catch {
          return true;
        }
      },
      { timeoutMs: 60_000 },
    );
    const after = await channelHeight({ home, topology }, peer);
    assert.ok(after !== undefined && idle !== undefined && after > idle, 'a config block');
  });
});
