import assert from 'node:assert/strict';

import type { KubeObject } from '../../../src/charts/helm';
import {
  RELEASE,
  containerNamed,
  envValue,
  named,
  ofKind,
  render,
  renderFailure,
  workloadSpec,
} from './support';

const FULLNAME = `${RELEASE}-org-application`;

interface IngressSpec {
  ingressClassName?: string;
  rules: { host: string }[];
}

describe('chart org-application', () => {
  let objects: KubeObject[];
  before(async () => {
    objects = await render('org-application');
  });

  it('runs the app-api behind a Service, an Ingress, an HPA and a PDB', () => {
    named(objects, 'Service', `${FULLNAME}-app-api`);
    named(objects, 'Ingress', `${FULLNAME}-app-api`);
    named(objects, 'PodDisruptionBudget', `${FULLNAME}-app-api`);
    const hpa = named(objects, 'HorizontalPodAutoscaler', `${FULLNAME}-app-api`).spec as {
      minReplicas: number;
      maxReplicas: number;
    };
    assert.equal(hpa.minReplicas, 2);
    assert.equal(hpa.maxReplicas, 10);
  });

  it('connects to the database and the DAPP with credentials from existing Secrets', () => {
    const api = containerNamed(named(objects, 'Deployment', `${FULLNAME}-app-api`), 'app-api');
    assert.equal(envValue(api, 'DB_ENGINE'), 'postgres');
    assert.equal(envValue(api, 'DB_HOST'), 'app-db');
    assert.equal(envValue(api, 'DAPP_URL'), 'https://dapp.org1.example.com');
    const secretOf = (name: string): unknown =>
      api.env?.find((variable) => variable.name === name)?.valueFrom;
    assert.deepEqual(secretOf('DB_PASSWORD'), {
      secretKeyRef: { name: 'org1-app-db', key: 'password' },
    });
    assert.deepEqual(secretOf('DAPP_API_KEY'), {
      secretKeyRef: { name: 'org1-dapp-credentials', key: 'api-key' },
    });
    assert.deepEqual(api.livenessProbe?.httpGet, { path: '/healthz', port: 'http' });
  });

  it('keeps a fixed replica count when the autoscaler is off', async () => {
    const fixed = await render('org-application', 'default', { 'appApi.hpa.enabled': false });
    assert.equal(workloadSpec(named(fixed, 'Deployment', `${FULLNAME}-app-api`)).replicas, 2);
    assert.equal(ofKind(fixed, 'HorizontalPodAutoscaler').length, 0);
  });

  it('EKS: Aurora endpoint and an internet-facing ALB', async () => {
    const eks = await render('org-application', 'eks');
    const ingress = named(eks, 'Ingress', `${FULLNAME}-app-api`);
    assert.equal((ingress.spec as IngressSpec).ingressClassName, 'alb');
    assert.equal(
      ingress.metadata.annotations?.['alb.ingress.kubernetes.io/scheme'],
      'internet-facing',
    );
    const api = containerNamed(named(eks, 'Deployment', `${FULLNAME}-app-api`), 'app-api');
    assert.match(envValue(api, 'DB_HOST') ?? '', /\.rds\.amazonaws\.com$/);
  });

  it('PKS: NSX-T ingress', async () => {
    const pks = await render('org-application', 'pks');
    const ingress = named(pks, 'Ingress', `${FULLNAME}-app-api`);
    assert.equal((ingress.spec as IngressSpec).ingressClassName, 'nsx');
    assert.equal(ingress.metadata.annotations?.['ncp/http-redirect'], 'true');
  });

  it('refuses an unsupported database engine and a DAPP URL that is not HTTP', async () => {
    const engine = await renderFailure('org-application', { 'database.engine': 'oracle' });
    assert.match(
      engine.message,
      /at '\/database\/engine': value must be one of 'postgres', 'mysql'/,
    );
    const url = await renderFailure('org-application', { 'dapp.url': 'dapp:8080' });
    assert.match(url.message, /at '\/dapp\/url': 'dapp:8080' does not match pattern/);
  });

  it('refuses an enabled ledger mirror without a host', async () => {
    const error = await renderFailure('org-application', { 'mirrorDatabase.enabled': true });
    assert.match(error.message, /at '\/mirrorDatabase\/host': minLength: got 0, want 1/);
  });
});
