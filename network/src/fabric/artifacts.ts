// SPDX-License-Identifier: Apache-2.0
import fs from 'node:fs';
import path from 'node:path';

import YAML from 'yaml';

import { CCAAS_BUILDER_DIR } from '../chaincode/builder';
import { configtx, PROFILES, SYSTEM_CHANNEL } from '../templates/configtx';
import { coreYaml } from '../templates/core-yaml';
import { cryptoConfig } from '../templates/crypto-config';
import { ordererYaml, SYSTEM_GENESIS_BLOCK } from '../templates/orderer-yaml';
import type { Topology } from '../topology/topology';
import type { NetworkContext } from './network';
import { channelBlockFile, runFabric, setupLogFile } from './tools';

function writeYaml(file: string, content: object): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, YAML.stringify(content, { lineWidth: 0 }));
}

/** The transaction that sets an org's anchor peers on a Kafka-ordered channel. */
export function anchorUpdateFile(topology: Topology, mspId: string): string {
  return path.join(topology.paths.config, `${mspId}-anchors.tx`);
}

/** Every node's and admin's keys and certificates, from crypto-config.yaml through cryptogen. */
export async function generateCrypto({ home, topology, progress }: NetworkContext): Promise<void> {
  const { config, crypto } = topology.paths;
  fs.mkdirSync(config, { recursive: true });
  progress('generating crypto material (cryptogen)');
  writeYaml(path.join(config, 'crypto-config.yaml'), cryptoConfig(topology));
  await runFabric(
    'cryptogen',
    ['generate', '--config', path.join(config, 'crypto-config.yaml'), '--output', crypto],
    { home, logFile: setupLogFile(topology) },
  );
}

/**
 * The channel's starting artifacts from configtx.yaml: under Kafka the system channel's genesis
 * block, the channel creation transaction and each org's anchor peer update; under Raft the
 * channel's genesis block, which the orderers join directly.
 */
export async function generateChannelArtifacts({
  home,
  topology,
  progress,
}: NetworkContext): Promise<void> {
  const { config } = topology.paths;
  fs.mkdirSync(config, { recursive: true });
  progress('generating channel artifacts (configtxgen)');
  writeYaml(path.join(config, 'configtx.yaml'), configtx(topology));
  const logFile = setupLogFile(topology);
  const configtxgen = (args: string[]) =>
    runFabric('configtxgen', ['-configPath', config, ...args], { home, logFile });
  const channel = topology.options.channel;
  if (topology.options.consensus === 'etcdraft') {
    await raftChannelBlock(configtxgen, channel, channelBlockFile(topology));
    return;
  }
  await kafkaChannelArtifacts(configtxgen, {
    channel,
    genesisBlock: path.join(config, SYSTEM_GENESIS_BLOCK),
    channelTx: path.join(config, `${channel}.tx`),
    anchorTx: Object.fromEntries(
      topology.orgs.map((org) => [org.mspId, anchorUpdateFile(topology, org.mspId)]),
    ),
  });
}

/**
 * A Raft-ordered channel's genesis block (its consenters, orderer endpoints and anchor peers), which
 * the orderers join through the channel participation API, through `configtxgen`.
 */
export async function raftChannelBlock(
  configtxgen: (args: string[]) => Promise<unknown>,
  channel: string,
  block: string,
): Promise<void> {
  await configtxgen([
    '-profile',
    PROFILES.raftApplicationChannel,
    '-channelID',
    channel,
    '-outputBlock',
    block,
  ]);
}

/** Where configtxgen writes a Kafka channel's starting artifacts; anchorTx by org MSP id. */
export interface KafkaChannelFiles {
  channel: string;
  genesisBlock: string;
  channelTx: string;
  anchorTx: Record<string, string>;
}

/**
 * The system channel's genesis block, the channel creation transaction and each org's anchor peer
 * update of a Kafka-ordered network, through `configtxgen` (bound to a configtx.yaml folder).
 */
export async function kafkaChannelArtifacts(
  configtxgen: (args: string[]) => Promise<unknown>,
  files: KafkaChannelFiles,
): Promise<void> {
  const { channel } = files;
  await configtxgen([
    '-profile',
    PROFILES.systemChannel,
    '-channelID',
    SYSTEM_CHANNEL,
    '-outputBlock',
    files.genesisBlock,
  ]);
  await configtxgen([
    '-profile',
    PROFILES.kafkaApplicationChannel,
    '-channelID',
    channel,
    '-outputCreateChannelTx',
    files.channelTx,
  ]);
  for (const [mspId, file] of Object.entries(files.anchorTx)) {
    await configtxgen([
      '-profile',
      PROFILES.kafkaApplicationChannel,
      '-channelID',
      channel,
      '-outputAnchorPeersUpdate',
      file,
      '-asOrg',
      mspId,
    ]);
  }
}

/** orderer.yaml for each orderer and core.yaml for each peer, from the typed templates. */
export function writeNodeConfigs(topology: Topology): void {
  for (const orderer of topology.orderers) {
    writeYaml(path.join(orderer.dir, 'orderer.yaml'), ordererYaml(topology, orderer));
  }
  for (const org of topology.orgs) {
    for (const peer of org.peers) {
      writeYaml(
        path.join(peer.dir, 'core.yaml'),
        coreYaml({ topology, org, peer, ccaasBuilderDir: CCAAS_BUILDER_DIR }),
      );
    }
  }
}
