// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import path from 'node:path';

import type { V1Deployment, V1StatefulSet } from '@kubernetes/client-node';

import { UserError } from '../../../src/errors';
import type { DeployOptions } from '../../../src/k8s/deploy';
import { deploy, helmFailure, planReleases } from '../../../src/k8s/deploy';
import { orgLayout } from '../../../src/k8s/naming';
import { deploymentState, statefulSetState, waitForRollout } from '../../../src/k8s/rollout';
import { scriptedWatch, stubClients } from './stubs';

const CHARTS = path.resolve(__dirname, '..', '..', '..', '..', 'charts');

function deployment(name: string, available: number, generation = 1): V1Deployment {
  return {
    metadata: { name, namespace: 'consortia-org1', generation, resourceVersion: '5' },
    spec: { replicas: 2, selector: { matchLabels: { app: name } }, template: {} },
    status: {
      observedGeneration: generation,
      updatedReplicas: available,
      availableReplicas: available,
    },
  };
}

function statefulSet(name: string, ready: number): V1StatefulSet {
  return {
    metadata: { name, namespace: 'consortia-org1', generation: 1 },
    spec: {
      replicas: 1,
      serviceName: name,
      selector: { matchLabels: { app: name } },
      template: {},
    },
    status: { observedGeneration: 1, replicas: 1, readyReplicas: ready, updatedReplicas: 1 },
  };
}

function listed<T>(items: T[]) {
  return () => Promise.resolve({ items, metadata: { resourceVersion: '10' } });
}

describe('k8s rollout and deploy (stubbed API)', () => {
  it('judges availability as rollout status does', () => {
    assert.equal(deploymentState(deployment('dapp', 2)).ready, true);
    assert.equal(deploymentState(deployment('dapp', 1)).ready, false);
    const stale = deployment('dapp', 2, 3);
    assert.ok(stale.status);
    stale.status.observedGeneration = 2;
    assert.equal(deploymentState(stale).ready, false);
    assert.equal(statefulSetState(statefulSet('peer0', 1)).ready, true);
    assert.equal(statefulSetState(statefulSet('peer0', 0)).summary, '0/1 ready');
  });

  it('follows watch events until every workload is available', async () => {
    const watch = scriptedWatch();
    const clients = stubClients({
      apps: {
        listNamespacedDeployment: listed([deployment('dapp', 0)]),
        listNamespacedStatefulSet: listed([statefulSet('peer0', 0)]),
      },
      watch,
    });
    const changes: string[] = [];
    const waiting = waitForRollout(
      clients,
      [{ namespace: 'consortia-org1', labelSelector: 'x=y' }],
      {
        timeoutMs: 5000,
        onChange: (workload) => changes.push(`${workload.name} ${workload.summary}`),
      },
    );
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(watch.paths, [
      '/apis/apps/v1/namespaces/consortia-org1/deployments',
      '/apis/apps/v1/namespaces/consortia-org1/statefulsets',
    ]);
    watch.emit('/deployments', 'MODIFIED', deployment('dapp', 2));
    watch.emit('/statefulsets', 'MODIFIED', statefulSet('peer0', 1));
    const result = await waiting;
    assert.equal(result.ready, true);
    assert.deepEqual(changes, [
      'dapp 0/2 available',
      'peer0 0/1 ready',
      'dapp 2/2 available',
      'peer0 1/1 ready',
    ]);
  });

  it('runs helm per release, and on timeout shows the events and the failing container log', async () => {
    const options: DeployOptions = {
      layout: orgLayout('Org1'),
      cloud: 'pks',
      chartsDir: CHARTS,
      ordering: true,
      extraValues: ['blockchain:/dev/null'],
      set: ['application:appApi.replicas=3'],
      dryRun: false,
      timeoutMs: 300,
      target: { kubeconfig: '/tmp/kc', context: 'prod' },
    };
    const plans = planReleases(options);
    assert.deepEqual(
      plans.map((plan) => `${plan.release}@${plan.namespace}`),
      ['orderers@consortia-ordering', 'org1@consortia-org1', 'org1@consortia-org1-app'],
    );
    const blockchain = plans[1]?.args ?? [];
    assert.ok(blockchain.includes('/dev/null'));
    assert.ok(
      blockchain.some((arg) => arg.endsWith(path.join('org-blockchain', 'values-pks.yaml'))),
    );
    assert.ok(!blockchain.includes('appApi.replicas=3'));
    assert.ok(plans[2]?.args.includes('appApi.replicas=3'));
    // each chart's consortia-lib library is vendored by helm when its charts/ folder lacks it
    for (const plan of plans) assert.ok(plan.args.includes('--dependency-update'), plan.release);
    assert.deepEqual(blockchain.slice(-4), ['--kubeconfig', '/tmp/kc', '--kube-context', 'prod']);

    const helmCalls: string[][] = [];
    const logs: string[] = [];
    const clients = stubClients({
      apps: {
        listNamespacedDeployment: listed([]),
        listNamespacedStatefulSet: listed([statefulSet('peer0', 0)]),
      },
      core: {
        listNamespacedPod: listed([
          {
            metadata: { name: 'peer0-0' },
            status: {
              containerStatuses: [
                {
                  name: 'peer',
                  image: 'peer',
                  imageID: '',
                  ready: false,
                  restartCount: 2,
                  state: { waiting: { reason: 'CrashLoopBackOff' } },
                },
              ],
            },
          },
        ]),
        listNamespacedEvent: listed([
          {
            metadata: {},
            involvedObject: { kind: 'Pod', name: 'peer0-0' },
            type: 'Warning',
            reason: 'BackOff',
            message: 'Back-off restarting failed container',
          },
        ]),
        readNamespacedPodLog: (request: { previous?: boolean }) => {
          logs.push(`previous=${request.previous}`);
          return Promise.resolve('line 1\npanic: cannot load MSP\n');
        },
      },
      watch: scriptedWatch(),
    });
    const progress: string[] = [];
    await assert.rejects(
      deploy(
        clients,
        options,
        (args) => {
          helmCalls.push(args);
          return Promise.resolve({ code: 0, stdout: '', stderr: '' });
        },
        (line) => progress.push(line),
      ),
      (error: unknown) =>
        error instanceof UserError && /not available after 0 s/.test(error.message),
    );
    assert.equal(helmCalls.length, 3);
    assert.deepEqual(logs, ['previous=true']);
    const shown = progress.join('\n');
    assert.match(shown, /Warning BackOff Pod\/peer0-0: Back-off restarting failed container/);
    assert.match(shown, /\| panic: cannot load MSP/);
  });

  it('turns helm failures into fixes', () => {
    const [plan] = planReleases({
      layout: orgLayout('Org1'),
      cloud: 'eks',
      chartsDir: CHARTS,
      ordering: false,
      extraValues: [],
      set: [],
      dryRun: true,
      timeoutMs: 1,
      target: {},
    });
    assert.ok(plan);
    const failure = (stderr: string) => helmFailure(plan, { code: 1, stdout: '', stderr });
    assert.match(
      failure('Error: Kubernetes cluster unreachable: dial tcp').hint ?? '',
      /--kubeconfig/,
    );
    assert.match(failure('Error: secrets is forbidden: User "x"').hint ?? '', /preflight/);
    assert.match(
      failure('Error: Secret "a" exists and cannot be imported into the current release').hint ??
        '',
      /consortia k8s secrets/,
    );
  });
});
