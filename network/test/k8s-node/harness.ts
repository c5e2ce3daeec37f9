// SPDX-License-Identifier: Apache-2.0
/*
 * What the real-node deploy suite does as an operator would: the `consortia` CLI, `helm`, Secrets
 * created by hand, and the machine's Postgres standing in for the cloud database.
 */
import assert from 'node:assert/strict';
import path from 'node:path';

import type * as k8s from '@kubernetes/client-node';

import { buildProgram } from '../../src/cli/main';
import { helmBinary } from '../../src/install/helm';
import { nodeValuesFile } from '../../src/k8s/node/chart-values';
import { runCommand } from '../../src/process/run-command';
import type { MachinePostgres } from './support';

export const REPO = path.resolve(__dirname, '..', '..', '..');
export const CHARTS = path.join(REPO, 'charts');

export function log(line: string): void {
  process.stderr.write(`  [deploy] ${line}\n`);
}

export interface DeployContext {
  home: string;
  /** The suite's folder: material, chart value files, packages. */
  work: string;
  kubeconfig: () => string;
  core: () => k8s.CoreV1Api;
  postgres: () => MachinePostgres | undefined;
}

export type Values = Record<string, string | number>;

export function operatorTools(context: DeployContext) {
  /** The `consortia` CLI in this process, exactly as an operator types it. */
  const consortia = async (...args: string[]) => {
    log(`consortia ${args.join(' ')}`);
    await buildProgram()
      .exitOverride()
      .parseAsync([
        'node',
        'consortia',
        ...args,
        ...(args[1] === 'material' ? [] : ['--kubeconfig', context.kubeconfig()]),
      ]);
  };
  /** helm with the node's kubeconfig; returns stdout. */
  const helm = async (...args: string[]) => {
    log(`helm ${args.slice(0, 3).join(' ')} ...`);
    const result = await runCommand(helmBinary(context.home), [
      ...args,
      '--kubeconfig',
      context.kubeconfig(),
    ]);
    assert.equal(result.code, 0, `${result.stderr}\n${result.stdout}`);
    return result.stdout;
  };
  /**
   * `helm upgrade --install` as charts/README.md has it, with the chart's EKS values; the node's
   * file only names its StorageClass and lowers CPU requests to fit two cores.
   */
  const install = (release: string, chart: string, namespace: string, set: Values) =>
    helm(
      'upgrade',
      '--install',
      '--dependency-update',
      release,
      path.join(CHARTS, chart),
      '--namespace',
      namespace,
      '-f',
      path.join(CHARTS, chart, 'values-eks.yaml'),
      '-f',
      nodeValuesFile(path.join(CHARTS, chart), context.work),
      ...Object.entries(set).flatMap(([key, value]) => ['--set', `${key}=${value}`]),
    );
  /** `helm upgrade --reuse-values` with a few values changed. */
  const upgrade = (release: string, chart: string, namespace: string, set: Values) =>
    helm(
      'upgrade',
      release,
      path.join(CHARTS, chart),
      '--namespace',
      namespace,
      '--reuse-values',
      ...Object.entries(set).flatMap(([key, value]) => ['--set', `${key}=${value}`]),
    );
  /** The machine's Postgres stands for the cloud's database (no TLS on it: see the README). */
  const database = (key: string, name: string): Values => {
    const postgres = context.postgres();
    return {
      [`${key}.host`]: postgres?.host ?? '',
      [`${key}.port`]: postgres?.port ?? 0,
      [`${key}.name`]: name,
      [`${key}.sslMode`]: 'disable',
    };
  };
  /** `kubectl create secret generic`, the way charts/README.md has operators create them. */
  const secret = async (namespace: string, name: string, data: Record<string, string>) => {
    await context.core().createNamespacedSecret({
      namespace,
      body: {
        metadata: { name },
        data: Object.fromEntries(
          Object.entries(data).map(([key, value]) => [key, Buffer.from(value).toString('base64')]),
        ),
      },
    });
  };
  return { consortia, helm, install, upgrade, database, secret };
}

export type OperatorTools = ReturnType<typeof operatorTools>;
