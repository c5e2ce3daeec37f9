// SPDX-License-Identifier: Apache-2.0
import path from 'node:path';

import type { Command } from 'commander';

import { UserError } from '../../errors';
import { missingSignatures } from '../../fabric/config-signatures';
import type { ToolContext } from '../../fabric/config-update';
import { consortiaHome } from '../../install';
import { APPLICATIONS_IDENTITIES, dappApiCredentials } from '../../k8s/dapp-api-key';
import { FABRIC_TOOLS_IMAGE } from '../../k8s/jobs';
import { addClusterOrg } from '../../k8s/org';
import {
  createUpdateFromBlock,
  envelopeStatusFromBlock,
  signWithClusterAdmin,
  submitFromCluster,
} from '../../k8s/org-update';
import { applySecrets, collectSecrets, locateOrgCrypto } from '../../k8s/secrets';
import type { MembershipChange } from '../../membership/update-files';
import { formatTable } from '../output';
import type { CommonOptions, K8sDependencies } from './k8s-options';
import { addCommon, layoutOf, positiveInt, seconds, targetOf } from './k8s-options';
import { printStatus, readDefinition } from './org';

/** The Fabric tools run from the install home; their output goes to the file next to `file`. */
function tools(file: string): ToolContext {
  return { home: consortiaHome(), logFile: `${path.resolve(file)}.log` };
}

/**
 * `consortia k8s org ...`: a new organization's material, values and Secrets, and the membership
 * config update passed between clusters as an envelope file.
 */
export function registerK8sOrg(k8s: Command, dependencies: K8sDependencies): void {
  const { connector, progress: report } = dependencies;
  const org = k8s
    .command('org')
    .description('organizations joining a consortium that runs on Kubernetes');

  addCommon(org.command('add'))
    .description(
      "the new org's crypto material (beside the consortium's), its channel definition, its two releases' values files, and its Secrets in this cluster",
    )
    .requiredOption('--material <dir>', 'the directory `consortia k8s material --out` wrote')
    .option('--peers <n>', 'peers of the new organization', positiveInt, 2)
    .option('--channel <name>', 'the application channel', 'consortium')
    .option('--chaincode <name>', 'the chaincode its applications use', 'consortia')
    .option('--cluster-domain <domain>', "the cluster's DNS domain", 'cluster.local')
    .option('--no-secrets', 'write the files only; create the Secrets later (`k8s secrets`)')
    .option('--dry-run', 'validate the Secrets on the server without storing them', false)
    .action(
      async (
        options: CommonOptions & {
          material: string;
          peers: number;
          channel: string;
          chaincode: string;
          clusterDomain: string;
          secrets: boolean;
          dryRun: boolean;
        },
      ) => {
        const layout = layoutOf(options);
        const made = await addClusterOrg({
          home: consortiaHome(),
          material: options.material,
          name: options.org,
          peers: options.peers,
          channel: options.channel,
          chaincode: options.chaincode,
          clusterDomain: options.clusterDomain,
          progress: report,
        });
        console.log(`crypto material: ${made.orgDir}`);
        console.log(`definition:      ${made.definitionFile} (k8s org update create --add)`);
        console.log(`values:          ${made.values.blockchain} (org-blockchain release)`);
        console.log(`                 ${made.values.application} (org-application release)`);
        if (!options.secrets) return;
        const clients = connector(targetOf(options));
        const dappKey = await dappApiCredentials(clients, layout, APPLICATIONS_IDENTITIES);
        const specs = collectSecrets(locateOrgCrypto(made.orgDir, layout), layout, false, dappKey);
        const outcomes = await applySecrets(clients, specs, layout, options.dryRun);
        console.log(
          formatTable(
            ['secret', 'namespace', 'holds', options.dryRun ? 'would be' : 'result'],
            outcomes.map((outcome) => [
              outcome.name,
              outcome.namespace,
              outcome.purpose,
              outcome.action,
            ]),
          ),
        );
      },
    );

  const update = org
    .command('update')
    .description(
      'the membership config update as an envelope file that each cluster signs (peer channel signconfigtx compatible)',
    );
  update
    .command('create')
    .description("write the unsigned config update from the channel's config block")
    .requiredOption(
      '--config-block <file>',
      "the channel's newest config block (`peer channel fetch config`)",
    )
    .option('--add <file>', "the joining organization's definition (from `k8s org add`)")
    .option('--remove <msp>', 'the MSP id of the organization that leaves')
    .requiredOption('--output <file>', 'where to write the envelope')
    .action(
      async (options: { configBlock: string; add?: string; remove?: string; output: string }) => {
        if ((options.add === undefined) === (options.remove === undefined)) {
          throw new UserError('pass exactly one of --add <file> and --remove <msp>');
        }
        const change: MembershipChange =
          options.add !== undefined
            ? { add: readDefinition(options.add) }
            : { remove: options.remove ?? '' };
        const context = tools(options.output);
        await createUpdateFromBlock(context, { ...options, change });
        printStatus(
          options.output,
          await envelopeStatusFromBlock(context, options.output, options.configBlock),
        );
      },
    );
  update
    .command('status')
    .description('which signatures the envelope carries and which the channel still requires')
    .requiredOption('--file <file>', 'the envelope')
    .requiredOption('--config-block <file>', "the channel's newest config block")
    .action(async (options: { file: string; configBlock: string }) => {
      printStatus(
        options.file,
        await envelopeStatusFromBlock(tools(options.file), options.file, options.configBlock),
      );
    });
  addCommon(update.command('sign'))
    .description(
      "sign the envelope as the org's admin, whose identity is the admin Secret in this cluster",
    )
    .requiredOption('--file <file>', 'the envelope (signed in place)')
    .option('--msp-id <id>', 'MSP id of the org (default: <Org>MSP)')
    .action(async (options: CommonOptions & { file: string; mspId?: string }) => {
      const context = tools(options.file);
      await signWithClusterAdmin(
        context,
        connector(targetOf(options)),
        layoutOf(options),
        options.mspId ?? `${options.org}MSP`,
        options.file,
      );
      console.log(`${options.file}: signed by ${options.mspId ?? `${options.org}MSP`}'s admin`);
    });
  addCommon(update.command('submit'))
    .description(
      "submit the envelope once it carries every required signature: a Job running `peer channel update` as the org's admin",
    )
    .requiredOption('--file <file>', 'the envelope')
    .requiredOption('--config-block <file>', "the channel's newest config block, to check first")
    .requiredOption('--orderer <host:port>', 'an orderer address reachable from the cluster')
    .requiredOption('--orderer-ca <file>', "the orderer organization's TLS CA certificate")
    .option('--msp-id <id>', 'MSP id of the org (default: <Org>MSP)')
    .option('--image <image>', 'image with the peer CLI', FABRIC_TOOLS_IMAGE)
    .option('--timeout <seconds>', 'how long to wait for the Job', seconds, 300)
    .action(
      async (
        options: CommonOptions & {
          file: string;
          configBlock: string;
          orderer: string;
          ordererCa: string;
          mspId?: string;
          image: string;
          timeout: number;
        },
      ) => {
        const mspId = options.mspId ?? `${options.org}MSP`;
        const status = await envelopeStatusFromBlock(
          tools(options.file),
          options.file,
          options.configBlock,
          mspId,
        );
        if (!status.complete) {
          throw new UserError(
            `the config update in ${options.file} lacks required signatures: ${missingSignatures(status.checks) ?? ''}`,
            `have their admins run \`consortia k8s org update sign --file ${options.file} --org <org>\` in their clusters, then submit again`,
          );
        }
        const outcome = await submitFromCluster(
          connector(targetOf(options)),
          {
            layout: layoutOf(options),
            mspId,
            file: options.file,
            channel: status.channel,
            orderer: options.orderer,
            ordererCaFile: options.ordererCa,
            image: options.image,
            timeoutMs: options.timeout * 1000,
          },
          report,
        );
        console.log(`job ${outcome.namespace}/${outcome.job} completed`);
        console.log(outcome.log.map((line) => `  | ${line}`).join('\n'));
      },
    );
}
