// SPDX-License-Identifier: Apache-2.0
/**
 * What a joining organization brings: its certificates, its peers' configuration, and its MSP
 * definition as the channel configuration holds it.
 */
import fs from 'node:fs';
import path from 'node:path';

import YAML from 'yaml';

import { enrollOrg } from '../ca/enroll';
import { caOrgOf } from '../ca/layout';
import { startOrgCas } from '../ca/server';
import { CCAAS_BUILDER_DIR } from '../chaincode/builder';
import type { Json } from '../fabric/config-update';
import { withScratchDir } from '../fabric/config-update';
import type { NetworkContext } from '../fabric/network';
import { runFabric, setupLogFile } from '../fabric/tools';
import { configtx } from '../templates/configtx';
import { coreYaml } from '../templates/core-yaml';
import { cryptoConfig } from '../templates/crypto-config';
import type { Org, Topology } from '../topology/topology';
import { HOST } from '../topology/topology';

/**
 * The org's keys and certificates, from the same source as the rest of the network: with
 * cryptogen, `cryptogen extend` adds the orgs the crypto directory lacks; with Fabric CA, the
 * org's own root, intermediate and TLS CAs start and enroll its nodes and admin.
 */
export async function provideOrgCrypto(context: NetworkContext, org: Org): Promise<void> {
  const { home, topology, progress } = context;
  if (topology.options.crypto === 'ca') {
    const caOrg = caOrgOf(topology, org);
    progress(`starting the Fabric CAs of ${org.mspId} and enrolling its nodes`);
    await startOrgCas({ ...context }, caOrg);
    await enrollOrg(topology, caOrg);
    return;
  }
  progress(`generating the crypto material of ${org.mspId} (cryptogen extend)`);
  const file = path.join(topology.paths.config, `crypto-config-${org.name.toLowerCase()}.yaml`);
  fs.writeFileSync(file, YAML.stringify(cryptoConfig(topology), { lineWidth: 0 }));
  await runFabric('cryptogen', ['extend', '--input', topology.paths.crypto, '--config', file], {
    home,
    logFile: setupLogFile(topology),
  });
}

/** core.yaml for each of the org's peers. */
export function writeOrgPeerConfigs(topology: Topology, org: Org): void {
  for (const peer of org.peers) {
    fs.mkdirSync(peer.dir, { recursive: true });
    fs.writeFileSync(
      path.join(peer.dir, 'core.yaml'),
      YAML.stringify(coreYaml({ topology, org, peer, ccaasBuilderDir: CCAAS_BUILDER_DIR }), {
        lineWidth: 0,
      }),
    );
  }
}

/**
 * The org's group as a channel's Application section holds it (`configtxgen -printOrg`: its MSP,
 * with Readers, Writers, Admins and Endorsement policies), with its first peer as anchor peer.
 * This JSON is what a joining organization hands the existing members.
 */
export async function orgDefinition(
  context: Pick<NetworkContext, 'home' | 'topology'>,
  org: Org,
): Promise<Json> {
  const { home, topology } = context;
  return withScratchDir('org-definition', async (dir) => {
    fs.writeFileSync(
      path.join(dir, 'configtx.yaml'),
      YAML.stringify(configtx(topology), { lineWidth: 0 }),
    );
    const output = await runFabric('configtxgen', ['-configPath', dir, '-printOrg', org.mspId], {
      home,
      logFile: setupLogFile(topology),
    });
    // stdout (the pretty-printed group) comes before the program's log lines
    const printed = /^\{[\s\S]*?^\}$/m.exec(output);
    if (!printed) throw new Error(`configtxgen -printOrg ${org.mspId} printed no definition`);
    const group = JSON.parse(printed[0]) as Json;
    const anchor = org.peers[0];
    if (anchor) {
      const values = (group.values as Json | undefined) ?? {};
      values.AnchorPeers = {
        mod_policy: 'Admins',
        value: { anchor_peers: [{ host: HOST, port: anchor.port }] },
        version: '0',
      };
      group.values = values;
    }
    return group;
  });
}

/** The MSP id a definition from `orgDefinition` (or `configtxgen -printOrg`) is for. */
export function definitionMspId(definition: Json): string {
  const msp = (definition.values as Json | undefined)?.MSP as Json | undefined;
  const config = (msp?.value as Json | undefined)?.config as Json | undefined;
  const name = config?.name;
  if (typeof name !== 'string' || name === '') {
    throw new Error('the organization definition has no MSP name (values.MSP.value.config.name)');
  }
  return name;
}
