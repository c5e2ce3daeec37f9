// SPDX-License-Identifier: Apache-2.0
import type { Command } from 'commander';

import { applySecrets, collectSecrets, locateOrgCrypto } from '../../k8s/secrets';
import { connect } from '../../k8s/client';
import { APPLICATIONS_IDENTITIES, dappApiCredentials } from '../../k8s/dapp-api-key';
import { defaultHelm, deploy } from '../../k8s/deploy';
import type { Cloud } from '../../k8s/naming';
import { assertPassed, preflight } from '../../k8s/preflight';
import { formatStatus, orgStatus } from '../../k8s/status';
import { defaultChartsDir } from '../../k8s/values';
import { formatTable, progress } from '../output';
import { registerK8sJobs } from './k8s-jobs';
import { registerK8sMaterial } from './k8s-material';
import { registerK8sMigrateConsensus } from './k8s-migrate-consensus';
import { registerK8sOrg } from './k8s-org';
import type { CommonOptions, K8sDependencies } from './k8s-options';
import {
  addCommon,
  cloudOption,
  collect,
  layoutOf,
  orderingOption,
  seconds,
  targetOf,
  valuesOption,
} from './k8s-options';

export type { K8sDependencies } from './k8s-options';

const DEFAULTS: K8sDependencies = { connector: connect, helm: () => defaultHelm(), progress };

export function registerK8s(program: Command, dependencies: Partial<K8sDependencies> = {}): void {
  const { connector, helm, progress: report } = { ...DEFAULTS, ...dependencies };
  const k8s = program
    .command('k8s')
    .description("deploy an organization to Kubernetes (EKS or PKS) with the repository's charts");

  addCommon(k8s.command('preflight'))
    .description(
      'check the cluster before deploying: API server reachable, RBAC rights, storage and ingress classes',
    )
    .addOption(cloudOption(false))
    .addOption(orderingOption())
    .addOption(valuesOption('extra values file, as deploy gets it (repeatable)'))
    .option('--charts <dir>', 'charts directory', defaultChartsDir())
    .option('--json', 'print the checks as JSON')
    .action(
      async (
        options: CommonOptions & {
          cloud: Cloud;
          ordering: boolean;
          values: string[];
          charts: string;
          json?: boolean;
        },
      ) => {
        const clients = connector(targetOf(options));
        report(`checking ${clients.server} (context ${clients.context})`);
        const checked = await preflight(clients, {
          layout: layoutOf(options),
          cloud: options.cloud,
          chartsDir: options.charts,
          ordering: options.ordering,
          extraValues: options.values,
        });
        if (options.json) {
          console.log(JSON.stringify(checked, null, 2));
        } else {
          console.log(
            formatTable(
              ['check', 'result', 'detail'],
              checked.checks.map((check) => [check.name, check.ok ? 'ok' : 'FAIL', check.detail]),
            ),
          );
        }
        assertPassed(checked);
      },
    );

  addCommon(k8s.command('secrets'))
    .description(
      "create or update the org's MSP, TLS and application identity Secrets that the charts mount",
    )
    .requiredOption(
      '--from <dir>',
      'the network state directory, or the org folder (peerOrganizations/<domain>)',
    )
    .option('--ordering', 'also the ordering service nodes Secrets', false)
    .option(
      '--app-identities <names>',
      "the DAPP identities the app-api's key may sign as, comma-separated (* for all)",
      APPLICATIONS_IDENTITIES.join(','),
    )
    .option('--dry-run', 'validate on the server without storing anything', false)
    .action(
      async (
        options: CommonOptions & {
          from: string;
          ordering: boolean;
          appIdentities: string;
          dryRun: boolean;
        },
      ) => {
        const layout = layoutOf(options);
        const crypto = locateOrgCrypto(options.from, layout);
        report(`reading ${layout.org} crypto material from ${crypto.orgDir}`);
        const clients = connector(targetOf(options));
        // the applications keep presenting the key the DAPP already accepts, if it verifies
        const dappKey = await dappApiCredentials(
          clients,
          layout,
          options.appIdentities.split(',').map((name) => name.trim()),
        );
        const specs = collectSecrets(crypto, layout, options.ordering, dappKey);
        const outcomes = await applySecrets(clients, specs, layout, options.dryRun);
        if (dappKey.made) {
          report(
            "made a new DAPP API key for the applications (only its hash is in the DAPP's Secret); restart the DAPP and the app-api if they run",
          );
        }
        // names and keys only: the values are key material
        console.log(
          formatTable(
            ['secret', 'namespace', 'holds', 'keys', options.dryRun ? 'would be' : 'result'],
            outcomes.map((outcome) => [
              outcome.name,
              outcome.namespace,
              outcome.purpose,
              outcome.keys.join(','),
              outcome.action,
            ]),
          ),
        );
      },
    );

  addCommon(k8s.command('deploy'))
    .description(
      "helm upgrade --install the org's releases, then watch until every workload is available",
    )
    .addOption(cloudOption(true))
    .addOption(orderingOption())
    .addOption(
      valuesOption(
        'extra values file (repeatable); prefix ordering:, blockchain: or application: for one release',
      ),
    )
    .option(
      '--set <[release:]key=value>',
      'extra value (repeatable); prefix ordering:, blockchain: or application: for one release',
      collect,
      [],
    )
    .option('--charts <dir>', 'charts directory', defaultChartsDir())
    .option(
      '--dry-run',
      'server-side dry run: the API server validates every object, nothing is stored',
      false,
    )
    .option('--timeout <seconds>', 'how long to wait for the workloads', seconds, 600)
    .action(
      async (
        options: CommonOptions & {
          cloud: Cloud;
          ordering: boolean;
          values: string[];
          set: string[];
          charts: string;
          dryRun: boolean;
          timeout: number;
        },
      ) => {
        const target = targetOf(options);
        const clients = connector(target);
        const result = await deploy(
          clients,
          {
            layout: layoutOf(options),
            cloud: options.cloud,
            chartsDir: options.charts,
            ordering: options.ordering,
            extraValues: options.values,
            set: options.set,
            dryRun: options.dryRun,
            timeoutMs: options.timeout * 1000,
            target,
          },
          helm(),
          report,
        );
        console.log(
          formatTable(
            ['release', 'namespace', 'chart', options.dryRun ? 'objects validated' : 'result'],
            result.releases.map((release) => [
              release.release,
              release.namespace,
              release.chart,
              options.dryRun ? String(release.objects) : 'deployed',
            ]),
          ),
        );
        if (!options.dryRun) {
          console.log(`\n${result.workloads.length} workload(s) available`);
        }
      },
    );

  addCommon(k8s.command('status'))
    .description("show the org's releases, workloads, pods, endpoints and peer health")
    .option('--ordering', 'include the ordering service', false)
    .option('--json', 'print as JSON')
    .action(async (options: CommonOptions & { ordering: boolean; json?: boolean }) => {
      const clients = connector(targetOf(options));
      const status = await orgStatus(clients, layoutOf(options), {
        ordering: options.ordering,
        helm: helm(),
      });
      console.log(options.json ? JSON.stringify(status, null, 2) : formatStatus(status));
    });

  registerK8sJobs(k8s, { connector, helm, progress: report });
  registerK8sOrg(k8s, { connector, helm, progress: report });
  registerK8sMaterial(k8s, report);
  registerK8sMigrateConsensus(k8s, { connector, helm, progress: report });
}
