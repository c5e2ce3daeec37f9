// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';

import { configSchema, readConfig } from '../../../../app-api/src/config';
import type { KubeObject } from '../../../src/charts/helm';
import {
  chartUnderTest,
  containerEnvironment,
  containerNamed,
  envValue,
  named,
  ofKind,
  podSpec,
  workloadSpec,
} from './support';

const { fullname: FULLNAME, render, renderFailure } = chartUnderTest('org-application');

/** The Secrets an operator creates before installing, with plausible content. */
const SECRETS = {
  'org1-app-db': { username: 'app', password: 'app-db-password' },
  'org1-mirror-db': { username: 'reader', password: 'mirror-db-password' },
  'org1-dapp-credentials': { 'api-key': 'k'.repeat(43) },
  'org1-app-api-jwt': { 'jwt-secret': 'j'.repeat(64) },
};

interface IngressSpec {
  ingressClassName?: string;
  rules: { host: string }[];
}

describe('chart org-application', () => {
  let objects: KubeObject[];
  before(async () => {
    objects = await render();
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
    assert.equal(envValue(api, 'PGHOST'), 'app-db');
    assert.equal(envValue(api, 'DAPP_URL'), 'https://dapp.org1.example.com');
    const secretOf = (name: string): unknown =>
      api.env?.find((variable) => variable.name === name)?.valueFrom;
    assert.deepEqual(secretOf('PGPASSWORD'), {
      secretKeyRef: { name: 'org1-app-db', key: 'password' },
    });
    assert.deepEqual(secretOf('DAPP_API_KEY'), {
      secretKeyRef: { name: 'org1-dapp-credentials', key: 'api-key' },
    });
    assert.deepEqual(api.livenessProbe?.httpGet, { path: '/healthz', port: 'http' });
  });

  it('asks /readyz for readiness, /healthz for startup and liveness, each path a value', async () => {
    const probes = (rendered: KubeObject[]) => {
      const api = containerNamed(named(rendered, 'Deployment', `${FULLNAME}-app-api`), 'app-api');
      return [api.startupProbe, api.livenessProbe, api.readinessProbe].map(
        (probe) => probe?.httpGet,
      );
    };
    assert.deepEqual(probes(objects), [
      { path: '/healthz', port: 'http' },
      { path: '/healthz', port: 'http' },
      { path: '/readyz', port: 'http' },
    ]);
    const overridden = await render('default', {
      'appApi.probes.path': '/livez',
      'appApi.probes.readinessPath': '/healthz',
    });
    assert.deepEqual(
      probes(overridden).map((probe) => probe?.path),
      ['/livez', '/livez', '/healthz'],
    );
    const refused = await renderFailure({
      'appApi.probes.readinessPath': 'readyz',
    });
    assert.match(refused.message, /readinessPath/);
  });

  it('sets only variables the app-api reads, and every one it requires, from Secrets', () => {
    const api = containerNamed(named(objects, 'Deployment', `${FULLNAME}-app-api`), 'app-api');
    const known = new Set([...Object.keys(configSchema.shape), 'NODE_ENV']);
    for (const variable of api.env ?? []) assert.ok(known.has(variable.name), variable.name);
    const config = readConfig(containerEnvironment(api, SECRETS));
    assert.equal(config.MIRROR_PGHOST, 'postgresql');
    assert.equal(config.MIRROR_PGPASSWORD, 'mirror-db-password');
    assert.equal(config.PGSSLMODE, 'require');
    assert.equal(config.FABRIC_CHANNEL, 'consortium');
    assert.equal(config.APP_API_TRUST_PROXY, 1, 'one proxy: the ingress');
    assert.deepEqual(config.CORS_ORIGINS, []);
    assert.equal(config.adminPassword, undefined);
    for (const name of ['APP_API_JWT_SECRET', 'MIRROR_PGPASSWORD', 'PGPASSWORD']) {
      assert.ok(api.env?.find((variable) => variable.name === name)?.valueFrom, name);
    }
  });

  it('does not start the app-api without the JWT Secret, and reads the first administrator when it exists', () => {
    const api = containerNamed(named(objects, 'Deployment', `${FULLNAME}-app-api`), 'app-api');
    const withoutJwt = Object.fromEntries(
      Object.entries(SECRETS).filter(([name]) => name !== 'org1-app-api-jwt'),
    );
    assert.throws(
      () => containerEnvironment(api, withoutJwt),
      /APP_API_JWT_SECRET needs Secret org1-app-api-jwt/,
    );
    const config = readConfig(
      containerEnvironment(api, {
        ...SECRETS,
        'org1-app-api-admin': { username: 'admin', password: 'a long admin password' },
      }),
    );
    assert.equal(config.APP_API_ADMIN_USERNAME, 'admin');
    assert.equal(config.adminPassword, 'a long admin password');
  });

  it("mounts the databases' CA certificates for verified TLS", async () => {
    const verified = await render('default', {
      'database.sslMode': 'verify-full',
      'database.sslCaSecret': 'org1-app-db-ca',
      'mirrorDatabase.sslMode': 'verify-ca',
      'mirrorDatabase.sslCaSecret': 'org1-mirror-db-ca',
      'appApi.corsOrigins[0]': 'https://portal.org1.example.com',
      'appApi.trustProxy': 2,
    });
    const deployment = named(verified, 'Deployment', `${FULLNAME}-app-api`);
    const api = containerNamed(deployment, 'app-api');
    const config = readConfig(containerEnvironment(api, SECRETS));
    assert.equal(config.PGSSLROOTCERT, '/etc/consortia/db-ca/ca.crt');
    assert.equal(config.MIRROR_PGSSLROOTCERT, '/etc/consortia/mirror-db-ca/ca.crt');
    assert.equal(config.MIRROR_PGSSLMODE, 'verify-ca');
    assert.deepEqual(config.CORS_ORIGINS, ['https://portal.org1.example.com']);
    assert.equal(config.APP_API_TRUST_PROXY, 2);
    assert.deepEqual(
      api.volumeMounts?.map((mount) => mount.mountPath),
      ['/tmp', '/etc/consortia/db-ca', '/etc/consortia/mirror-db-ca'],
    );
    assert.match(JSON.stringify(podSpec(deployment).volumes), /"secretName":"org1-mirror-db-ca"/);
  });

  it('trusts the named proxies instead of counting hops when they are given', async () => {
    const proxied = await render('default', {
      'appApi.trustedProxies[0]': '10.42.0.0/16',
      'appApi.trustedProxies[1]': 'fd00::/8',
    });
    const api = containerNamed(named(proxied, 'Deployment', `${FULLNAME}-app-api`), 'app-api');
    const config = readConfig(containerEnvironment(api, SECRETS));
    assert.deepEqual(config.trustProxy, ['10.42.0.0/16', 'fd00::/8']);
    assert.equal(config.APP_API_TRUST_PROXY, 0);
    // the default still counts one hop: the ingress
    const plain = containerNamed(named(objects, 'Deployment', `${FULLNAME}-app-api`), 'app-api');
    assert.equal(readConfig(containerEnvironment(plain, SECRETS)).trustProxy, 1);
    const both = await renderFailure({
      'appApi.trustedProxies[0]': '10.42.0.0/16',
      'appApi.trustProxy': 1,
    });
    assert.match(both.message, /appApi.trustedProxies and appApi.trustProxy/);
    const bad = await renderFailure({
      'appApi.trustedProxies[0]': 'ingress-nginx',
    });
    assert.match(bad.message, /at '\/appApi\/trustedProxies\/0': 'ingress-nginx' does not match/);
  });

  it('keeps a fixed replica count when the autoscaler is off', async () => {
    const fixed = await render('default', { 'appApi.hpa.enabled': false });
    assert.equal(workloadSpec(named(fixed, 'Deployment', `${FULLNAME}-app-api`)).replicas, 2);
    assert.equal(ofKind(fixed, 'HorizontalPodAutoscaler').length, 0);
  });

  it('EKS: Aurora endpoint and an internet-facing ALB', async () => {
    const eks = await render('eks');
    const ingress = named(eks, 'Ingress', `${FULLNAME}-app-api`);
    assert.equal((ingress.spec as IngressSpec).ingressClassName, 'alb');
    assert.equal(
      ingress.metadata.annotations?.['alb.ingress.kubernetes.io/scheme'],
      'internet-facing',
    );
    const api = containerNamed(named(eks, 'Deployment', `${FULLNAME}-app-api`), 'app-api');
    assert.match(envValue(api, 'PGHOST') ?? '', /\.rds\.amazonaws\.com$/);
    assert.match(envValue(api, 'MIRROR_PGHOST') ?? '', /\.cluster-ro-.*\.rds\.amazonaws\.com$/);
    assert.equal(readConfig(containerEnvironment(api, SECRETS)).MIRROR_PGSSLMODE, 'require');
  });

  it('PKS: NSX-T ingress', async () => {
    const pks = await render('pks');
    const ingress = named(pks, 'Ingress', `${FULLNAME}-app-api`);
    assert.equal((ingress.spec as IngressSpec).ingressClassName, 'nsx');
    assert.equal(ingress.metadata.annotations?.['ncp/http-redirect'], 'true');
  });

  it('refuses a database engine other than PostgreSQL and a DAPP URL that is not HTTP', async () => {
    const engine = await renderFailure({ 'database.engine': 'mysql' });
    assert.match(engine.message, /at '\/database\/engine': value must be 'postgres'/);
    const url = await renderFailure({ 'dapp.url': 'dapp:8080' });
    assert.match(url.message, /at '\/dapp\/url': 'dapp:8080' does not match pattern/);
  });

  it('requires the ledger mirror, which the app-api does not start without', async () => {
    const host = await renderFailure({ 'mirrorDatabase.host': '' });
    assert.match(host.message, /at '\/mirrorDatabase\/host': minLength: got 0, want 1/);
    const switched = await renderFailure({ 'mirrorDatabase.enabled': false });
    assert.match(
      switched.message,
      /at '\/mirrorDatabase': additional properties 'enabled' not allowed/,
    );
  });

  it('refuses values the app-api would refuse at start', async () => {
    const ttl = await renderFailure({ 'appApi.tokens.accessTtlSeconds': 10 });
    assert.match(ttl.message, /at '\/appApi\/tokens\/accessTtlSeconds': minimum: got 10, want 30/);
    const proxy = await renderFailure({ 'appApi.trustProxy': 11 });
    assert.match(proxy.message, /at '\/appApi\/trustProxy': maximum: got 11, want 10/);
    const origin = await renderFailure({
      'appApi.corsOrigins[0]': 'portal.example.com',
    });
    assert.match(
      origin.message,
      /at '\/appApi\/corsOrigins\/0': 'portal.example.com' does not match pattern/,
    );
    const mode = await renderFailure({ 'mirrorDatabase.sslMode': 'prefer' });
    assert.match(mode.message, /at '\/mirrorDatabase\/sslMode': value must be one of/);
  });

  it('refuses a CA certificate the chosen TLS mode would not check', async () => {
    const error = await renderFailure({
      'database.sslCaSecret': 'org1-app-db-ca',
    });
    assert.match(
      error.message,
      /database.sslCaSecret is read only with database.sslMode verify-ca or verify-full \(got require\)/,
    );
  });
});
