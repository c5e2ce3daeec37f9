// SPDX-License-Identifier: Apache-2.0
// `consortia k8s material --anchor-peer`: the anchor peer updates configtxgen writes name the
// external endpoints given, and cryptogen's peer TLS certificates name their hosts.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import { run } from '../../src/cli/main';
import { runFabric } from '../../src/fabric/tools';
import { consortiaHome } from '../../src/install';
import { tempDir } from '../support/temp';

type Json = Record<string, unknown>;

/** Runs the CLI in this process; its printed lines and exit code. */
async function consortia(...args: string[]) {
  const lines: string[] = [];
  const original = { log: console.log, error: console.error, exitCode: process.exitCode };
  console.log = (...parts: unknown[]) => lines.push(parts.join(' '));
  console.error = (...parts: unknown[]) => lines.push(parts.join(' '));
  try {
    await run(['node', 'consortia', ...args]);
    return { code: process.exitCode ?? 0, output: lines.join('\n') };
  } finally {
    Object.assign(console, { log: original.log, error: original.error });
    process.exitCode = original.exitCode;
  }
}

/** A config transaction's or block's JSON (configtxlator proto_decode). */
async function decode(file: string, type: 'common.Envelope' | 'common.Block'): Promise<Json> {
  const output = `${file}.json`;
  await runFabric(
    'configtxlator',
    ['proto_decode', '--type', type, '--input', file, '--output', output],
    { home: consortiaHome() },
  );
  return JSON.parse(fs.readFileSync(output, 'utf8')) as Json;
}

/** Follows a path of keys through decoded JSON. */
function at(value: unknown, ...keys: (string | number)[]): unknown {
  return keys.reduce<unknown>(
    (node, key) => (node as Record<string | number, unknown> | undefined)?.[key],
    value,
  );
}

const APPLICATION_ORGS = [
  ...['payload', 'data', 'config_update', 'write_set', 'groups', 'Application', 'groups'],
];
const anchorsOf = (envelope: Json, msp: string) =>
  at(envelope, ...APPLICATION_ORGS, msp, 'values', 'AnchorPeers', 'value', 'anchor_peers');

const peerCert = (out: string, org: number, peer: number) =>
  new X509Certificate(
    fs.readFileSync(
      path.join(
        out,
        'crypto',
        'peerOrganizations',
        `org${org}.example.com`,
        'peers',
        `peer${peer}.org${org}.example.com`,
        'tls',
        'server.crt',
      ),
    ),
  );

const SMALL = ['--orgs', '2', '--peers', '2', '--orderers', '1', '--kafka-brokers', '1'];

describe('consortia k8s material --anchor-peer (cryptogen, configtxgen)', function () {
  this.timeout(120_000);
  let out: string;

  before(async function () {
    out = path.join(tempDir('k8s-material'), 'material');
    const result = await consortia(
      ...['k8s', 'material', '--out', out, ...SMALL],
      ...['--anchor-peer', 'Org1MSP=org1-peer0.consortia.example.net:443'],
      ...['--anchor-peer', 'Org1MSP=org1-peer1.consortia.example.net:8443'],
    );
    assert.equal(result.code, 0, result.output);
    assert.match(
      result.output,
      /anchors Org1MSP: .*Org1MSP-anchors\.tx \(--anchor-tx, anchor peers org1-peer0\.consortia\.example\.net:443 org1-peer1\.consortia\.example\.net:8443\)/,
    );
  });

  it("writes the given anchor peers into the org's anchor peer update, the other org keeps its Service", async () => {
    const org1 = await decode(path.join(out, 'Org1MSP-anchors.tx'), 'common.Envelope');
    assert.deepEqual(anchorsOf(org1, 'Org1MSP'), [
      { host: 'org1-peer0.consortia.example.net', port: 443 },
      { host: 'org1-peer1.consortia.example.net', port: 8443 },
    ]);
    const org2 = await decode(path.join(out, 'Org2MSP-anchors.tx'), 'common.Envelope');
    assert.deepEqual(anchorsOf(org2, 'Org2MSP'), [
      { host: 'org2-org-blockchain-peer0.consortia-org2.svc.cluster.local', port: 7051 },
    ]);
  });

  it("names each anchor host in its own peer's TLS certificate, beside the in-cluster names", () => {
    const peer0 = peerCert(out, 1, 0).subjectAltName ?? '';
    const peer1 = peerCert(out, 1, 1).subjectAltName ?? '';
    // cryptogen names peer0.org1.example.com itself; a host of another domain is added
    assert.match(peer0, /DNS:org1-peer0\.consortia\.example\.net\b/);
    assert.match(peer0, /DNS:org1-org-blockchain-peer0\.consortia-org1\.svc\.cluster\.local/);
    assert.doesNotMatch(peer0, /org1-peer1/);
    assert.match(peer1, /DNS:org1-peer1\.consortia\.example\.net\b/);
    assert.doesNotMatch(peerCert(out, 2, 0).subjectAltName ?? '', /example\.net/);
    const host = 'org1-peer0.consortia.example.net';
    assert.equal(peerCert(out, 1, 0).checkHost(host, { subject: 'never' }), host);
  });

  it('refuses a bad --anchor-peer with the fix, exiting non-zero and writing nothing', async () => {
    const fresh = path.join(tempDir('k8s-material-refused'), 'material');
    for (const [value, message] of [
      [
        'Org9MSP=peer0.org9.example.com:443',
        /--anchor-peer names Org9MSP[^\n]*\n {2}fix: .*--orgs/,
      ],
      ['Org1MSP=peer0.org1.example.com', /has no port\n {2}fix: .*example\.com:443/],
      ['Org1MSP=peer0.org1.example.com:99999', /port '99999' is not a number from 1 to 65535/],
    ] as const) {
      const result = await consortia(
        ...['k8s', 'material', '--out', fresh, ...SMALL, '--anchor-peer', value],
      );
      assert.equal(result.code, 1, value);
      assert.match(result.output, message);
      assert.doesNotMatch(result.output, /at .*\.ts:\d+/, 'no stack trace');
      assert.ok(!fs.existsSync(fresh), `${value}: nothing written`);
    }
  });

  it('refuses an anchor host that the kept certificates do not name, leaving the material as it was', async () => {
    const anchors = path.join(out, 'Org1MSP-anchors.tx');
    const before = fs.readFileSync(anchors);
    const configtx = fs.readFileSync(path.join(out, 'configtx.yaml'), 'utf8');
    const result = await consortia(
      ...['k8s', 'material', '--out', out, ...SMALL],
      ...['--anchor-peer', 'Org1MSP=gateway.org1.example.com:443'],
    );
    assert.equal(result.code, 1);
    assert.match(
      result.output,
      /TLS certificate of peer0\.org1\.example\.com, kept in .*crypto, does not name gateway\.org1\.example\.com\n {2}fix: remove /,
    );
    assert.deepEqual(fs.readFileSync(anchors), before);
    assert.equal(fs.readFileSync(path.join(out, 'configtx.yaml'), 'utf8'), configtx);
  });
});

describe('consortia k8s material --consensus etcdraft (cryptogen, configtxgen)', function () {
  this.timeout(120_000);
  let out: string;
  let made: string;

  before(async () => {
    out = path.join(tempDir('k8s-material-raft'), 'material');
    const result = await consortia(
      ...[
        'k8s',
        'material',
        '--out',
        out,
        '--consensus',
        'etcdraft',
        '--orgs',
        '2',
        '--peers',
        '2',
      ],
    );
    assert.equal(result.code, 0, result.output);
    made = result.output;
  });

  it("writes the channel's genesis block, with three Raft consenters at the orderers' Services, and no system channel", async () => {
    assert.match(
      made,
      /channel block: +\S+consortium\.block \(consortia k8s channel join --channel-block/,
    );
    for (const file of ['genesis.block', 'consortium.tx', 'Org1MSP-anchors.tx']) {
      assert.ok(!fs.existsSync(path.join(out, file)), `${file} is Kafka's`);
    }
    const block = await decode(path.join(out, 'consortium.block'), 'common.Block');
    const config = at(block, 'data', 'data', 0, 'payload', 'data', 'config', 'channel_group');
    assert.equal(
      at(block, 'data', 'data', 0, 'payload', 'header', 'channel_header', 'channel_id'),
      'consortium',
    );
    const type = at(config, 'groups', 'Orderer', 'values', 'ConsensusType', 'value') as Json;
    assert.equal(type.type, 'etcdraft');
    const consenters = at(type, 'metadata', 'consenters') as Json[];
    assert.deepEqual(
      consenters.map((consenter) => `${String(consenter.host)}:${String(consenter.port)}`),
      [0, 1, 2].map(
        (i) => `orderers-ordering-service-orderer${i}.consortia-ordering.svc.cluster.local:7050`,
      ),
    );
    // each consenter's certificate is its orderer's TLS certificate, which names its Service
    const tls = (i: number) =>
      path.join(
        out,
        'crypto/ordererOrganizations/ordering.example.com/orderers',
        `orderer${i}.ordering.example.com/tls/server.crt`,
      );
    for (const [i, consenter] of consenters.entries()) {
      const pem = Buffer.from(String(consenter.server_tls_cert), 'base64').toString();
      assert.equal(pem.trim(), fs.readFileSync(tls(i), 'utf8').trim());
      const host = `orderers-ordering-service-orderer${i}.consortia-ordering.svc.cluster.local`;
      assert.equal(new X509Certificate(pem).checkHost(host, { subject: 'never' }), host);
    }
    // the anchor peers are in the genesis block itself
    const anchors = at(
      config,
      'groups',
      'Application',
      'groups',
      'Org2MSP',
      'values',
      'AnchorPeers',
      'value',
      'anchor_peers',
    );
    assert.deepEqual(anchors, [
      { host: 'org2-org-blockchain-peer0.consortia-org2.svc.cluster.local', port: 7051 },
    ]);
    assert.equal(at(config, 'groups', 'Consortiums'), undefined);
  });

  it('refuses an unknown --consensus, and kept crypto material lacking an orderer, before writing anything', async () => {
    const fresh = path.join(tempDir('k8s-material-consensus'), 'material');
    const unknown = await consortia('k8s', 'material', '--out', fresh, '--consensus', 'raft');
    assert.equal(unknown.code, 1);
    assert.match(
      unknown.output,
      /--consensus 'raft': unknown ordering consensus\n {2}fix: pass --consensus kafka or --consensus etcdraft/,
    );
    assert.ok(!fs.existsSync(fresh), 'nothing written');
    const block = fs.readFileSync(path.join(out, 'consortium.block'));
    const more = await consortia(
      'k8s',
      'material',
      '--out',
      out,
      '--consensus',
      'etcdraft',
      '--orderers',
      '5',
    );
    assert.equal(more.code, 1);
    assert.match(
      more.output,
      /--orderers 5: the crypto material kept in \S+crypto has no orderer3\n {2}fix: remove /,
    );
    assert.deepEqual(fs.readFileSync(path.join(out, 'consortium.block')), block);
  });
});
