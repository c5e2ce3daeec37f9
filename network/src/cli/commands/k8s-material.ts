// SPDX-License-Identifier: Apache-2.0
import path from 'node:path';

import type { Command } from 'commander';

import { consortiaHome } from '../../install';
import {
  defaultOrderers,
  generateClusterMaterial,
  parseAnchorPeers,
  parseConsensus,
} from '../../k8s/material';
import { collect, positiveInt } from './k8s-options';

interface MaterialCliOptions {
  out: string;
  orgs: number;
  peers: number;
  orderers?: number;
  consensus: string;
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
      "generate crypto material with TLS names for the in-cluster Services and the channel's starting artifacts: under Kafka the system channel genesis block and the channel transactions, under Raft the channel's genesis block (cryptogen, configtxgen)",
    )
    .requiredOption('--out <dir>', 'directory to write into (crypto/ is kept when it exists)')
    .option('--orgs <n>', 'member organizations Org1..OrgN', positiveInt, 2)
    .option('--peers <n>', "peers per organization (the charts' peer.replicas)", positiveInt, 2)
    .option(
      '--consensus <type>',
      "ordering: kafka or etcdraft (the ordering chart's consensus value)",
      'kafka',
    )
    .option(
      '--orderers <n>',
      "orderers (the ordering chart's orderer.replicas; default 1 under Kafka, 3 under Raft)",
      positiveInt,
    )
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
      const consensus = parseConsensus(options.consensus);
      const anchorPeers = parseAnchorPeers(options.anchorPeer, {
        orgs: options.orgs,
        peersPerOrg: options.peers,
      });
      const made = await generateClusterMaterial({
        home: consortiaHome(),
        out: path.resolve(options.out),
        orgs: options.orgs,
        peersPerOrg: options.peers,
        orderers: defaultOrderers(consensus, options.orderers),
        consensus,
        kafkaBrokers: options.kafkaBrokers,
        channel: options.channel,
        clusterDomain: options.clusterDomain,
        anchorPeers,
        progress,
      });
      console.log(`crypto material: ${made.cryptoDir} (consortia k8s secrets --from)`);
      if (made.channelBlock) {
        console.log(
          `channel block:   ${made.channelBlock} (consortia k8s channel join --channel-block; it names each org's anchor peers)`,
        );
      }
      if (made.genesisBlock) {
        console.log(
          `genesis block:   ${made.genesisBlock} (Secret <ordering release>-genesis-block)`,
        );
      }
      if (made.channelTx) {
        console.log(`channel tx:      ${made.channelTx} (consortia k8s channel join --channel-tx)`);
      }
      for (const [msp, file] of Object.entries(made.anchorTx)) {
        const external = anchorPeers[msp]?.map((peer) => `${peer.host}:${peer.port}`);
        const names = external ? `, anchor peers ${external.join(' ')}` : '';
        console.log(`anchors ${msp}: ${file} (--anchor-tx${names})`);
      }
    });
}
