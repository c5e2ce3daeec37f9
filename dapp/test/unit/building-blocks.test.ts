// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import { ConfigError } from '@consortia/common';

import { readConfig, servedChaincodes, servedChannels } from '../../src/config';
import { identityFromMsp, loadIdentities, parseIdentityEntry } from '../../src/fabric/identity';
import { blockNumberOf, readFields, validationCodeOf } from '../../src/fabric/protobuf';
import { decodeResult } from '../../src/fabric/submitter';
import { BodyValidator, openApiDocument } from '../../src/http/openapi';
import { SettleWindow } from '../../src/queue/limiter';
import { deadLetterCopy, headerText, parseQueuedRequest } from '../../src/queue/messages';
import { tempDir } from '../support/infra';

/** Protobuf varint encoding, to build test messages by hand. */
function varint(value: bigint): number[] {
  const bytes: number[] = [];
  do {
    let byte = Number(value & 0x7fn);
    value >>= 7n;
    if (value > 0n) byte |= 0x80;
    bytes.push(byte);
  } while (value > 0n);
  return bytes;
}

const lengthDelimited = (field: number, content: number[]) => [
  ...varint(BigInt((field << 3) | 2)),
  ...varint(BigInt(content.length)),
  ...content,
];

describe('request bodies against the OpenAPI components', function () {
  const bodies = new BodyValidator();

  it('accepts a complete transaction request and a minimal query', function () {
    assert.deepEqual(
      bodies.problems('TransactionRequest', {
        function: 'TokenContract:Transfer',
        args: ['a', '1'],
        transient: { note: { any: 'json' } },
        requestId: 'order-17@shop',
        mode: 'async',
        key: 'account-1',
      }),
      [],
    );
    assert.deepEqual(bodies.problems('QueryRequest', { function: 'F', args: { a: 1 } }), []);
  });

  it('names each problem', function () {
    const problems = bodies.problems('TransactionRequest', {
      args: 'x',
      requestId: 'has space',
      mode: 'now',
      transient: { requestId: 'mine' },
    });
    const text = problems.join('\n');
    assert.match(text, /body must have required property 'function'/);
    assert.match(text, /body\.args must be array,object/);
    assert.match(text, /body\.requestId must match pattern/);
    assert.match(text, /body\.mode must be one of sync, async/);
    assert.match(text, /body\.transient property name must be valid/);
    assert.deepEqual(bodies.problems('QueryRequest', { function: 'F', mode: 'sync' }), [
      "body has unknown property 'mode'",
    ]);
    assert.ok(bodies.problems('QueryRequest', null).length > 0);
  });

  it('documents every route under /v1 and the open endpoints', function () {
    assert.deepEqual(Object.keys(openApiDocument.paths).sort(), [
      '/healthz',
      '/metrics',
      '/readyz',
      '/v1/channels/{channel}/chaincodes/{chaincode}/queries',
      '/v1/channels/{channel}/chaincodes/{chaincode}/transactions',
      '/v1/requests/{requestId}',
      '/v1/transactions/{txId}',
      '/v1/user-identities',
      '/v1/user-identities/{user}',
      '/v1/user-identities/{user}/reenroll',
      '/v1/user-identities/{user}/revoke',
    ]);
  });
});

describe('qscc answers', function () {
  it('reads the validation code of a ProcessedTransaction and the number of a Block', function () {
    const processed = Uint8Array.from([...lengthDelimited(1, [1, 2, 3]), ...varint(2n << 3n), 11]);
    assert.equal(validationCodeOf(processed), 11);
    assert.equal(validationCodeOf(Uint8Array.from(lengthDelimited(1, [9]))), 0, 'VALID is omitted');
    const header = [...varint(1n << 3n), ...varint(300_000n), ...lengthDelimited(2, [7])];
    const block = Uint8Array.from([...lengthDelimited(1, header), ...lengthDelimited(2, [1])]);
    assert.equal(blockNumberOf(block), 300_000n);
    const fixed = Uint8Array.from([(3 << 3) | 1, 1, 2, 3, 4, 5, 6, 7, 8, (4 << 3) | 5, 1, 2, 3, 4]);
    assert.deepEqual(
      readFields(fixed).map((field) => field.number),
      [3, 4],
    );
    assert.throws(() => readFields(Uint8Array.from([0x08, 0x80])), /truncated/);
    assert.throws(() => readFields(Uint8Array.from([0x0a, 5, 1])), /truncated/);
    assert.throws(() => readFields(Uint8Array.from([0x0b])), /wire type 3/);
  });

  it('decodes chaincode results as JSON, text or null', function () {
    assert.deepEqual(decodeResult(Buffer.from('{"a":1}')), { a: 1 });
    assert.equal(decodeResult(Buffer.from('12.5')), 12.5);
    assert.equal(decodeResult(Buffer.from('plain')), 'plain');
    assert.equal(decodeResult(new Uint8Array()), null);
    // a contract declared to return a string: the text itself, even when it looks like JSON
    assert.equal(decodeResult(Buffer.from('1.50'), 'text'), '1.50');
    assert.equal(decodeResult(new Uint8Array(), 'text'), '');
  });
});

describe('identities', function () {
  const dir = tempDir('identity');
  const msp = path.join(dir, 'User1@org1.consortia.local', 'msp');

  before(function () {
    const { privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
    fs.mkdirSync(path.join(msp, 'signcerts'), { recursive: true });
    fs.mkdirSync(path.join(msp, 'keystore'), { recursive: true });
    fs.writeFileSync(path.join(msp, 'signcerts', 'cert.pem'), 'CERTIFICATE');
    fs.writeFileSync(
      path.join(msp, 'keystore', 'priv_sk'),
      privateKey.export({ type: 'pkcs8', format: 'pem' }),
    );
  });

  after(function () {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('loads a cryptogen user from its folder or its msp folder', function () {
    const fromUser = identityFromMsp('u', 'Org1MSP', path.dirname(msp));
    const fromMsp = identityFromMsp('u', 'Org1MSP', msp);
    assert.equal(fromUser.certificate.toString(), 'CERTIFICATE');
    assert.equal(fromMsp.privateKey.asymmetricKeyType, 'ec');
    assert.throws(() => identityFromMsp('u', 'Org1MSP', dir), /ENOENT|no file/);
  });

  it('names the default identity and the extra ones from the configuration', function () {
    const config = readConfig({
      FABRIC_MSP_ID: 'Org1MSP',
      FABRIC_IDENTITY_DIR: msp,
      FABRIC_IDENTITIES: `auditor=${msp}, partner=Org2MSP@${msp}`,
    });
    const identities = loadIdentities(config);
    assert.deepEqual([...identities.keys()], ['default', 'auditor', 'partner']);
    assert.equal(identities.get('partner')?.mspId, 'Org2MSP');
    assert.equal(identities.get('auditor')?.mspId, 'Org1MSP');
    const files = loadIdentities(
      readConfig({
        FABRIC_CERT_FILE: path.join(msp, 'signcerts', 'cert.pem'),
        FABRIC_KEY_FILE: path.join(msp, 'keystore', 'priv_sk'),
      }),
    );
    assert.equal(files.get('default')?.certificate.toString(), 'CERTIFICATE');
    assert.equal(loadIdentities(readConfig({})).size, 0);
    assert.throws(() => parseIdentityEntry('no-equals', 'X'), /name=mspDir/);
  });
});

describe('configuration', function () {
  it('has defaults matching the Helm chart and reads lists', function () {
    const config = readConfig({
      FABRIC_PEER_ENDPOINTS: 'peer0:7051, peer1:7051',
      FABRIC_CHANNELS: 'consortium,audit',
      KAFKA_BROKERS: 'k1:9092',
    });
    assert.equal(config.PORT, 8080);
    assert.deepEqual(config.FABRIC_PEER_ENDPOINTS, ['peer0:7051', 'peer1:7051']);
    assert.deepEqual(servedChannels(config), ['consortium', 'audit']);
    assert.deepEqual(servedChaincodes(config), ['consortia']);
    assert.equal(config.KAFKA_TOPIC, 'dapp.tx.requests');
    assert.equal(config.DAPP_IN_PROCESS_WORKER, true);
  });

  it('reports every bad variable by name', function () {
    assert.throws(
      () =>
        readConfig({ PORT: 'eighty', WORKER_CONCURRENCY: '-1', DAPP_IN_PROCESS_WORKER: 'maybe' }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.match(error.message, /PORT/);
        assert.match(error.message, /WORKER_CONCURRENCY/);
        assert.match(error.message, /DAPP_IN_PROCESS_WORKER/);
        return true;
      },
    );
  });
});

describe('queue building blocks', function () {
  it('parses a queued request and names what a bad one lacks', function () {
    const request = parseQueuedRequest(
      Buffer.from(
        JSON.stringify({
          requestId: 'app:r',
          caller: 'app',
          channel: 'c',
          chaincode: 'cc',
          transactionName: 'C:F',
          function: 'F',
          args: ['1'],
          acceptedAt: 'now',
        }),
      ),
    );
    assert.equal(request.partitionKey, 'app:r');
    assert.equal(request.transientRef, undefined);
    assert.throws(() => parseQueuedRequest(null), /no value/);
    assert.throws(() => parseQueuedRequest(Buffer.from('{"requestId":"r"}')), /lacks 'caller'/);
    const withTransient = { requestId: 'app:r', caller: 'app', channel: 'c' };
    assert.throws(
      () =>
        parseQueuedRequest(
          Buffer.from(
            JSON.stringify({
              ...withTransient,
              chaincode: 'cc',
              transactionName: 'C:F',
              function: 'F',
              args: [],
              transient: { secret: 'x' },
            }),
          ),
        ),
      /carries transient data/,
    );
    assert.equal(
      deadLetterCopy(Buffer.from(JSON.stringify({ requestId: 'r', transient: { secret: 'x' } }))),
      '{"requestId":"r"}',
    );
    assert.equal(deadLetterCopy(Buffer.from('secret, not JSON')), '{"unreadable":true,"bytes":16}');
    assert.throws(
      () =>
        parseQueuedRequest(
          Buffer.from(
            JSON.stringify({
              requestId: 'app:r',
              caller: 'app',
              channel: 'c',
              chaincode: 'cc',
              transactionName: 'C:F',
              function: 'F',
              args: [1],
            }),
          ),
        ),
      /args/,
    );
    assert.equal(headerText({ a: [Buffer.from('x')] }, 'a'), 'x');
    assert.equal(headerText(undefined, 'a'), undefined);
  });

  it('lets only as many producers in as places were freed, though one settle wakes them all', async function () {
    const window = new SettleWindow(1);
    await window.enter();
    const entered: string[] = [];
    const waiting = ['b', 'c'].map((name) => window.enter().then(() => entered.push(name)));
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(entered, []);
    window.settled();
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(entered, ['b'], 'the one place freed is taken once');
    window.settled();
    await Promise.all(waiting);
    assert.deepEqual(entered, ['b', 'c']);
    window.settled();
    await window.empty();
  });
});
