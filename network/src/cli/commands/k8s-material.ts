// SPDX-License-Identifier: Apache-2.0
import path from 'node:path';

import type { Command } from 'commander';

import { consortiaHome } from '../../install';
import { generateClusterMaterial, parseAnchorPeers } from '../../k8s/material';
import { collect, positiveInt } from './k8s-options';

interface MaterialCliOptions {
  out: string;
  orgs: number;
  peers: number;
  orderers: number;
  kafkaBrokers: number;
  channel: string;
  clusterDomain: string;
  anchorPeer: string[];
}

/** `consortia k8s material`: crypto material, genesis block and channel transactions for the charts. */
export function registerK8sMaterial(k8s: Command, progress: (line: string) => void): void {
  k8s
    .command('material')
    .description(
      'generate crypto material with TLS names for the in-cluster Services, the Kafka system channel genesis block and the channel transactions (cryptogen, configtxgen)',
    )
    .requiredOption('--out <dir>', 'directory to write into (crypto/ is kept when it exists)')
    .option('--orgs <n>', 'member organizations Org1..OrgN', positiveInt, 2)
    .option('--peers <n>', "peers per organization (the charts' peer.replicas)", positiveInt, 2)
    .option('--orderers <n>', "orderers (the ordering chart's orderer.replicas)", positiveInt, 1)
    .option('--kafka-brokers <n>', 'Kafka brokers (kafka.brokers.replicas)', positiveInt, 3)
    .option('--channel <name>', 'application channel', 'consortium')
    .option('--cluster-domain <domain>', "the cluster's DNS domain", 'cluster.local')
    .option(
      '--anchor-peer <MSP=host:port>',
      "an org's anchor peer as other organizations (other clusters) reach it, in place of its peer0's in-cluster Service; repeat for more (the Nth of an org is peer N, whose TLS certificate then names the host)",
      collect,
      [],
    )
    .action(async (options: MaterialCliOptions) => {
      const anchorPeers = parseAnchorPeers(options.anchorPeer, {
        orgs: options.orgs,
        peersPerOrg: options.peers,
      });
      const made = await generateClusterMaterial({
        home: consortiaHome(),
        out: path.resolve(options.out),
        orgs: options.orgs,
        peersPerOrg: options.peers,
        orderers: options.orderers,
        kafkaBrokers: options.kafkaBrokers,
        channel: options.channel,
        clusterDomain: options.clusterDomain,
        anchorPeers,
        progress,
      });
      console.log(`crypto material: ${made.cryptoDir} (consortia k8s secrets --from)`);
      console.log(
        `genesis block:   ${made.genesisBlock} (Secret <ordering release>-genesis-block)`,
      );
      console.log(`channel tx:      ${made.channelTx} (consortia k8s channel join --channel-tx)`);
      for (const [msp, file] of Object.entries(made.anchorTx)) {
        const external = anchorPeers[msp]?.map((peer) => `${peer.host}:${peer.port}`);
        const names = external ? `, anchor peers ${external.join(' ')}` : '';
        console.log(`anchors ${msp}: ${file} (--anchor-tx${names})`);
      }
    });
}
