// SPDX-License-Identifier: Apache-2.0
import type { Command } from 'commander';

import { FABRIC_TOOLS_IMAGE } from '../../k8s/jobs';
import { migrateConsensusK8s } from '../../k8s/consensus-migration/migrate';
import { defaultChartsDir } from '../../k8s/values';
import { SYSTEM_CHANNEL } from '../../templates/configtx';
import { formatTable } from '../output';
import type { K8sDependencies } from './k8s-options';
import { collect, seconds } from './k8s-options';

interface MigrateOptions {
  to: string;
  release: string;
  namespace: string;
  kubeconfig?: string;
  context?: string;
  systemChannel: string;
  channel: string[];
  adminMsp?: string;
  fewerConsenters: boolean;
  charts: string;
  image: string;
  timeout: number;
  jobTimeout: number;
  dryRun: boolean;
}

/** `consortia k8s migrate-consensus`: an ordering-service release from Kafka to Raft. */
export function registerK8sMigrateConsensus(k8s: Command, dependencies: K8sDependencies): void {
  const { connector, helm, progress: report } = dependencies;
  k8s
    .command('migrate-consensus')
    .description(
      'migrate an ordering-service release from Kafka to Raft: config updates as Jobs, helm upgrades, recorded and resumable',
    )
    .requiredOption('--to <type>', 'the consensus to migrate to (etcdraft)')
    .option('--release <name>', 'the ordering-service release', 'orderers')
    .option('--namespace <ns>', 'the namespace of the release', 'consortia-ordering')
    .option('--kubeconfig <file>', 'kubeconfig file (default: $KUBECONFIG or ~/.kube/config)')
    .option('--context <name>', 'kubeconfig context (default: its current context)')
    .option('--system-channel <name>', 'the system channel', SYSTEM_CHANNEL)
    .option('--channel <name>', 'an application channel (repeatable: every one)', collect, [])
    .option(
      '--admin-msp <dir>',
      "the ordering org admin's MSP folder, stored as the Secret <release>-admin-msp that signs the config updates (needed once)",
    )
    .option(
      '--fewer-consenters',
      'migrate a release of fewer than 3 orderers (a Raft cluster that does not survive a crash)',
      false,
    )
    .option('--charts <dir>', 'charts directory', defaultChartsDir())
    .option('--image <image>', 'image with the peer CLI, configtxlator and jq', FABRIC_TOOLS_IMAGE)
    .option('--timeout <seconds>', 'how long to wait for each rollout', seconds, 600)
    .option('--job-timeout <seconds>', 'how long to wait for each Job', seconds, 600)
    .option(
      '--dry-run',
      'print the plan, the helm values and the config edits; change nothing',
      false,
    )
    .action(async (options: MigrateOptions) => {
      const target = { kubeconfig: options.kubeconfig, context: options.context };
      const clients = connector(target);
      const result = await migrateConsensusK8s(
        clients,
        helm(),
        {
          where: { release: options.release, namespace: options.namespace, target },
          to: options.to,
          channels: [options.systemChannel, ...options.channel],
          adminMsp: options.adminMsp,
          fewerConsenters: options.fewerConsenters,
          chartsDir: options.charts,
          image: options.image,
          jobTimeoutMs: options.jobTimeout * 1000,
          rolloutTimeoutMs: options.timeout * 1000,
          dryRun: options.dryRun,
        },
        report,
      );
      console.log(
        `${options.dryRun ? 'Plan (dry run: nothing changes)' : 'Migration'} of ${options.namespace}/${options.release} to ${options.to}`,
      );
      console.log(`channels: ${[options.systemChannel, ...options.channel].join(', ')}`);
      console.log(`Raft consenters: ${result.consenters.join(', ')}`);
      console.log(
        formatTable(
          ['#', 'step', 'status', 'what'],
          result.steps.map((step, index) => [
            String(index + 1),
            step.step,
            step.done ? `done ${step.done}` : result.ran.includes(step.step) ? 'done now' : 'to do',
            step.title,
          ]),
        ),
      );
      if (options.dryRun) {
        for (const step of result.steps.filter((planned) => !planned.done)) {
          console.log(`\n${step.step}:`);
          step.detail.forEach((line) => console.log(`  ${line}`));
        }
      }
    });
}
