// SPDX-License-Identifier: Apache-2.0
import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';

import type { Endorser } from '../../k8s/chaincode-job';
import type { KubeClients, KubeTarget } from '../../k8s/client';
import type { HelmRunner } from '../../k8s/deploy';
import type { OrgLayout } from '../../k8s/naming';
import { CLOUDS, orgLayout, parseCloud } from '../../k8s/naming';

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

export function addCommon(command: Command): Command {
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

/** The cluster the command's --kubeconfig and --context name. */
export function targetOf(options: CommonOptions): KubeTarget {
  return { kubeconfig: options.kubeconfig, context: options.context };
}

/** --ordering: whether the org also runs the ordering service. */
export function orderingOption(): Option {
  return new Option('--ordering', 'the org also runs the ordering service').default(false);
}

/** The repeatable --values through which preflight and deploy render the org's charts. */
export function valuesOption(help: string): Option {
  return new Option('--values <[release:]file>', help).argParser(collect).default([]);
}

export function cloudOption(required: boolean): Option {
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

export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function seconds(value: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) {
    throw new InvalidArgumentError('expected a number of seconds');
  }
  return parsed;
}

export function nonNegativeInt(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) {
    throw new InvalidArgumentError('expected a whole number, 0 or more');
  }
  return parsed;
}

export function parseEndorser(value: string): Endorser {
  const at = value.indexOf('=');
  if (at <= 0 || at === value.length - 1) {
    throw new InvalidArgumentError(`'${value}' is not host:port=ca-file`);
  }
  return { address: value.slice(0, at), caFile: value.slice(at + 1) };
}

export function positiveInt(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0)
    throw new InvalidArgumentError('expected a positive integer');
  return parsed;
}

/** What the k8s commands reach the outside world through; tests hand in their own. */
export interface K8sDependencies {
  connector: Connector;
  helm: () => HelmRunner;
  progress: (line: string) => void;
}
