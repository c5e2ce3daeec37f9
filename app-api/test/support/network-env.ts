// SPDX-License-Identifier: Apache-2.0
import path from 'node:path';

import { onlyFile } from '@consortia/common/fabric';
import type { Org, Topology } from '@consortia/network';
import { HOST, orgTlsCaFile, orgUserDir } from '@consortia/network';

/**
 * The settings the DAPP and datasync of a test stack share on a real network: the org's peers,
 * channel and chaincode, and its services' user (User1) as the default identity.
 */
export function networkServiceEnv(topology: Topology, org: Org, chaincode: string) {
  const userMsp = path.join(orgUserDir(topology, org), 'msp');
  const common = {
    FABRIC_MSP_ID: org.mspId,
    FABRIC_CHANNEL: topology.options.channel,
    FABRIC_CHAINCODE: chaincode,
    FABRIC_PEER_ENDPOINTS: org.peers.map((peer) => `${HOST}:${peer.port}`).join(','),
    FABRIC_TLS_CA_FILE: orgTlsCaFile(topology, org),
  };
  return {
    dapp: {
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      ...common,
      FABRIC_IDENTITY_DIR: userMsp,
    },
    datasync: {
      ...common,
      FABRIC_CERT_FILE: onlyFile(path.join(userMsp, 'signcerts')),
      FABRIC_KEY_FILE: onlyFile(path.join(userMsp, 'keystore')),
    },
  };
}
