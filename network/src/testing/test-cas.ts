// SPDX-License-Identifier: Apache-2.0
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import type { CaCredentials, FabricCaEndpoint } from '@consortia/common';

import { registrarFiles } from '../ca/client';
import { caEndpoint, caOrgs } from '../ca/layout';
import { startOrgCas } from '../ca/server';
import { consortiaHome } from '../install';
import { fabricCaComponent } from '../install/fabric-ca';
import { stopStarted } from '../operations/down';
import type { PidRecord } from '../process/supervisor';
import { parseNetworkOptions } from '../topology/options';
import { buildTopology } from '../topology/topology';

/** One organization's real CAs (root, intermediate, TLS) for a workspace's tests. */
export interface TestCas {
  mspId: string;
  /** Where the CAs keep their state; pass it again to restart them with it. */
  stateDir: string;
  /** The intermediate, which enrolls the org's users. */
  endpoint: FabricCaEndpoint;
  registrar: CaCredentials;
  /** Stops the CAs (start them again with the same base port and dir to keep their state). */
  stop(): Promise<void>;
}

/** Why the CAs cannot run here, or undefined when they can. */
export function testCasUnavailable(home = consortiaHome()): string | undefined {
  return fabricCaComponent.isInstalled(home)
    ? undefined
    : 'Fabric CA is not installed (`consortia install ca`)';
}

/** Starts Org1's CAs on basePort+3..+5 with their state in stateDir (a new temp dir by default). */
export async function startTestCas(
  basePort: number,
  stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'consortia-test-cas-')),
): Promise<TestCas> {
  const home = consortiaHome();
  const topology = buildTopology(
    parseNetworkOptions({ stateDir, basePort, orgs: 1, peersPerOrg: 1, crypto: 'ca' }, {}),
  );
  const org = caOrgs(topology)[1];
  if (!org) throw new Error('the test topology has no member org');
  const started: PidRecord[] = [];
  await startOrgCas({ home, topology, started }, org);
  const files = await registrarFiles(org.intermediate);
  const endpoint = caEndpoint(org.intermediate);
  return {
    mspId: org.mspId,
    stateDir,
    endpoint: {
      url: endpoint.url,
      serverName: endpoint.serverName,
      tlsRoots: fs.readFileSync(endpoint.tlsRootsFile, 'utf8'),
    },
    registrar: {
      certificate: fs.readFileSync(files.certFile, 'utf8'),
      privateKey: crypto.createPrivateKey(fs.readFileSync(files.keyFile)),
    },
    stop: () => stopStarted(topology.paths.run, started),
  };
}
