// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';

import * as k8s from '@kubernetes/client-node';

import { chartDir } from '../../../src/charts/helm';
import { markWorkloadsReady } from './controllers';
import { getCluster, runK8s } from './fixture';
import type { PlayedJob } from './migrate-consensus-support';
import {
  NAMESPACE,
  RECORD,
  adminMsp,
  jobCount,
  migrate,
  playJobs,
  recordData,
  scriptOf,
  statefulSetsMarked,
  stepOf,
} from './migrate-consensus-support';
import { helm, storeSecrets } from './support';

/*
 * A Kafka-ordered ordering-service release installed by helm into the real API server; no
 * kubelet runs, so the tests play the StatefulSet and Job controllers (controllers.ts).
 */
describe('consortia k8s migrate-consensus (real API server)', function () {
  this.timeout(600_000);

  before(async () => {
    await storeSecrets([
      '--ordering',
      '--namespace',
      'mig-org1',
      '--app-namespace',
      'mig-org1-app',
      '--ordering-namespace',
      NAMESPACE,
    ]);
    // no controller-manager makes the namespace's default ServiceAccount, which pods need
    await getCluster()
      .admin.makeApiClient(k8s.CoreV1Api)
      .createNamespacedServiceAccount({
        namespace: NAMESPACE,
        body: { metadata: { name: 'default' } },
      });
    await helm([
      'install',
      'orderers',
      chartDir('ordering-service'),
      '--namespace',
      NAMESPACE,
      '--dependency-update',
      '--set-string',
      'consensus=kafka',
    ]);
    await helm([
      'install',
      'small',
      chartDir('ordering-service'),
      '--namespace',
      'mig-small',
      '--create-namespace',
      '--dependency-update',
      '--set-string',
      'consensus=kafka',
      '--set',
      'orderer.replicas=1',
    ]);
    await helm([
      'install',
      'raft',
      chartDir('ordering-service'),
      '--namespace',
      'mig-raft',
      '--create-namespace',
      '--dependency-update',
    ]);
  });

  it('refuses a release that is not Kafka-ordered, not installed, or of one orderer', async () => {
    const raft = await runK8s([
      ...migrate('--dry-run').map((arg) => (arg === NAMESPACE ? 'mig-raft' : arg)),
      '--release',
      'raft',
    ]);
    assert.match(String(raft.error), /release raft in mig-raft is ordered by etcdraft, not kafka/);
    const missing = await runK8s([...migrate('--dry-run'), '--release', 'nothing']);
    assert.match(String(missing.error), /release nothing is not installed in mig-ordering/);
    const small = await runK8s([
      ...migrate('--dry-run').map((arg) => (arg === NAMESPACE ? 'mig-small' : arg)),
      '--release',
      'small',
    ]);
    assert.match(
      String(small.error),
      /release small runs 1 orderer\(s\): as Raft consenters they would not survive/,
    );
    assert.match(String((small.error as { hint?: string }).hint), /--set orderer\.replicas=3/);
  });

  it('refuses while an orderer is not Ready, and without the admin identity', async () => {
    const notReady = await runK8s(migrate('--dry-run'));
    assert.match(
      String(notReady.error),
      /orderer\(s\) not Ready: orderers-ordering-service-orderer0/,
    );
    const stop = markWorkloadsReady([NAMESPACE]);
    try {
      await statefulSetsMarked(NAMESPACE);
      const noAdmin = await runK8s(migrate('--dry-run'));
      assert.match(String(noAdmin.error), /Secret mig-ordering\/orderers-admin-msp does not exist/);
      assert.match(String((noAdmin.error as { hint?: string }).hint), /--admin-msp/);
    } finally {
      await stop();
    }
  });

  it('--dry-run prints the plan, the helm values and the config edits, and changes nothing', async () => {
    const stop = markWorkloadsReady([NAMESPACE]);
    try {
      const run = await runK8s(migrate('--dry-run', '--admin-msp', adminMsp()));
      assert.equal(run.error, undefined, `${String(run.error)}\n${run.stderr}`);
      assert.match(run.stdout, /Plan \(dry run: nothing changes\) of mig-ordering\/orderers/);
      assert.match(run.stdout, /channels: system-channel, consortium/);
      assert.match(
        run.stdout,
        /Raft consenters: orderers-ordering-service-orderer0\.mig-ordering\.svc\.cluster\.local:7050, .*orderer2/,
      );
      for (const step of [
        'enter-maintenance',
        'switch-to-raft',
        'restart-as-raft',
        'remove-kafka',
      ]) {
        assert.match(run.stdout, new RegExp(`\\d\\s+${step}\\s+to do`));
      }
      assert.match(
        run.stdout,
        /helm upgrade orderers \S+ordering-service --namespace mig-ordering --reuse-values .*--set-string consensus=etcdraft --set kafka\.retain=true --set-string orderer\.bootstrap\.method=file/,
      );
      assert.match(run.stdout, /--set kafka\.retain=false/);
      assert.match(
        run.stdout,
        /channel found kafka-STATE_MAINTENANCE: edit ConsensusType \+= \{"type":"etcdraft","metadata":\{"consenters":\[\{"host":"orderers-ordering-service-orderer0/,
      );
      assert.match(run.stdout, /"client_tls_cert":"<PEM, \d+ base64 chars>"/);
      assert.match(run.stdout, /channel found kafka-STATE_NORMAL: refuse/);
    } finally {
      await stop();
    }
    assert.equal(await jobCount(), 0);
    const core = getCluster().admin.makeApiClient(k8s.CoreV1Api);
    await assert.rejects(core.readNamespacedConfigMap({ name: RECORD, namespace: NAMESPACE }));
    await assert.rejects(
      core.readNamespacedSecret({ name: 'orderers-admin-msp', namespace: NAMESPACE }),
    );
  });

  it('records each step: a Job refusing a channel stops the run with its reason, the next run continues', async () => {
    const stop = markWorkloadsReady([NAMESPACE]);
    try {
      const [first, played] = await Promise.all([
        runK8s(migrate('--admin-msp', adminMsp())),
        playJobs(
          ['Complete', 'Failed'],
          'refusing switch-to-raft: channel consortium is kafka-STATE_NORMAL; nothing submitted',
        ),
      ]);
      assert.match(
        String(first.error),
        /job mig-ordering\/orderers-switch-to-raft-\S+ \(switch-to-raft\) failed: refusing switch-to-raft: channel consortium is kafka-STATE_NORMAL; nothing submitted/,
      );
      assert.deepEqual(played.map(stepOf), ['enter-maintenance', 'switch-to-raft']);
      const [enter, switchJob] = played as [PlayedJob, PlayedJob];
      // signed by the ordering org's admin, talking TLS to orderer0
      const container = enter.job.spec?.template.spec?.containers[0];
      const env = Object.fromEntries((container?.env ?? []).map((item) => [item.name, item.value]));
      assert.equal(env.CORE_PEER_LOCALMSPID, 'OrdererMSP');
      assert.equal(env.ORDERER, 'orderers-ordering-service-orderer0.mig-ordering.svc:7050');
      const volumes = JSON.stringify(enter.job.spec?.template.spec?.volumes);
      assert.match(volumes, /"name":"orderers-admin-msp"/);
      assert.match(volumes, /"secretName":"orderers-orderer0-tls"/);
      assert.match(scriptOf(enter), /CHANNELS="system-channel consortium"/);
      assert.deepEqual(JSON.parse(enter.inputs['patch-kafka-STATE_NORMAL.json'] ?? '{}'), {
        state: 'STATE_MAINTENANCE',
      });
      // the consenters' certificates are the orderers' TLS Secrets' own
      const patch = JSON.parse(switchJob.inputs['patch-kafka-STATE_MAINTENANCE.json'] ?? '{}') as {
        metadata: { consenters: { host: string; client_tls_cert: string }[] };
      };
      const core = getCluster().admin.makeApiClient(k8s.CoreV1Api);
      const tls = await core.readNamespacedSecret({
        name: 'orderers-orderer1-tls',
        namespace: NAMESPACE,
      });
      assert.equal(patch.metadata.consenters.length, 3);
      assert.equal(patch.metadata.consenters[1]?.client_tls_cert, tls.data?.['tls.crt']);
      const record = await recordData();
      assert.ok(record['done.enter-maintenance']);
      assert.equal(record['done.switch-to-raft'], undefined);
      assert.equal(record.channels, 'system-channel consortium');

      const [second, rest] = await Promise.all([
        runK8s(migrate()),
        playJobs(['Complete', 'Complete', 'Complete']),
      ]);
      assert.equal(second.error, undefined, `${String(second.error)}\n${second.stderr}`);
      assert.deepEqual(rest.map(stepOf), ['switch-to-raft', 'check-channels', 'leave-maintenance']);
      assert.match(second.stderr, /enter-maintenance: done /);
      assert.match(
        scriptOf(rest[1] as PlayedJob),
        /ORDERERS="orderers-ordering-service-orderer0\.mig-ordering\.svc:7050 .*orderer2/,
      );
      assert.match(second.stdout, /remove-kafka\s+done now/);
    } finally {
      await stop();
    }
    const values = JSON.parse(
      await helm(['get', 'values', 'orderers', '--namespace', NAMESPACE, '--output', 'json']),
    ) as {
      consensus: string;
      kafka: { retain: boolean };
      orderer: { bootstrap: { method: string } };
    };
    assert.equal(values.consensus, 'etcdraft');
    assert.equal(values.kafka.retain, false);
    assert.equal(values.orderer.bootstrap.method, 'file');
    const apps = getCluster().admin.makeApiClient(k8s.AppsV1Api);
    const sets = (await apps.listNamespacedStatefulSet({ namespace: NAMESPACE })).items.map(
      (set) => set.metadata?.name ?? '',
    );
    assert.deepEqual(
      sets.filter((name) => name.includes('kafka')),
      [],
    );
    assert.equal(sets.filter((name) => /orderer\d$/.test(name)).length, 3);
    const record = await recordData();
    for (const step of [
      'switch-to-raft',
      'restart-as-raft',
      'check-channels',
      'leave-maintenance',
      'remove-kafka',
    ]) {
      assert.ok(record[`done.${step}`], step);
    }
  });

  it('a finished migration runs nothing again; the release is no longer Kafka', async () => {
    const before = await jobCount();
    const stop = markWorkloadsReady([NAMESPACE]);
    try {
      const run = await runK8s(migrate());
      assert.equal(run.error, undefined, `${String(run.error)}\n${run.stderr}`);
      assert.doesNotMatch(run.stdout, /to do|done now/);
    } finally {
      await stop();
    }
    assert.equal(await jobCount(), before);
  });
});
