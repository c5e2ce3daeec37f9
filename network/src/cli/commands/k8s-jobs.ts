// SPDX-License-Identifier: Apache-2.0
import type { Command } from 'commander';

import { LOCAL_TOKEN } from '../../chaincode/token';
import { chaincodeDeploy } from '../../k8s/chaincode-job';
import { channelJoin, FABRIC_TOOLS_IMAGE } from '../../k8s/jobs';
import type { JoinFlags } from '../../k8s/orderer-join';
import { checkJoinFlags, joinOrderers } from '../../k8s/orderer-join';
import type { CommonOptions, K8sDependencies } from './k8s-options';
import {
  addCommon,
  targetOf,
  collect,
  layoutOf,
  nonNegativeInt,
  parseEndorser,
  positiveInt,
  seconds,
} from './k8s-options';

/** `consortia k8s channel ...` and `consortia k8s chaincode ...`: steps run as Kubernetes Jobs. */
export function registerK8sJobs(k8s: Command, dependencies: K8sDependencies): void {
  const { connector, progress: report } = dependencies;
  const jobOptions = (command: Command) =>
    addCommon(command)
      .requiredOption('--channel <name>', 'the channel')
      .requiredOption('--orderer <host:port>', 'an orderer address reachable from the cluster')
      .requiredOption('--orderer-ca <file>', "the orderer organization's TLS CA certificate")
      .option('--msp-id <id>', 'MSP id of the org (default: <Org>MSP)')
      .option('--image <image>', 'image with the peer CLI', FABRIC_TOOLS_IMAGE)
      .option('--timeout <seconds>', 'how long to wait for the Job', seconds, 300);

  interface JobCliOptions extends CommonOptions {
    channel: string;
    orderer: string;
    ordererCa: string;
    mspId?: string;
    image: string;
    timeout: number;
  }
  const jobBase = (options: JobCliOptions) => ({
    layout: layoutOf(options),
    mspId: options.mspId ?? `${options.org}MSP`,
    channel: options.channel,
    orderer: options.orderer,
    ordererCaFile: options.ordererCa,
    image: options.image,
    timeoutMs: options.timeout * 1000,
  });
  const printJob = (outcome: { job: string; namespace: string; log: string[] }) => {
    console.log(`job ${outcome.namespace}/${outcome.job} completed`);
    console.log(outcome.log.map((line) => `  | ${line}`).join('\n'));
  };

  const channel = k8s.command('channel').description('channel steps, run as Kubernetes Jobs');
  jobOptions(channel.command('join'))
    .description(
      "join the org's peers to a channel (a Job running the peer CLI as the org admin); under Raft, with the orderer admin's TLS identity, first every orderer (a Job running osnadmin in the ordering namespace)",
    )
    .option(
      '--channel-tx <file>',
      'Kafka ordering: the channel creation transaction (`consortia k8s material`), used when the channel does not exist yet',
    )
    .option(
      '--anchor-tx <file>',
      "Kafka ordering: the org's anchor peer update, applied after joining",
    )
    .option(
      '--channel-block <file>',
      "Raft ordering: the channel's genesis block (`consortia k8s material --consensus etcdraft`), which the peers join",
    )
    .option(
      '--orderer-admin-cert <file>',
      "Raft ordering: the ordering org admin's TLS client certificate (issued by the orderers' TLS CA); with it every orderer joins --channel-block first (osnadmin), those already members left as they are",
    )
    .option('--orderer-admin-key <file>', 'the private key of --orderer-admin-cert')
    .action(async (options: JobCliOptions & JoinFlags) => {
      checkJoinFlags(options);
      const clients = connector(targetOf(options));
      const base = jobBase(options);
      if (options.channelBlock && options.ordererAdminCert && options.ordererAdminKey) {
        printJob(
          await joinOrderers(
            clients,
            {
              ...base,
              channelBlockFile: options.channelBlock,
              adminCertFile: options.ordererAdminCert,
              adminKeyFile: options.ordererAdminKey,
            },
            report,
          ),
        );
      }
      printJob(
        await channelJoin(
          clients,
          {
            ...base,
            channelTxFile: options.channelTx,
            anchorTxFile: options.anchorTx,
            channelBlockFile: options.channelBlock,
          },
          report,
        ),
      );
    });

  const chaincode = k8s
    .command('chaincode')
    .description('chaincode lifecycle, run as Kubernetes Jobs');
  jobOptions(chaincode.command('deploy'))
    .description(
      "install a chaincode package on the org's peers, approve it for the org and optionally commit it",
    )
    .requiredOption('--name <name>', 'chaincode name')
    .requiredOption('--package <file>', 'chaincode package (.tar.gz), e.g. a ccaas package')
    .option('--version <version>', 'chaincode version', '1.0')
    .option('--sequence <n>', 'definition sequence', positiveInt, 1)
    .option('--commit', 'also commit the definition once enough orgs approved', false)
    .requiredOption(
      '--token-admin-msp <id>',
      "MSP id of the token's admin organization (the charts' chaincode.tokenAdminMsp); when it is this org, the Job initializes the token once the definition is committed",
    )
    .option('--token-name <name>', 'token name, when this org initializes it', LOCAL_TOKEN.name)
    .option('--token-symbol <symbol>', 'token symbol', LOCAL_TOKEN.symbol)
    .option('--token-decimals <n>', 'token decimals', nonNegativeInt, LOCAL_TOKEN.decimals)
    .option(
      '--endorsing-peer <address=ca-file>',
      "another org's peer (host:port) and its TLS CA file, for the commit and the token's Initialize when the policies need more orgs (repeatable)",
      collect,
      [],
    )
    .action(
      async (
        options: JobCliOptions & {
          name: string;
          package: string;
          version: string;
          sequence: number;
          commit: boolean;
          tokenAdminMsp: string;
          tokenName: string;
          tokenSymbol: string;
          tokenDecimals: number;
          endorsingPeer: string[];
        },
      ) => {
        const clients = connector(targetOf(options));
        printJob(
          await chaincodeDeploy(
            clients,
            {
              ...jobBase(options),
              name: options.name,
              version: options.version,
              sequence: options.sequence,
              packageFile: options.package,
              commit: options.commit,
              token: {
                adminMsp: options.tokenAdminMsp,
                name: options.tokenName,
                symbol: options.tokenSymbol,
                decimals: options.tokenDecimals,
              },
              endorsers: options.endorsingPeer.map(parseEndorser),
            },
            report,
          ),
        );
      },
    );
}
