// SPDX-License-Identifier: Apache-2.0
import fs from 'node:fs';
import path from 'node:path';

import type { GatewayConnection } from '@consortia/common/fabric';
import { openGateway, readMspIdentity } from '@consortia/common/fabric';

import type { Org, Topology } from '../topology/topology';
import { HOST, orgTlsCaFile, orgUserDir, TLS_HOST_NAME } from '../topology/topology';

export type { GatewayConnection } from '@consortia/common/fabric';

/** A Fabric Gateway connection as the org's first user, through one of its peers. */
export function connectGateway(topology: Topology, org: Org, peerIndex = 0): GatewayConnection {
  const peer = org.peers[peerIndex];
  if (!peer) throw new Error(`${org.mspId} has no peer ${peerIndex}`);
  return openGateway(
    {
      address: `${HOST}:${peer.port}`,
      tlsCaCertificate: fs.readFileSync(orgTlsCaFile(topology, org)),
      // the address stays an IP; the certificate is checked against (and SNI names) the host name
      tlsServerName: TLS_HOST_NAME,
    },
    readMspIdentity(org.mspId, path.join(orgUserDir(topology, org), 'msp')),
    // generous deadlines: a loaded 2-core machine runs every node of the network
    { evaluateMs: 30_000, endorseMs: 60_000, submitMs: 60_000, commitStatusMs: 120_000 },
  );
}
