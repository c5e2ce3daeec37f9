import crypto from 'node:crypto';
import fs from 'node:fs';

import * as grpc from '@grpc/grpc-js';
import type { Gateway } from '@hyperledger/fabric-gateway';
import { connect, hash, signers } from '@hyperledger/fabric-gateway';
import type { Org, Topology } from '@consortia/network';

import { gatewayOptions } from './fabric';

/** A client connection that submits transactions as the org's first user (traffic generation). */
export function connectGateway(topology: Topology, org: Org): { gateway: Gateway; close(): void } {
  const options = gatewayOptions(topology, org);
  const client = new grpc.Client(
    options.peerEndpoints[0]!,
    grpc.credentials.createSsl(fs.readFileSync(options.tlsCaFile)),
  );
  const gateway = connect({
    client,
    identity: { mspId: options.mspId, credentials: fs.readFileSync(options.certFile) },
    signer: signers.newPrivateKeySigner(crypto.createPrivateKey(fs.readFileSync(options.keyFile))),
    hash: hash.sha256,
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
