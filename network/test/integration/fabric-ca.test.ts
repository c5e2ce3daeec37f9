// SPDX-License-Identifier: Apache-2.0
/**
 * The organizations' Fabric CAs, for real: started, every identity of a 2-org network enrolled
 * from them, restarted with their state, and driven over their REST API from Node. The Fabric
 * nodes themselves are not started here (`npm run test:ca -w network` runs a whole network on
 * CA-issued certificates); this keeps the test short.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { FabricCaClient, FabricCaRequestError, FabricCaUnavailableError } from '@consortia/common';

import { registerIdentity, registrarFiles } from '../../src/ca/client';
import { provideCrypto } from '../../src/ca/crypto';
import { orgDir } from '../../src/ca/enroll';
import type { CaOrg } from '../../src/ca/layout';
import { caEndpoint, caOrgs } from '../../src/ca/layout';
import type { NetworkContext } from '../../src/fabric/network';
import { consortiaHome } from '../../src/install';
import { fabricCaComponent } from '../../src/install/fabric-ca';
import { stopStarted } from '../../src/operations/down';
import { parseNetworkOptions } from '../../src/topology/options';
import { buildTopology } from '../../src/topology/topology';

/** Apart from the shared network (12000) and the workspaces' tests (20000 and up). */
const BASE_PORT = Number(process.env.CONSORTIA_CA_TEST_BASE_PORT ?? 15000);

function certificate(file: string): crypto.X509Certificate {
  return new crypto.X509Certificate(fs.readFileSync(file));
}

function onlyFile(dir: string): string {
  const [file] = fs.readdirSync(dir);
  assert.ok(file, `${dir} is empty`);
  return path.join(dir, file);
}

/** True when `cert` was signed by `issuer`'s key and names it as issuer. */
function issuedBy(cert: crypto.X509Certificate, issuer: crypto.X509Certificate): boolean {
  return cert.checkIssued(issuer) && cert.verify(issuer.publicKey);
}

describe('Fabric CAs of a network (--crypto ca)', function () {
  this.timeout(240_000);
  const home = consortiaHome();
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'consortia-ca-'));
  const topology = buildTopology(
    parseNetworkOptions({ stateDir, crypto: 'ca', basePort: BASE_PORT, peersPerOrg: 2 }, {}),
  );
  const context: NetworkContext = { home, topology, progress: () => undefined, started: [] };
  const [ordererOrg, org1] = caOrgs(topology) as [CaOrg, CaOrg, CaOrg];

  before(async function () {
    if (!fabricCaComponent.isInstalled(home)) this.skip();
    await provideCrypto(context, true);
  });

  after(async function () {
    await stopStarted(topology.paths.run, context.started);
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  async function registrar(org: CaOrg) {
    const files = await registrarFiles(org.intermediate);
    return {
      certificate: fs.readFileSync(files.certFile, 'utf8'),
      privateKey: crypto.createPrivateKey(fs.readFileSync(files.keyFile)),
    };
  }

  function restClient(org: CaOrg) {
    const endpoint = caEndpoint(org.intermediate);
    return new FabricCaClient({
      url: endpoint.url,
      serverName: endpoint.serverName,
      tlsRoots: fs.readFileSync(endpoint.tlsRootsFile, 'utf8'),
    });
  }

  it('enrolls every node, admin and user from its org intermediate, role in the OU', function () {
    const root = certificate(path.join(org1.root.dir, 'ca-cert.pem'));
    const intermediate = certificate(path.join(org1.intermediate.dir, 'ca-cert.pem'));
    assert.ok(issuedBy(intermediate, root), 'the intermediate is signed by the root');
    const dir = orgDir(topology, org1);
    const expected = [
      ['peers/peer0.org1.consortia.local', 'peer'],
      ['peers/peer1.org1.consortia.local', 'peer'],
      ['users/Admin@org1.consortia.local', 'admin'],
      ['users/User1@org1.consortia.local', 'client'],
    ] as const;
    for (const [identity, role] of expected) {
      const msp = path.join(dir, identity, 'msp');
      const cert = certificate(onlyFile(path.join(msp, 'signcerts')));
      assert.ok(issuedBy(cert, intermediate), `${identity} is issued by the intermediate`);
      assert.match(cert.subject, new RegExp(`OU=${role}`), identity);
      const key = crypto.createPrivateKey(fs.readFileSync(path.join(msp, 'keystore', 'priv_sk')));
      assert.ok(crypto.createPublicKey(key).equals(cert.publicKey), `${identity} key matches`);
      assert.match(fs.readFileSync(path.join(msp, 'config.yaml'), 'utf8'), /Enable: true/);
    }
    const orderer = path.join(orgDir(topology, ordererOrg), 'orderers');
    assert.deepEqual(fs.readdirSync(orderer), ['orderer0.orderer.consortia.local']);
  });

  it('gives nodes TLS certificates from the TLS CA, valid for their names and loopback', function () {
    const tlsCa = certificate(path.join(org1.tls.dir, 'ca-cert.pem'));
    const tls = path.join(orgDir(topology, org1), 'peers', 'peer0.org1.consortia.local', 'tls');
    const server = certificate(path.join(tls, 'server.crt'));
    assert.ok(issuedBy(server, tlsCa));
    assert.match(server.subjectAltName ?? '', /DNS:localhost/);
    assert.match(server.subjectAltName ?? '', /IP Address:127\.0\.0\.1/);
    assert.ok(certificate(path.join(tls, 'ca.crt')).verify(tlsCa.publicKey));
    const channelMsp = path.join(orgDir(topology, org1), 'msp');
    assert.deepEqual(fs.readdirSync(path.join(channelMsp, 'intermediatecerts')), [
      'ica.org1.consortia.local-cert.pem',
    ]);
  });

  it('registers and enrolls a user over REST, its attributes in the certificate', async function () {
    const client = restClient(org1);
    const secret = await client.register(await registrar(org1), {
      id: 'alice',
      type: 'client',
      attributes: { 'consortia.user': 'alice', 'consortia.role': 'member' },
    });
    const enrolled = await client.enroll('alice', secret);
    const cert = new crypto.X509Certificate(enrolled.certificate);
    assert.match(cert.subject, /CN=alice/);
    assert.ok(
      crypto.createPublicKey(enrolled.privateKey).equals(cert.publicKey),
      'the key made in Node is the one certified',
    );
    // Fabric CA puts ecert attributes in a JSON extension, which chaincode reads
    assert.match(cert.raw.toString('latin1'), /"consortia\.user":"alice"/);
    const again = await client.reenroll(enrolled);
    assert.notEqual(new crypto.X509Certificate(again.certificate).serialNumber, cert.serialNumber);
    await assert.rejects(
      client.register(await registrar(org1), { id: 'alice', type: 'client' }),
      (error: unknown) =>
        error instanceof FabricCaRequestError && /already registered/.test(error.message),
    );
  });

  it("enrolls an identity whose registration outlived a stopped run, with the retry's secret", async function () {
    // a run that stopped between registering and enrolling leaves the identity registered under
    // a secret nobody kept; the retry registers again with a new one and must be able to enroll
    await registerIdentity(org1.intermediate, {
      id: 'resumed-node',
      secret: 'lost-secret',
      type: 'peer',
    });
    await registerIdentity(org1.intermediate, {
      id: 'resumed-node',
      secret: 'new-secret',
      type: 'peer',
    });
    const enrolled = await restClient(org1).enroll('resumed-node', 'new-secret');
    assert.match(new crypto.X509Certificate(enrolled.certificate).subject, /CN=resumed-node/);
  });

  it('revokes a user and hands back a CRL that lists its certificate', async function () {
    const client = restClient(org1);
    const secret = await client.register(await registrar(org1), { id: 'mallory', type: 'client' });
    const enrolled = await client.enroll('mallory', secret);
    const crl = await client.revoke(await registrar(org1), 'mallory');
    assert.match(crl, /-----BEGIN X509 CRL-----/);
    const serial = new crypto.X509Certificate(enrolled.certificate).serialNumber;
    const crlFile = path.join(stateDir, 'mallory.crl');
    fs.writeFileSync(crlFile, crl);
    const { execFileSync } = await import('node:child_process');
    const listed = execFileSync('openssl', ['crl', '-in', crlFile, '-noout', '-text'], {
      encoding: 'utf8',
    });
    assert.match(listed.replace(/:/g, '').toUpperCase(), new RegExp(serial.replace(/^0+/, '')));
    await assert.rejects(client.reenroll(enrolled), FabricCaRequestError);
  });

  it('restarts the CAs with their state: same certificates, identities still known', async function () {
    const before = fs.readFileSync(path.join(org1.intermediate.dir, 'ca-cert.pem'), 'utf8');
    await stopStarted(topology.paths.run, context.started.splice(0));
    await assert.rejects(
      restClient(org1).identity(await registrar(org1), 'alice'),
      FabricCaUnavailableError,
    );
    await provideCrypto(context, false);
    assert.equal(fs.readFileSync(path.join(org1.intermediate.dir, 'ca-cert.pem'), 'utf8'), before);
    const alice = await restClient(org1).identity(await registrar(org1), 'alice');
    assert.equal(alice?.id, 'alice');
    assert.deepEqual(
      alice?.attrs.find((attribute) => attribute.name === 'consortia.role')?.value,
      'member',
    );
  });
});
