// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import {
  connectGateway,
  findOnlyFile,
  onlyFile,
  openGateway,
  peerClient,
  readMspIdentity,
} from '../../src/fabric';

function mspDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'common-msp-'));
  const { privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  fs.mkdirSync(path.join(dir, 'signcerts'));
  fs.mkdirSync(path.join(dir, 'keystore'));
  fs.writeFileSync(path.join(dir, 'signcerts', 'cert.pem'), 'not checked here');
  fs.writeFileSync(path.join(dir, 'keystore', '.hidden'), 'editor swap file');
  fs.writeFileSync(
    path.join(dir, 'keystore', 'priv_sk'),
    privateKey.export({ type: 'pkcs8', format: 'pem' }),
  );
  return dir;
}

describe('fabric helpers', function () {
  let dir: string;
  before(function () {
    dir = mspDir();
  });
  after(function () {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('finds the one file of an MSP folder, passing over hidden files', function () {
    assert.equal(onlyFile(path.join(dir, 'keystore')), path.join(dir, 'keystore', 'priv_sk'));
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'common-empty-'));
    fs.writeFileSync(path.join(empty, '.DS_Store'), '');
    assert.throws(() => onlyFile(empty), /no file in/);
    assert.equal(findOnlyFile(empty), undefined);
    assert.equal(findOnlyFile(path.join(empty, 'absent')), undefined);
    fs.rmSync(empty, { recursive: true });
  });

  it('takes the first file in name order, passing over subfolders', function () {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'common-files-'));
    fs.mkdirSync(path.join(folder, 'a-folder'));
    fs.writeFileSync(path.join(folder, 'c.pem'), '');
    fs.writeFileSync(path.join(folder, 'b.pem'), '');
    assert.equal(findOnlyFile(folder), path.join(folder, 'b.pem'));
    fs.rmSync(folder, { recursive: true });
  });

  it('reads the certificate and private key of an MSP folder', function () {
    const identity = readMspIdentity('Org1MSP', dir);
    assert.equal(identity.mspId, 'Org1MSP');
    assert.equal(identity.certificate.toString(), 'not checked here');
    assert.equal(identity.privateKey.asymmetricKeyType, 'ec');
  });

  it('connects a gateway whose calls keep their deadline and fail on a closed port', async function () {
    const identity = readMspIdentity('Org1MSP', dir);
    const connection = openGateway({ address: '127.0.0.1:1' }, identity, { evaluateMs: 2_000 });
    const contract = connection.gateway.getNetwork('ch').getContract('cc');
    const started = Date.now();
    await assert.rejects(contract.evaluateTransaction('Anything'));
    assert.ok(Date.now() - started < 5_000);
    connection.close();
  });

  it('shares one peer connection between gateways of several identities', function () {
    const client = peerClient({
      address: '127.0.0.1:1',
      tlsCaCertificate: Buffer.from('-'),
      tlsServerName: 'peer0.org1.example.com',
    });
    const identity = readMspIdentity('Org1MSP', dir);
    const first = connectGateway(client, identity);
    const second = connectGateway(client, { ...identity, mspId: 'Org2MSP' });
    assert.equal(first.getIdentity().mspId, 'Org1MSP');
    assert.equal(second.getIdentity().mspId, 'Org2MSP');
    first.close();
    second.close();
    client.close();
  });
});
