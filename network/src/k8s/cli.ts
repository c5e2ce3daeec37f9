import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';

import { formatTable, progress } from '../cli/output';
import type { KubeClients, KubeTarget } from './client';
import { connect } from './client';
import type { Cloud, OrgLayout } from './naming';
import { CLOUDS, orgLayout, parseCloud } from './naming';
import { assertPassed, preflight } from './preflight';
import { APPLICATIONS_IDENTITIES, dappApiCredentials } from './dapp-api-key';
import { applySecrets, collectSecrets, locateOrgCrypto } from './secrets';
import type { HelmRunner } from './deploy';
import { defaultHelm, deploy } from './deploy';
import { LOCAL_TOKEN } from '../chaincode/token';
import type { Endorser } from './chaincode-job';
import { chaincodeDeploy } from './chaincode-job';
import { FABRIC_TOOLS_IMAGE, channelJoin } from './jobs';
import { formatStatus, orgStatus } from './status';
import { defaultChartsDir } from './values';

/** Options every `consortia k8s` command shares. */
export interface CommonOptions {
  org: string;
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  appNamespace?: string;
  orderingNamespace?: string;
}

/** Lets tests hand in their own clients; the CLI connects with the kubeconfig. */
export type Connector = (target: KubeTarget) => KubeClients;

function addCommon(command: Command): Command {
  return command
    .requiredOption('--org <name>', 'the organization, as named in the network (e.g. Org1)')
    .option('--kubeconfig <file>', 'kubeconfig file (default: $KUBECONFIG or ~/.kube/config)')
    .option('--context <name>', 'kubeconfig context (default: its current context)')
    .option('--namespace <ns>', "the org's blockchain namespace (default: consortia-<org>)")
    .option(
      '--app-namespace <ns>',
      "the org's application namespace (default: consortia-<org>-app)",
    )
    .option('--ordering-namespace <ns>', 'the ordering service namespace', 'consortia-ordering');
}

function cloudOption(required: boolean): Option {
  const option = new Option('--cloud <cloud>', 'which values-<cloud>.yaml to use')
    .choices([...CLOUDS])
    .argParser((value) => parseCloud(value));
  return required ? option.makeOptionMandatory() : option.default('eks');
}

export function layoutOf(options: CommonOptions): OrgLayout {
  return orgLayout(options.org, {
    namespace: options.namespace,
    appNamespace: options.appNamespace,
    orderingNamespace: options.orderingNamespace,
  });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function seconds(value: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) {
    throw new InvalidArgumentError('expected a number of seconds');
  }
  return parsed;
}

function nonNegativeInt(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) {
    throw new InvalidArgumentError('expected a whole number, 0 or more');
  }
  return parsed;
}

function parseEndorser(value: string): Endorser {
  const at = value.indexOf('=');
  if (at <= 0 || at === value.length - 1) {
    throw new InvalidArgumentError(`'${value}' is not host:port=ca-file`);
  }
  return { address: value.slice(0, at), caFile: value.slice(at + 1) };
}

function positiveInt(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0)
    throw new InvalidArgumentError('expected a positive integer');
  return parsed;
}

export interface K8sDependencies {
  connector: Connector;
  helm: () => HelmRunner;
  progress: (line: string) => void;
}

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
    .option('--ordering', 'the org also runs the ordering service', false)
    .option(
      '--values <[release:]file>',
      'extra values file, as deploy gets it (repeatable)',
      collect,
      [],
    )
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
        const clients = connector({ kubeconfig: options.kubeconfig, context: options.context });
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
        const clients = connector({ kubeconfig: options.kubeconfig, context: options.context });
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
    .option('--ordering', 'the org also runs the ordering service', false)
    .option(
      '--values <[release:]file>',
      'extra values file (repeatable); prefix ordering:, blockchain: or application: for one release',
      collect,
      [],
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
        const target = { kubeconfig: options.kubeconfig, context: options.context };
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
      const clients = connector({ kubeconfig: options.kubeconfig, context: options.context });
      const status = await orgStatus(clients, layoutOf(options), {
        ordering: options.ordering,
        helm: helm(),
      });
      console.log(options.json ? JSON.stringify(status, null, 2) : formatStatus(status));
    });

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
    .description("join the org's peers to a channel (a Job running the peer CLI as the org admin)")
    .action(async (options: JobCliOptions) => {
      const clients = connector({ kubeconfig: options.kubeconfig, context: options.context });
      printJob(await channelJoin(clients, jobBase(options), report));
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
        const clients = connector({ kubeconfig: options.kubeconfig, context: options.context });
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
