// SPDX-License-Identifier: Apache-2.0
/*
 * The deploy suite's operating steps after the consortium runs: an organization's application
 * release, a chaincode upgrade and a lost peer under traffic, the scrape endpoints, and what
 * `helm uninstall` leaves behind.
 */
import assert from 'node:assert/strict';

import type * as k8s from '@kubernetes/client-node';

import type { AppApi } from './clients';
import { peerHeights, Traffic } from './clients';
import type { DeployContext, OperatorTools } from './harness';
import { log } from './harness';
import { namespaceObjects, scrapeTargets } from './inventory';
import type { ChaincodeSteps } from './steps';
import { everyPodReady, waitFor } from './support';

const ADMIN_PASSWORD = 'Correct-Horse-42-Battery';
const BLOCKCHAIN = ['consortia-org1', 'consortia-org2'];

interface Shared {
  appApi: (org: number) => Promise<AppApi>;
  timings: Record<string, number>;
}

const seconds = (since: number) => Math.round((Date.now() - since) / 1000);

export function operationsSteps(context: DeployContext, tools: OperatorTools, shared: Shared) {
  const core = () => context.core();

  /** The org's application release (app-api) on its own namespace, over its org's mirror. */
  const installApplication = async (org: number) => {
    const ns = `consortia-org${org}-app`;
    const postgres = context.postgres();
    const login = { username: postgres?.user ?? '', password: postgres?.password ?? '' };
    await tools.secret(ns, `org${org}-app-db`, login);
    await tools.secret(ns, `org${org}-mirror-db`, login);
    await tools.secret(ns, `org${org}-app-api-jwt`, { 'jwt-secret': `${org}`.repeat(48) });
    await tools.secret(ns, `org${org}-app-api-admin`, {
      username: 'operator',
      password: ADMIN_PASSWORD,
    });
    await tools.install(`org${org}`, 'org-application', ns, {
      ...tools.database('database', `app_org${org}`),
      ...tools.database('mirrorDatabase', `consortia_org${org}`),
      'dapp.url': `http://org${org}-org-blockchain-dapp.consortia-org${org}.svc`,
    });
    await everyPodReady(core(), [ns, ...BLOCKCHAIN], 10 * 60_000);
  };

  /** Waits until the traffic has committed `count` more writes. */
  const moreCommits = (traffic: Traffic, what: string, count = 2, timeoutMs = 300_000) => {
    const since = Date.now();
    return waitFor(
      `${count} writes to commit ${what}`,
      async () => (traffic.committedSince(since) >= count ? true : undefined),
      timeoutMs,
    );
  };

  /**
   * The chart's upgrade path: the new package's server beside the old one (chaincode.versions),
   * its definition approved and committed by `k8s chaincode deploy`, then the old server retired.
   */
  const upgradeUnderTraffic = async (chaincode: ChaincodeSteps) => {
    const traffic = new Traffic(await shared.appApi(1), 'UPGRADE').start();
    try {
      await moreCommits(traffic, 'before the upgrade');
      const started = Date.now();
      const packages = await chaincode.packages('2.0', 'chaincode-v2');
      for (const org of [1, 2]) {
        await tools.upgrade(`org${org}`, 'org-blockchain', `consortia-org${org}`, {
          'chaincode.versions[0].name': 'v2',
          'chaincode.versions[0].packageId': packages[org]?.id ?? '',
        });
      }
      await everyPodReady(core(), BLOCKCHAIN, 10 * 60_000);
      await chaincode.deploy(packages, '2.0', 2);
      shared.timings.upgradeCommitted = seconds(started);
      // the peers now launch only the new package: writes committing prove it serves
      await moreCommits(traffic, 'on the new definition');
      for (const org of [1, 2]) {
        await tools.upgrade(`org${org}`, 'org-blockchain', `consortia-org${org}`, {
          'chaincode.packageId': '',
        });
      }
      await everyPodReady(core(), BLOCKCHAIN, 10 * 60_000);
      await moreCommits(traffic, 'with the old package retired');
      shared.timings.upgradeDone = seconds(started);
    } finally {
      const outcomes = await traffic.stop();
      shared.timings.upgradeWrites = outcomes.length;
      const failed = outcomes.filter((outcome) => !outcome.committed);
      assert.deepEqual(
        failed.map((outcome) => `${outcome.id}: ${outcome.status} ${outcome.error}`),
        [],
      );
    }
  };

  /** Org1's peer0 pod deleted while writes go on: its StatefulSet recreates it and it catches up. */
  const peerLoss = async () => {
    const namespace = 'consortia-org1';
    const name = 'org1-org-blockchain-peer0-0';
    const traffic = new Traffic(await shared.appApi(1), 'PEERLOSS').start();
    let outcomes;
    try {
      await moreCommits(traffic, 'before the peer is lost');
      const before = await core().readNamespacedPod({ name, namespace });
      const heightThen = Math.max(...Object.values(await peerHeights(core(), BLOCKCHAIN)));
      const deleted = Date.now();
      await core().deleteNamespacedPod({ name, namespace });
      log(`deleted ${name} at channel height ${heightThen}`);
      await waitFor('the peer pod to be recreated', async () => {
        const pod = await core().readNamespacedPod({ name, namespace });
        return pod.metadata?.uid !== before.metadata?.uid ? true : undefined;
      });
      await everyPodReady(core(), BLOCKCHAIN, 10 * 60_000);
      shared.timings.peerReadyAgain = seconds(deleted);
      await moreCommits(traffic, 'after the peer is back');
      outcomes = await traffic.stop();
      const caughtUp = await waitFor(
        'every peer to reach the same channel height',
        async () => {
          const heights = await peerHeights(core(), BLOCKCHAIN);
          const values = Object.values(heights);
          return values.length === 4 && new Set(values).size === 1 ? heights : undefined;
        },
        300_000,
      );
      shared.timings.peerCaughtUp = seconds(deleted);
      log(`heights after catch-up: ${JSON.stringify(caughtUp)}`);
      assert.ok((caughtUp[name] ?? 0) > heightThen, 'the recreated peer is past the old height');
    } finally {
      outcomes ??= await traffic.stop();
    }
    shared.timings.peerLossWrites = outcomes.length;
    shared.timings.peerLossFailed = outcomes.filter((outcome) => !outcome.committed).length;
  };

  const scrapeEndpoints = async () => {
    const { targets, empty } = await scrapeTargets(core());
    assert.deepEqual(empty, [], 'scrape Services without a ready pod');
    const failures: string[] = [];
    for (const target of targets) {
      try {
        const response = await fetch(target.url, { signal: AbortSignal.timeout(15_000) });
        const text = await response.text();
        if (response.status !== 200 || !/^# (HELP|TYPE) /m.test(text)) {
          failures.push(`${target.service} ${target.url}: ${response.status}`);
        }
      } catch (error) {
        failures.push(`${target.service} ${target.url}: ${String(error)}`);
      }
    }
    log(
      `${targets.length} scrape endpoints in ${new Set(targets.map((t) => t.service)).size} Services`,
    );
    for (const target of targets) log(`  ${target.service} ${target.url}`);
    assert.deepEqual(failures, []);
    assert.ok(targets.length > 0);
  };

  /**
   * Every release uninstalled; what stays is what charts/README.md says stays: the volume claims of
   * the StatefulSets, the Secrets the operator created, and the `consortia k8s` Jobs (a day's TTL).
   */
  const uninstallAll = async (admin: k8s.KubeConfig) => {
    const releases = [
      ['org1', 'consortia-org1-app'],
      ['org2', 'consortia-org2-app'],
      ['org1', 'consortia-org1'],
      ['org2', 'consortia-org2'],
      ['orderers', 'consortia-ordering'],
    ];
    const namespaces = releases.map(([, namespace]) => namespace ?? '');
    for (const [release, namespace] of releases) {
      await tools.helm('uninstall', release ?? '', '--namespace', namespace ?? '', '--wait');
    }
    const jobObject = (kind: string, name: string) =>
      ['Job', 'Pod', 'ConfigMap'].includes(kind) && /-(channel-join|chaincode-deploy)-/.test(name);
    let going: string[] = [];
    const left = await waitFor(
      'the releases to be gone',
      async () => {
        const objects = await namespaceObjects(admin, namespaces);
        // the claims carry the chart's labels (volumeClaimTemplates) and stay by design; the
        // Secrets `consortia k8s secrets` made carry helm's labels so that a chart rendering the
        // same name adopts them, but no release owns the others, and they stay as documented
        going = objects
          .filter(
            (o) =>
              (o.helm && !['PersistentVolumeClaim', 'Secret'].includes(o.kind)) ||
              (o.kind === 'Pod' && !jobObject(o.kind, o.name)),
          )
          .map((o) => `${o.kind} ${o.name}`);
        return going.length > 0 ? undefined : objects;
      },
      300_000,
    ).catch((error: unknown) => {
      throw new Error(`${String(error)}; still there: ${going.join(', ')}`);
    });
    for (const object of left) log(`  left: ${object.kind} ${object.name}`);
    const unexpected = left.filter(
      (object) =>
        !['PersistentVolumeClaim', 'Secret'].includes(object.kind) &&
        !jobObject(object.kind, object.name),
    );
    assert.deepEqual(unexpected, []);
    // each StatefulSet's volumeClaimTemplate (data) of each pod: data-<release>-<chart>-<node>-0
    const claims = left.filter((object) => object.kind === 'PersistentVolumeClaim');
    for (const claim of claims) assert.match(claim.name, /^[a-z0-9-]+\/data-[a-z0-9-]+-\d+$/);
    assert.ok(claims.length > 0);
  };

  return { installApplication, upgradeUnderTraffic, peerLoss, scrapeEndpoints, uninstallAll };
}
