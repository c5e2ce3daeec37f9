// SPDX-License-Identifier: Apache-2.0
import * as grpc from '@grpc/grpc-js';
import type { Gateway } from '@hyperledger/fabric-gateway';
import { connect } from '@hyperledger/fabric-gateway';

import type { GatewayIdentity } from './msp';
import { gatewaySigning } from './signing';

export interface PeerClientOptions {
  /** host:port of the peer. */
  address: string;
  /** The TLS CA certificate (PEM); without it the connection is plain. */
  tlsCaCertificate?: Buffer;
  /** The host name the peer's certificate is checked against (and SNI names), when the address is an IP. */
  tlsServerName?: string;
}

/** A gRPC connection to a peer, to share between gateways. */
export function peerClient(options: PeerClientOptions): grpc.Client {
  const credentials = options.tlsCaCertificate
    ? grpc.credentials.createSsl(options.tlsCaCertificate)
    : grpc.credentials.createInsecure();
  const channelOptions: grpc.ChannelOptions = options.tlsServerName
    ? { 'grpc.ssl_target_name_override': options.tlsServerName }
    : {};
  return new grpc.Client(options.address, credentials, channelOptions);
}

/** How long each kind of gateway call may take; unset ones keep the gateway's defaults. */
export interface GatewayDeadlines {
  evaluateMs?: number;
  endorseMs?: number;
  submitMs?: number;
  commitStatusMs?: number;
}

/** A Fabric Gateway over `client`, signing as `identity` with Node's own ECDSA (see signing.ts). */
export function connectGateway(
  client: grpc.Client,
  identity: GatewayIdentity,
  deadlines: GatewayDeadlines = {},
): Gateway {
  const deadline = (ms: number | undefined) =>
    ms === undefined ? undefined : () => ({ deadline: Date.now() + ms });
  const options = {
    evaluateOptions: deadline(deadlines.evaluateMs),
    endorseOptions: deadline(deadlines.endorseMs),
    submitOptions: deadline(deadlines.submitMs),
    commitStatusOptions: deadline(deadlines.commitStatusMs),
  };
  return connect({
    client,
    identity: { mspId: identity.mspId, credentials: identity.certificate },
    ...gatewaySigning(identity.privateKey),
    ...Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)),
  });
}

/** A gateway with its own connection, closed together. */
export interface GatewayConnection {
  gateway: Gateway;
  client: grpc.Client;
  /** A plain function rather than a method, so callers may destructure it. */
  close: () => void;
}

/** Connects to one peer as one identity, for a process that needs a single gateway. */
export function openGateway(
  peer: PeerClientOptions,
  identity: GatewayIdentity,
  deadlines?: GatewayDeadlines,
): GatewayConnection {
  const client = peerClient(peer);
  const gateway = connectGateway(client, identity, deadlines);
  return {
    gateway,
    client,
    close: () => {
      gateway.close();
      client.close();
    },
  };
}
