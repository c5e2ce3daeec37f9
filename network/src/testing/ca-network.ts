// SPDX-License-Identifier: Apache-2.0
/**
 * A network on Fabric CA certificates for tests that need its CAs (per-user identities): brought
 * up, or resumed, in its own state dir and port range, apart from the shared cryptogen network.
 * It is left running for the next run; `consortia down --state-dir <dir> --purge` stops it.
 */
import os from 'node:os';
import path from 'node:path';

import { registrarFiles } from '../ca/client';
import { caEndpoint, caOrgOf } from '../ca/layout';
import { deployChaincode } from '../chaincode/deploy';
import { ensureTokenInitialized } from '../chaincode/token';
import { consortiaHome } from '../install';
import { loadNetwork } from '../operations/status';
import { up } from '../operations/up';
import { REPOSITORY_ROOT } from '../repository';
import { writeManifest } from '../state/manifest';
import { firstOrg } from '../topology/topology';
import type { TestNetwork } from './test-network';
import { TEST_CHAINCODE, TEST_TOKEN } from './test-network';

export const CA_NETWORK_ENV = 'CONSORTIA_CA_TEST_NETWORK';
export const CA_NETWORK_BASE_PORT_ENV = 'CONSORTIA_CA_TEST_BASE_PORT';

/** The first org's intermediate CA, where its users are registered and enrolled. */
export interface TestNetworkCa {
  url: string;
  serverName: string;
  tlsRootsFile: string;
  registrarCertFile: string;
  registrarKeyFile: string;
}

export async function caTestNetwork(
  progress: (message: string) => void = (message) => process.stderr.write(`      ${message}\n`),
  env: NodeJS.ProcessEnv = process.env,
): Promise<TestNetwork & { ca: TestNetworkCa }> {
  const home = consortiaHome(env);
  const stateDir = env[CA_NETWORK_ENV]?.trim() || path.join(os.tmpdir(), 'consortia-ca-network');
  const basePort = Number(env[CA_NETWORK_BASE_PORT_ENV] ?? 15000);
  // one peer per org: the CAs add nine processes, and the test needs no second peer
  const { topology } = await up(
    home,
    { consensus: 'kafka', crypto: 'ca', orgs: 2, peersPerOrg: 1, basePort, stateDir },
    progress,
  );
  const { manifest } = loadNetwork(stateDir);
  const org = firstOrg(topology);
  if (!manifest.chaincodes.some((deployed) => deployed.name === TEST_CHAINCODE)) {
    await deployChaincode({ home, topology, progress, started: [] }, manifest, {
      path: path.join(REPOSITORY_ROOT, 'chaincode'),
      name: TEST_CHAINCODE,
    });
    writeManifest(topology.paths.manifest, manifest);
  }
  await ensureTokenInitialized(topology, org, TEST_CHAINCODE, TEST_TOKEN);
  const intermediate = caOrgOf(topology, org).intermediate;
  const endpoint = caEndpoint(intermediate);
  const registrar = await registrarFiles(intermediate);
  return {
    stateDir,
    topology,
    org,
    chaincode: TEST_CHAINCODE,
    ca: {
      url: endpoint.url,
      serverName: endpoint.serverName,
      tlsRootsFile: endpoint.tlsRootsFile,
      registrarCertFile: registrar.certFile,
      registrarKeyFile: registrar.keyFile,
    },
  };
}
