// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import { caOrgs, caServers, caTlsTrustFile } from '../../src/ca/layout';
import { UserError } from '../../src/errors';
import { checkPrerequisites } from '../../src/install/component';
import { installComponents } from '../../src/install';
import {
  fabricCaComponent,
  fabricCaGoMod,
  fabricCaGoSum,
  FABRIC_CA_TOOLS,
} from '../../src/install/fabric-ca';
import { optionsFromManifest, manifestFromOptions } from '../../src/state/manifest';
import { parseNetworkOptions } from '../../src/topology/options';
import { buildTopology, networkPorts } from '../../src/topology/topology';
import { tempDir } from '../support/temp';

const topology = (raw: Parameters<typeof parseNetworkOptions>[0]) =>
  buildTopology(parseNetworkOptions({ stateDir: '/tmp/n', basePort: 15000, ...raw }, {}));

describe('Fabric CA', function () {
  it('is built from the fabric-ca module at v1.5.15, its content pinned by go.sum', function () {
    assert.equal(fabricCaComponent.name, 'ca');
    assert.match(fabricCaGoMod(), /^require github\.com\/hyperledger\/fabric-ca v1\.5\.15$/m);
    assert.match(fabricCaGoSum(), /^github\.com\/hyperledger\/fabric-ca v1\.5\.15 h1:\S+=$/m);
    assert.match(fabricCaGoSum(), /^github\.com\/hyperledger\/fabric-ca v1\.5\.15\/go\.mod h1:/m);
  });

  it('names the C compiler cgo needs when it is missing', async function () {
    const goOnly = tempDir('go-only');
    fs.writeFileSync(path.join(goOnly, 'go'), '#!/bin/sh\n', { mode: 0o755 });
    assert.throws(
      () => checkPrerequisites(fabricCaComponent.prerequisites, { PATH: goOnly }),
      (error: unknown) => {
        assert.ok(error instanceof UserError);
        assert.equal(error.message, 'missing prerequisite: gcc');
        assert.match(error.hint ?? '', /C compiler cgo builds with/);
        return true;
      },
    );
    const [outcome] = await installComponents([fabricCaComponent], {
      home: tempDir('home'),
      env: { PATH: goOnly },
      progress: () => undefined,
    });
    assert.equal(outcome?.status, 'failed');
  });

  it('counts as installed once both programs and the install record are there', function () {
    const home = tempDir('home');
    assert.equal(fabricCaComponent.isInstalled(home, {}), false);
    const bin = path.join(home, 'fabric-ca', '1.5.15', 'bin');
    fs.mkdirSync(bin, { recursive: true });
    for (const tool of FABRIC_CA_TOOLS) {
      fs.writeFileSync(path.join(bin, tool), '#!/bin/sh\n', { mode: 0o755 });
    }
    assert.equal(fabricCaComponent.isInstalled(home, {}), false);
    fs.writeFileSync(
      path.join(home, 'fabric-ca', '1.5.15', 'installed.json'),
      JSON.stringify({ component: 'ca', version: '1.5.15' }),
    );
    assert.equal(fabricCaComponent.isInstalled(home, {}), true);
    assert.equal(fabricCaComponent.isInstalled('/nowhere', { CONSORTIA_FABRIC_CA_BIN: bin }), true);
  });
});

describe('--crypto', function () {
  it('accepts ca and cryptogen and rejects anything else, naming the choices', function () {
    assert.equal(parseNetworkOptions({ crypto: 'ca' }, {}).crypto, 'ca');
    assert.equal(parseNetworkOptions({ crypto: 'cryptogen' }, {}).crypto, 'cryptogen');
    assert.throws(
      () => parseNetworkOptions({ crypto: 'openssl' }, {}),
      (error: unknown) =>
        error instanceof UserError &&
        /unknown crypto source 'openssl'/.test(error.message) &&
        /--crypto ca or --crypto cryptogen/.test(error.hint ?? ''),
    );
  });

  it('is kept in network.json; a network recorded without it used cryptogen', function () {
    const options = parseNetworkOptions({ stateDir: '/tmp/n', crypto: 'ca' }, {});
    const manifest = manifestFromOptions(options, '2.5.16');
    assert.equal(optionsFromManifest(manifest, '/tmp/n', {}).crypto, 'ca');
    assert.throws(
      () => optionsFromManifest(manifest, '/tmp/n', { crypto: 'cryptogen' }),
      /holds a network with crypto=ca/,
    );
    delete manifest.crypto;
    assert.equal(optionsFromManifest(manifest, '/tmp/n', {}).crypto, 'cryptogen');
  });

  it('runs a root, an intermediate and a TLS CA per org, the orderer org first', function () {
    const network = topology({ crypto: 'ca', orgs: 2 });
    assert.deepEqual(
      caOrgs(network).map((org) => [org.mspId, org.root.port, org.intermediate.port, org.tls.port]),
      [
        ['OrdererMSP', 15000, 15001, 15002],
        ['Org1MSP', 15003, 15004, 15005],
        ['Org2MSP', 15006, 15007, 15008],
      ],
    );
    const org1 = caOrgs(network)[1]!;
    assert.deepEqual(
      [org1.root.name, org1.intermediate.name, org1.tls.name],
      ['ca-org1-root', 'ca-org1-ica', 'ca-org1-tls'],
    );
    // an intermediate's TLS certificate is checked against its chain up to the root
    assert.match(caTlsTrustFile(org1.intermediate), /ca-chain\.pem$/);
    assert.match(caTlsTrustFile(org1.root), /ca-cert\.pem$/);
  });

  it('reserves the CA ports only when the CAs run, clear of every node port', function () {
    assert.deepEqual(caServers(topology({ crypto: 'cryptogen' })), []);
    const network = topology({ crypto: 'ca', orgs: 10, peersPerOrg: 8 });
    const ports = networkPorts(network).map((use) => use.port);
    assert.equal(new Set(ports).size, ports.length);
    assert.ok(caServers(network).every((server) => server.port < 15050));
  });
});
