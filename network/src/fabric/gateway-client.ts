import fs from 'node:fs';
import path from 'node:path';

import * as grpc from '@grpc/grpc-js';
import type { Gateway } from '@hyperledger/fabric-gateway';
import { connect, hash, signers } from '@hyperledger/fabric-gateway';
import crypto from 'node:crypto';

import type { Org, Topology } from '../topology/topology';
import { HOST, orgTlsCaFile, orgUserDir, TLS_HOST_NAME } from '../topology/topology';

function onlyFile(dir: string): string {
  const [file] = fs.readdirSync(dir);
  if (!file) throw new Error(`no file in ${dir}`);
  return path.join(dir, file);
}

export interface GatewayConnection {
  gateway: Gateway;
  close(): void;
}

/** A Fabric Gateway connection as the org's first user, through one of its peers. */
export function connectGateway(topology: Topology, org: Org, peerIndex = 0): GatewayConnection {
  const peer = org.peers[peerIndex];
  if (!peer) throw new Error(`${org.mspId} has no peer ${peerIndex}`);
  const client = new grpc.Client(
    `${HOST}:${peer.port}`,
    grpc.credentials.createSsl(fs.readFileSync(orgTlsCaFile(topology, org))),
    // the address stays an IP; the certificate is checked against (and SNI names) the host name
    { 'grpc.ssl_target_name_override': TLS_HOST_NAME },
  );
  const msp = path.join(orgUserDir(topology, org), 'msp');
  const gateway = connect({
    client,
    identity: {
      mspId: org.mspId,
      credentials: fs.readFileSync(onlyFile(path.join(msp, 'signcerts'))),
    },
    signer: signers.newPrivateKeySigner(
      crypto.createPrivateKey(fs.readFileSync(onlyFile(path.join(msp, 'keystore')))),
    ),
    hash: hash.sha256,
    // generous deadlines: a loaded 2-core machine runs every node of the network
    evaluateOptions: () => ({ deadline: Date.now() + 30_000 }),
    endorseOptions: () => ({ deadline: Date.now() + 60_000 }),
    submitOptions: () => ({ deadline: Date.now() + 60_000 }),
    commitStatusOptions: () => ({ deadline: Date.now() + 120_000 }),
  });
  return {
    gateway,
    close: () => {
      gateway.close();
      client.close();
    },
  };
}
