// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { nodeIdentity } from '../../src/ca/enroll';
import { ordererTlsCert } from '../../src/consensus-migration/consensus-type';
import {
  missingTlsNames,
  ordererCaOrg,
  ordererCryptoFiles,
  ordererEnrolled,
  provideOrdererCrypto,
} from '../../src/consensus-migration/orderer-crypto';
import { parseNetworkOptions } from '../../src/topology/options';
import type { Topology } from '../../src/topology/topology';
import { buildTopology, ordererCryptoDir } from '../../src/topology/topology';
import { tempDir } from '../support/temp';

/** A self-signed certificate for `cn` with the given subjectAltName (or none), made by OpenSSL. */
function certificate(dir: string, cn: string, san?: string): string {
  const file = path.join(dir, `${cn}-${san ? 'san' : 'cn'}.pem`);
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      `${file}.key`,
      '-out',
      file,
      '-days',
      '1',
      '-subj',
      `/CN=${cn}`,
      ...(san ? ['-addext', `subjectAltName=${san}`] : []),
    ],
    { stdio: 'pipe' },
  );
  return fs.readFileSync(file, 'utf8');
}

/** A migrated CA network grown to `count` orderers, as add-orderers grows it. */
function caNetwork(stateDir: string, count: number): Topology {
  const options = parseNetworkOptions({ stateDir, crypto: 'ca', basePort: 23000 }, {});
  return buildTopology({ ...options, consensus: 'etcdraft', orderers: count, systemChannel: true });
}

/** Lays out an orderer's enrolled files, with `tls` as its TLS certificate. */
function writeEnrolled(dir: string, hostname: string, tls: string): void {
  for (const file of ordererCryptoFiles(dir, hostname)) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, file.endsWith('server.crt') ? tls : 'x');
  }
}

describe('consensus migration: orderers added to a network of Fabric CAs', function () {
  const dir = tempDir('migrate-ca-orderers');

  it("enrolls a new orderer at the orderer org's CAs, into the folder the Raft metadata reads, with TLS names for its host", function () {
    const grown = caNetwork(path.join(dir, 'state'), 3);
    const org = ordererCaOrg(grown);
    assert.equal(org.mspId, 'OrdererMSP');
    assert.deepEqual(
      [org.root.port, org.intermediate.port, org.tls.port],
      [23000, 23001, 23002],
      "the orderer org's CAs on the base port, as up starts them",
    );
    const orderer = grown.orderers[2]!;
    const identity = nodeIdentity(grown, org, orderer.hostname, 'orderer');
    assert.equal(identity.id, orderer.hostname);
    assert.equal(identity.type, 'orderer');
    assert.equal(identity.dir, ordererCryptoDir(grown, orderer));
    assert.equal(path.join(identity.dir, 'tls', 'server.crt'), ordererTlsCert(grown, 2));
    assert.deepEqual(identity.tlsHosts, [orderer.hostname, 'localhost', '127.0.0.1']);
  });

  it('has no orderer org CAs on a cryptogen network', function () {
    const options = parseNetworkOptions(
      { stateDir: path.join(dir, 'cg'), crypto: 'cryptogen' },
      {},
    );
    assert.throws(() => ordererCaOrg(buildTopology(options)), /no orderer org CAs/);
  });

  it('keeps a complete enrollment and redoes an incomplete one', function () {
    const orderer = path.join(dir, 'enrolled', 'orderer2.example.com');
    assert.equal(ordererEnrolled(orderer, 'orderer2.example.com'), false);
    writeEnrolled(orderer, 'orderer2.example.com', 'cert');
    assert.equal(ordererEnrolled(orderer, 'orderer2.example.com'), true);
    fs.rmSync(path.join(orderer, 'tls', 'server.key'));
    assert.equal(ordererEnrolled(orderer, 'orderer2.example.com'), false);
  });

  it("names the host names and addresses a TLS certificate's SANs lack; the CN alone counts for none", function () {
    const sans = certificate(
      dir,
      'orderer2.example.com',
      'DNS:orderer2.example.com,DNS:localhost,IP:127.0.0.1',
    );
    assert.deepEqual(missingTlsNames(sans, ['orderer2.example.com', 'localhost', '127.0.0.1']), []);
    assert.deepEqual(missingTlsNames(sans, ['orderer1.example.com', 'localhost', '10.0.0.1']), [
      'orderer1.example.com',
      '10.0.0.1',
    ]);
    const cnOnly = certificate(dir, 'orderer2.example.com');
    assert.deepEqual(missingTlsNames(cnOnly, ['orderer2.example.com']), ['orderer2.example.com']);
  });

  it('checks an orderer enrolled by an earlier run without asking the CAs again, and refuses one whose TLS certificate lacks its names', async function () {
    const grown = caNetwork(path.join(dir, 'resumed'), 3);
    const orderer = grown.orderers[1]!;
    const context = { home: path.join(dir, 'no-tools'), progress: () => undefined };
    const crypto = ordererCryptoDir(grown, orderer);
    writeEnrolled(
      crypto,
      orderer.hostname,
      certificate(dir, orderer.hostname, `DNS:${orderer.hostname},DNS:localhost,IP:127.0.0.1`),
    );
    await provideOrdererCrypto(context, grown, orderer);
    writeEnrolled(crypto, orderer.hostname, certificate(dir, orderer.hostname, 'DNS:localhost'));
    await assert.rejects(
      provideOrdererCrypto(context, grown, orderer),
      new RegExp(
        `TLS certificate from tlsca.${grown.ordererDomain} is not valid for ${orderer.hostname}, 127.0.0.1`,
      ),
    );
  });
});
