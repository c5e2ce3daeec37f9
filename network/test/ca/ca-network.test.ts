// SPDX-License-Identifier: Apache-2.0
/**
 * A whole network on certificates from its organizations' Fabric CAs (`consortia up --crypto
 * ca`): the channel serves, a user registered and enrolled over the CA's REST API acts on it,
 * and revoking that user (CA revocation, then the CRL put into the org's channel MSP) makes the
 * peers refuse them while others carry on. Run with `npm run test:ca -w network`; it starts its
 * own network (base port 15000, or CONSORTIA_CA_TEST_BASE_PORT) and leaves it running for the
 * next run (`consortia down --state-dir <dir>` stops it).
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import type { Enrolled } from '@consortia/common';
import { FabricCaClient } from '@consortia/common';
import { openGateway, readMspIdentity } from '@consortia/common/fabric';
import type { GatewayIdentity } from '@consortia/common/fabric';

import { setChannelCrl } from '../../src/ca/channel-crl';
import { revokeIdentity } from '../../src/ca/revoke';
import { registrarFiles } from '../../src/ca/client';
import { caEndpoint, caOrgOf } from '../../src/ca/layout';
import { consortiaHome } from '../../src/install';
import { up } from '../../src/operations/up';
import type { Topology } from '../../src/topology/topology';
import {
  firstOrg,
  HOST,
  orgTlsCaFile,
  orgUserDir,
  TLS_HOST_NAME,
} from '../../src/topology/topology';
import { channelHeight } from '../../src/fabric/channel-info';
import { waitFor } from '../../src/process/wait';

const BASE_PORT = Number(process.env.CONSORTIA_CA_TEST_BASE_PORT ?? 15000);
const STATE_DIR = path.join(os.tmpdir(), `consortia-ca-network-${BASE_PORT}`);

describe('a network on Fabric CA certificates', function () {
  this.timeout(600_000);
  const home = consortiaHome();
  let topology: Topology;

  before(async function () {
    const started = Date.now();
    ({ topology } = await up(
      home,
      { crypto: 'ca', basePort: BASE_PORT, stateDir: STATE_DIR },
      (line) => console.log(`      ${line}`),
    ));
    console.log(`      up in ${Math.round((Date.now() - started) / 1000)} s`);
  });

  /** Asks the org's first peer for the chain height as the given identity (qscc). */
  async function chainInfo(identity: GatewayIdentity): Promise<number> {
    const org = firstOrg(topology);
    const connection = openGateway(
      {
        address: `${HOST}:${org.peers[0]!.port}`,
        tlsCaCertificate: fs.readFileSync(orgTlsCaFile(topology, org)),
        tlsServerName: TLS_HOST_NAME,
      },
      identity,
    );
    try {
      const info = await connection.gateway
        .getNetwork(topology.options.channel)
        .getContract('qscc')
        .evaluateTransaction('GetChainInfo', topology.options.channel);
      return info.length;
    } finally {
      connection.close();
    }
  }

  function caClient() {
    const endpoint = caEndpoint(caOrgOf(topology, firstOrg(topology)).intermediate);
    return new FabricCaClient({
      url: endpoint.url,
      serverName: endpoint.serverName,
      tlsRoots: fs.readFileSync(endpoint.tlsRootsFile, 'utf8'),
    });
  }

  async function registrar() {
    const files = await registrarFiles(caOrgOf(topology, firstOrg(topology)).intermediate);
    return {
      certificate: fs.readFileSync(files.certFile, 'utf8'),
      privateKey: crypto.createPrivateKey(fs.readFileSync(files.keyFile)),
    };
  }

  const asIdentity = (enrolled: Enrolled): GatewayIdentity => ({
    mspId: firstOrg(topology).mspId,
    certificate: Buffer.from(enrolled.certificate),
    privateKey: enrolled.privateKey,
  });

  const user1 = () =>
    readMspIdentity(
      firstOrg(topology).mspId,
      path.join(orgUserDir(topology, firstOrg(topology)), 'msp'),
    );

  const suffix = Date.now().toString(36);
  let alice: Enrolled;

  it('serves the channel to the services user enrolled from the CA', async function () {
    assert.ok((await chainInfo(user1())) > 0);
  });

  it('lets a user registered and enrolled over REST act on the channel', async function () {
    const client = caClient();
    const id = `alice-${suffix}`;
    const secret = await client.register(await registrar(), {
      id,
      type: 'client',
      attributes: { 'consortia.user': id, 'consortia.role': 'member' },
    });
    alice = await client.enroll(id, secret);
    assert.ok((await chainInfo(asIdentity(alice))) > 0);
  });

  it('refuses a revoked user on the peers once the CRL is in the channel MSP; others carry on', async function () {
    const org = firstOrg(topology);
    const heightBefore = await channelHeight({ home, topology }, org.peers[0]!);
    const crl = await caClient().revoke(await registrar(), `alice-${suffix}`);
    await setChannelCrl(home, topology, org, crl);
    await waitFor(
      'the peer to refuse the revoked user',
      async () => {
        try {
          await chainInfo(asIdentity(alice));
          return false;
        } catch {
          return true;
        }
      },
      { timeoutMs: 60_000, intervalMs: 1000 },
    );
    assert.ok((await chainInfo(user1())) > 0, 'the services user is unaffected');
    const heightAfter = await channelHeight({ home, topology }, org.peers[0]!);
    assert.ok(
      heightAfter !== undefined && heightBefore !== undefined && heightAfter > heightBefore,
      'a config block was added',
    );
  });

  it('revokes with `consortia ca revoke` (revokeIdentity): CA and channel in one step', async function () {
    const client = caClient();
    const id = `dave-${suffix}`;
    const dave = await client.enroll(
      id,
      await client.register(await registrar(), { id, type: 'client' }),
    );
    assert.ok((await chainInfo(asIdentity(dave))) > 0);
    await revokeIdentity(home, topology, 'Org1', id);
    await waitFor(
      'the peer to refuse the revoked user',
      async () =>
        chainInfo(asIdentity(dave)).then(
          () => false,
          () => true,
        ),
      { timeoutMs: 60_000, intervalMs: 1000 },
    );
    // the newest CRL still lists the user revoked before
    await assert.rejects(chainInfo(asIdentity(alice)));
    await assert.rejects(revokeIdentity(home, topology, 'Org9', id), /no organization 'Org9'/);
  });
});
