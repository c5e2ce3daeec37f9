import fs from 'node:fs';
import path from 'node:path';

import type { Org, Topology } from '@consortia/network';
import {
  HOST,
  consortiaHome,
  deployChaincode,
  loadNetwork,
  orgTlsCaFile,
  orgUserDir,
  up,
  writeManifest,
} from '@consortia/network';
import { sharedTestNetwork, testNetworkUnavailable } from '@consortia/network/testing';

import type { GatewayOptions } from '../../src/source/gateway-source';

export const CHAINCODE = 'consortia';
const CHAINCODE_DIR = path.resolve(__dirname, '..', '..', '..', 'chaincode');
const log = (message: string) => process.stderr.write(`      ${message}\n`);

/** Why real-network tests cannot run here, or undefined when they can. */
export function fabricUnavailable(): string | undefined {
  return testNetworkUnavailable();
}

/** The network every workspace's integration tests share (see @consortia/network/testing). */
export async function testNetwork(): Promise<Topology> {
  return (await sharedTestNetwork(log)).topology;
}

function onlyFile(dir: string): string {
  const [file] = fs.readdirSync(dir);
  if (!file) throw new Error(`no file in ${dir}`);
  return path.join(dir, file);
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
    privateData,
  };
}

/** A network of its own for the benchmark: 2 orgs, Kafka ordering, the business chaincode. */
export async function startNetwork(stateDir: string, basePort: number): Promise<Topology> {
  const home = consortiaHome();
  const { topology } = await up(
    home,
    { consensus: 'kafka', orgs: 2, peersPerOrg: 1, basePort, stateDir },
    log,
  );
  const { manifest } = loadNetwork(stateDir);
  await deployChaincode({ home, topology, progress: log, started: [] }, manifest, {
    path: CHAINCODE_DIR,
    name: CHAINCODE,
  });
  writeManifest(topology.paths.manifest, manifest);
  return topology;
}
