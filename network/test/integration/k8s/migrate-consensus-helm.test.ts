// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';

import * as k8s from '@kubernetes/client-node';

import { chartDir } from '../../../src/charts/helm';
import type { HelmRunner } from '../../../src/k8s/deploy';
import { defaultHelm } from '../../../src/k8s/deploy';
import { markWorkloadsReady } from './controllers';
import { getCluster, runK8s } from './fixture';
import {
  NAMESPACE,
  RECORD,
  adminMsp,
  migrate,
  playJobs,
  statefulSetsMarked,
  stepOf,
} from './migrate-consensus-support';
import { helm, storeSecrets } from './support';

describe('consortia k8s migrate-consensus: helm interrupted (real API server)', function () {
  this.timeout(600_000);

  it('an interrupted helm upgrade stops the run at its step, naming helm rollback; the next run continues', async () => {
    const namespace = 'mig-second';
    await storeSecrets([
      '--ordering',
      '--namespace',
      'mig2-org1',
      '--app-namespace',
      'mig2-org1-app',
      '--ordering-namespace',
      namespace,
    ]);
    await helm([
      'install',
      'orderers',
      chartDir('ordering-service'),
      '--namespace',
      namespace,
      '--dependency-update',
      '--set-string',
      'consensus=kafka',
    ]);
    // helm's answer when an earlier upgrade of the release was killed half way
    const interrupted = (): HelmRunner => {
      const real = defaultHelm();
      return (args) =>
        args[0] === 'upgrade'
          ? Promise.resolve({
              code: 1,
              stdout: '',
              stderr:
                'Error: UPGRADE FAILED: another operation (install/upgrade/rollback) is in progress',
            })
          : real(args);
    };
    const args = migrate('--admin-msp', adminMsp()).map((arg) =>
      arg === NAMESPACE ? namespace : arg,
    );
    const stop = markWorkloadsReady([namespace]);
    try {
      await statefulSetsMarked(namespace);
      const [first] = await Promise.all([
        runK8s(args, { helm: interrupted }),
        playJobs(['Complete', 'Complete'], undefined, namespace),
      ]);
      assert.match(String(first.error), /helm upgrade orderers \(restart-as-raft\) failed/);
      assert.match(
        String((first.error as { hint?: string }).hint),
        /helm rollback orderers -n mig-second`, then re-run; the migration continues from restart-as-raft/,
      );
      const core = getCluster().admin.makeApiClient(k8s.CoreV1Api);
      const record = (await core.readNamespacedConfigMap({ name: RECORD, namespace })).data ?? {};
      assert.ok(record['done.switch-to-raft']);
      assert.equal(record['done.restart-as-raft'], undefined);

      const secondRun = runK8s(args);
      const [second, jobs] = await Promise.all([
        secondRun,
        playJobs(['Complete', 'Complete'], undefined, namespace).catch(async (error: unknown) => {
          const run = await secondRun;
          throw new Error(`${String(error)}; the run: ${String(run.error)}\n${run.stderr}`);
        }),
      ]);
      assert.equal(second.error, undefined, `${String(second.error)}\n${second.stderr}`);
      assert.deepEqual(jobs.map(stepOf), ['check-channels', 'leave-maintenance']);
      assert.match(second.stderr, /switch-to-raft: done /);
    } finally {
      await stop();
    }
  });
});
