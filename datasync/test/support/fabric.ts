// SPDX-License-Identifier: Apache-2.0
import path from 'node:path';

import { onlyFile } from '@consortia/common/fabric';
import type { Org, Topology } from '@consortia/network';
import { HOST, orgTlsCaFile, orgUserDir, TLS_HOST_NAME } from '@consortia/network';
import {
  sharedTestNetwork,
  testNetworkUnavailable,
  TEST_CHAINCODE,
} from '@consortia/network/testing';

import type { GatewayOptions } from '../../src/source/gateway-source';

export const CHAINCODE = TEST_CHAINCODE;
const log = (message: string) => process.stderr.write(`      ${message}\n`);

/** Why real-network tests cannot run here, or undefined when they can. */
export function fabricUnavailable(): string | undefined {
  return testNetworkUnavailable();
}

/** The network every workspace's integration tests share (see @consortia/network/testing). */
export async function testNetwork(): Promise<Topology> {
  return (await sharedTestNetwork(log)).topology;
}

/** How datasync reaches an org's first peer as that org's first user. */
export function gatewayOptions(topology: Topology, org: Org, privateData = false): GatewayOptions {
  const msp = path.join(orgUserDir(topology, org), 'msp');
  return {
    mspId: org.mspId,
    peerEndpoints: org.peers.map((peer) => `${HOST}:${peer.port}`),
    certFile: onlyFile(path.join(msp, 'signcerts')),
    keyFile: onlyFile(path.join(msp, 'keystore')),
    tlsCaFile: orgTlsCaFile(topology, org),
    tlsServerName: TLS_HOST_NAME,
    privateData,
  };
}
