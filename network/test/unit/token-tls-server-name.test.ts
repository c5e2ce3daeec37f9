// SPDX-License-Identifier: Apache-2.0
// The shared test network initializes its token through a gateway to a peer on 127.0.0.1 (the
// test runner's "initializing the CTK token" step). Node warns (DEP0123) when a TLS server name is
// an IP address, so the connection must name the certificate's host name instead. A TLS server
// in the peer's place records the server name each connection asks for; no Fabric network runs.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';

import { ensureTokenInitialized } from '../../src/chaincode/token';
import { parseNetworkOptions } from '../../src/topology/options';
import { buildTopology, firstOrg, HOST, TLS_HOST_NAME } from '../../src/topology/topology';
import { makeOrg } from '../support/crypto-layout';

describe('token set-up of the shared test network', function () {
  this.timeout(60_000);
  let dir: string;
  let server: http2.Http2SecureServer;
  const serverNames: (string | undefined)[] = [];

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'token-tls-'));
    const topology = buildTopology(parseNetworkOptions({ stateDir: dir, crypto: 'cryptogen' }, {}));
    const org = firstOrg(topology);
    makeOrg(topology.paths.crypto, org.domain, 'peer', 1, ['User1']);
    const peerTls = path.join(
      topology.paths.crypto,
      'peerOrganizations',
      org.domain,
      'peers',
      `peer0.${org.domain}`,
      'tls',
    );
    const context = tls.createSecureContext({
      cert: fs.readFileSync(path.join(peerTls, 'server.crt')),
      key: fs.readFileSync(path.join(peerTls, 'server.key')),
    });
    server = http2.createSecureServer({
      secureContext: context,
      // called for each ClientHello that names a server; one without a name is recorded below
      SNICallback: (name, done) => {
        serverNames.push(name);
        done(null, context);
      },
    });
    server.on('secureConnection', (socket: tls.TLSSocket) => {
      if (!socket.servername) serverNames.push(undefined);
    });
    // not a peer: every call ends UNIMPLEMENTED, so the set-up fails fast
    server.on('stream', (stream) => {
      stream.respond(
        { ':status': 200, 'content-type': 'application/grpc', 'grpc-status': '12' },
        {
          endStream: true,
        },
      );
    });
    await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
  });

  after(async () => {
    await new Promise((resolve) => server.close(resolve));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('dials the peer by IP and names the host name as the TLS server, never the IP', async () => {
    const topology = buildTopology(parseNetworkOptions({ stateDir: dir, crypto: 'cryptogen' }, {}));
    const org = firstOrg(topology);
    const peer = org.peers[0];
    assert.ok(peer);
    peer.port = (server.address() as AddressInfo).port;
    await assert.rejects(ensureTokenInitialized(topology, org, 'consortia'));
    assert.ok(serverNames.length > 0, 'the peer was never dialled');
    assert.deepEqual(new Set(serverNames), new Set([TLS_HOST_NAME]));
  });
});
