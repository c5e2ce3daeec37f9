// SPDX-License-Identifier: Apache-2.0
import { enrollOrg } from './enroll';
import { KubeObjects } from './kube';
import { readEnrollmentEnv } from './plan';

export type { CaTrust, EnrollmentOutcome } from './enroll';
export { caTrust, enrollOrg, LAYOUT_KEYS, nodeOuConfig } from './enroll';
export { KubeObjects } from './kube';
export type { EnrollmentPlan, EnrollmentSettings, KubeAccess, SecretLayout } from './plan';
export { parsePlan, readEnrollmentEnv } from './plan';

/** `dapp enroll-org`: the chart's enrollment Job, configured by its environment. */
export async function enrollOrgCommand(): Promise<number> {
  const { settings, kube } = readEnrollmentEnv();
  const log = (line: string) => process.stdout.write(`${line}\n`);
  const outcomes = await enrollOrg(settings, new KubeObjects(kube), log);
  const kept = outcomes.filter((outcome) => outcome.action === 'kept').length;
  log(`${outcomes.length - kept} identit(ies) enrolled, ${kept} kept as they were`);
  return 0;
}
