// SPDX-License-Identifier: Apache-2.0
// What the k8s tests run against the shared API server (fixture.ts): helm, and the
// `consortia k8s` commands for an organization, as the cluster's admin unless told otherwise.
import assert from 'node:assert/strict';

import { consortiaHome } from '../../../src/install';
import { helmBinary } from '../../../src/install/helm';
import { runCommand } from '../../../src/process/run-command';
import type { CliRun } from './fixture';
import { cryptoMaterial, getCluster, kubeArgs, runK8s } from './fixture';

/** helm against the test cluster as its admin; fails the test when helm fails. */
export async function helm(args: string[]): Promise<string> {
  const result = await runCommand(helmBinary(consortiaHome()), [
    ...args,
    '--kubeconfig',
    getCluster().kubeconfig,
    '--kube-context',
    getCluster().adminContext,
  ]);
  assert.equal(result.code, 0, result.stderr);
  return result.stdout;
}

export interface OrgRun {
  /** The organization, Org1 unless given. */
  org?: string;
  /** The kubeconfig context, the cluster admin's unless given. */
  context?: string;
}

/** Runs `consortia k8s <command> --org Org1 <args>` against the test cluster. */
export function runOrg(
  command: string,
  args: string[] = [],
  options: OrgRun = {},
): Promise<CliRun> {
  return runK8s([
    'k8s',
    command,
    '--org',
    options.org ?? 'Org1',
    ...args,
    ...kubeArgs(options.context),
  ]);
}

/** Runs `consortia k8s secrets` for Org1 from the test crypto material (fixture.ts). */
export function runSecrets(args: string[] = [], options: OrgRun = {}): Promise<CliRun> {
  return runOrg('secrets', ['--from', cryptoMaterial(), ...args], options);
}

/** Stores Org1's Secrets (runSecrets), failing the test or hook when the command fails. */
export async function storeSecrets(args: string[] = []): Promise<void> {
  const run = await runSecrets(args);
  assert.equal(run.error, undefined, String(run.error));
}
