// SPDX-License-Identifier: Apache-2.0
import { generateCrypto } from '../fabric/artifacts';
import type { NetworkContext } from '../fabric/network';
import { HOST } from '../topology/topology';
import { enrollNetwork } from './enroll';
import { caOrgs, caServers } from './layout';
import { assertFabricCaInstalled, startOrgCas } from './server';

/**
 * The one place that decides where the network's certificates come from. With cryptogen they
 * are generated once, when the network is made. With Fabric CA the organizations' CAs run
 * beside the nodes (started again with their state on every `up`), and every node, admin and
 * service user is enrolled from them when the network is made.
 */
export async function provideCrypto(context: NetworkContext, create: boolean): Promise<void> {
  const { home, topology, progress } = context;
  if (topology.options.crypto === 'cryptogen') {
    if (create) await generateCrypto(context);
    return;
  }
  assertFabricCaInstalled(home);
  const orgs = caOrgs(topology);
  const ports = caServers(topology).map((server) => server.port);
  progress(
    `starting ${ports.length} Fabric CAs (root, intermediate and TLS per org) on ${HOST}:${Math.min(...ports)}-${Math.max(...ports)}`,
  );
  await Promise.all(orgs.map((org) => startOrgCas({ ...context }, org)));
  if (create) {
    progress('enrolling every node, admin and service user from the CAs');
    await enrollNetwork(topology);
  }
}
