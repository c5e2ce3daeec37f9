// SPDX-License-Identifier: Apache-2.0
/**
 * The org-blockchain chart's CRL publisher (crlPublisher): its CronJob as the chart renders it is
 * stored by the real API server, and the program of its CRL step (`node dist/ca/crl-job-main.js`)
 * is run here, with the environment the chart gives it, against a real Fabric CA: it writes the
 * channel config carrying the CA's CRL only when the CA revokes a certificate the channel does
 * not. No kubelet runs the pod itself, nor the peer CLI steps around it.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { FabricCaClient, revokedSerials } from '@consortia/common';
import * as k8s from '@kubernetes/client-node';

import { channelRevokedSerials } from '../../../src/ca/publish-crl';
import type { Json } from '../../../src/fabric/config-update';
import type { TestCas } from '../../../src/testing/test-cas';
import { startTestCas, testCasUnavailable } from '../../../src/testing/test-cas';
import type { Container } from '../charts/support';
import { named, NAMESPACE, render } from '../charts/support';
import { getCluster } from './fixture';

const CRON = 'org1-org-blockchain-crl-publisher';
const CA_BASE_PORT = Number(process.env.CONSORTIA_K8S_CRL_CA_PORT ?? 26800);
const MAIN = path.resolve(__dirname, '../../../src/ca/crl-job-main.ts');

/** A channel config (configtxlator JSON) whose Org1MSP has the CRLs given, or none. */
function channelConfig(revocationList?: string[]): Json {
  const config = revocationList ? { name: 'Org1MSP', revocation_list: revocationList } : {};
  return {
    channel_group: {
      groups: {
        Application: { groups: { Org1MSP: { values: { MSP: { value: { config } } } } } },
      },
    },
  };
}

describe('CRL publisher CronJob of org-blockchain (real API server, real CA)', function () {
  this.timeout(300_000);
  let cas: TestCas | undefined;
  let cron: k8s.V1CronJob;
  let work: string;

  before(async function () {
    const unavailable = testCasUnavailable();
    if (unavailable) {
      console.log(`      skipped: ${unavailable}`);
      this.skip();
    }
    const cluster = getCluster();
    const core = cluster.admin.makeApiClient(k8s.CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: NAMESPACE } } }).catch(() => undefined);
    const objects = await render('org-blockchain', 'default', {
      'ca.enabled': true,
      'dapp.userIdentities.enabled': true,
      'crlPublisher.enabled': true,
      'crlPublisher.orderer': 'orderers-ordering-service-orderer0.consortia-ordering.svc:7050',
    });
    cron = named(objects, 'CronJob', CRON);
    cas = await startTestCas(CA_BASE_PORT);
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'consortia-crl-job-'));
  });

  after(async function () {
    await cas?.stop();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it('is stored by the API server as rendered, and one with a broken schedule is not', async () => {
    const batch = getCluster().admin.makeApiClient(k8s.BatchV1Api);
    const stored = await batch.createNamespacedCronJob({ namespace: NAMESPACE, body: cron });
    assert.equal(stored.spec?.concurrencyPolicy, 'Forbid');
    assert.equal(stored.spec?.schedule, '* * * * *');
    const pod = stored.spec?.jobTemplate.spec?.template.spec;
    assert.deepEqual(
      [...(pod?.initContainers ?? []), ...(pod?.containers ?? [])].map((c) => c.name),
      ['fetch-config', 'compare-crl', 'publish'],
    );
    const broken = JSON.parse(JSON.stringify(cron)) as k8s.V1CronJob;
    if (broken.metadata) broken.metadata.name = `${CRON}-broken`;
    if (broken.spec) broken.spec.schedule = 'every minute';
    await assert.rejects(
      batch.createNamespacedCronJob({ namespace: NAMESPACE, body: broken }),
      /schedule/,
    );
  });

  /** Runs the CRL step's program with the chart's environment, files and CA made local. */
  function runCompareStep(config: Json): { log: string; updated?: Json } {
    if (!cas) throw new Error('no CA');
    const pod = cron.spec?.jobTemplate.spec?.template.spec;
    const step = pod?.initContainers?.find((c) => c.name === 'compare-crl') as Container;
    const env: Record<string, string> = {};
    for (const variable of step.env ?? []) env[variable.name] = variable.value ?? '';
    // the mounts of the pod, here: the CA's TLS roots, the registrar, the shared work folder
    const files: Record<string, string> = {
      '/var/run/consortia/ca-tls/ca.crt': cas.endpoint.tlsRoots,
      '/var/run/consortia/ca-registrar/cert.pem': cas.registrar.certificate,
      '/var/run/consortia/ca-registrar/key.pem': cas.registrar.privateKey
        .export({ type: 'pkcs8', format: 'pem' })
        .toString(),
    };
    for (const [name, value] of Object.entries(env)) {
      const file = files[value];
      if (file !== undefined) {
        env[name] = path.join(work, path.basename(value));
        fs.writeFileSync(env[name], file);
      } else if (value.startsWith('/work/')) {
        env[name] = path.join(work, path.basename(value));
      }
    }
    env.FABRIC_CA_URL = cas.endpoint.url;
    env.FABRIC_CA_TLS_SERVER_NAME = cas.endpoint.serverName ?? '';
    delete env.FABRIC_CA_NAME;
    fs.writeFileSync(env.CRL_CONFIG_FILE ?? '', JSON.stringify(config));
    const run = spawnSync(process.execPath, ['--require', 'tsx/cjs', MAIN], {
      env: { ...process.env, ...env },
      encoding: 'utf8',
      timeout: 120_000,
    });
    assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
    const updatedFile = env.CRL_UPDATED_FILE ?? '';
    return {
      log: run.stdout,
      updated: fs.existsSync(updatedFile)
        ? (JSON.parse(fs.readFileSync(updatedFile, 'utf8')) as Json)
        : undefined,
    };
  }

  it("writes the channel config with the CA's CRL only when the CA revokes something new", async () => {
    if (!cas) throw new Error('no CA');
    const first = runCompareStep(channelConfig());
    assert.match(first.log, /Org1MSP: the channel MSP is up to date \(0 revoked\)/);
    assert.equal(first.updated, undefined, 'nothing revoked: nothing to publish');

    const ca = new FabricCaClient(cas.endpoint);
    const user = `crl-${Date.now().toString(36)}`;
    const secret = await ca.register(cas.registrar, {
      id: user,
      type: 'client',
      attributes: { 'consortia.user': user, 'consortia.role': 'member' },
    });
    const enrolled = await ca.enroll(user, secret);
    const serial = new crypto.X509Certificate(enrolled.certificate).serialNumber.toUpperCase();
    await ca.revoke(cas.registrar, user, 'keycompromise');

    const second = runCompareStep(channelConfig());
    assert.match(second.log, /revokes 1 certificate\(s\) the channel's CRL does not/);
    assert.ok(second.updated, 'the updated config is written for the last step');
    const inChannel = [...channelRevokedSerials(second.updated, 'Org1MSP')].map((s) =>
      s.toUpperCase(),
    );
    assert.ok(inChannel.includes(serial), `${serial} in ${inChannel.join(',')}`);

    // the next round finds the channel up to date: no update, no block
    const third = runCompareStep(second.updated);
    assert.match(third.log, /up to date \(1 revoked\)/);
    assert.equal(third.updated, undefined);

    // a channel CRL that lacks the newest revocation is replaced by the CA's whole CRL
    const older = channelConfig([Buffer.from(await ca.crl(cas.registrar)).toString('base64')]);
    const another = `crl2-${Date.now().toString(36)}`;
    await ca.enroll(another, await ca.register(cas.registrar, { id: another, type: 'client' }));
    await ca.revoke(cas.registrar, another);
    const fourth = runCompareStep(older);
    assert.ok(fourth.updated);
    assert.equal(channelRevokedSerials(fourth.updated, 'Org1MSP').size, 2);
    assert.equal(revokedSerials(await ca.crl(cas.registrar)).length, 2);
  });
});
