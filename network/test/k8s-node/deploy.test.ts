// SPDX-License-Identifier: Apache-2.0
/*
 * The charts deployed for real on the single-node cluster, as charts/README.md tells operators:
 * `consortia k8s material` and `k8s secrets`, `helm upgrade --install` of the Kafka ordering
 * service and of each organization's blockchain release with the EKS values (only the storage class
 * and CPU requests overridden for one two-core node), every pod Ready by its own probes, then
 * `k8s channel join` and `k8s chaincode deploy` for two organizations. Minutes long and root only:
 * `npm run test:k8s-node`, not npm test.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import * as k8s from '@kubernetes/client-node';

import { buildServicePackage } from '../../src/chaincode/package';
import { buildProgram } from '../../src/cli/main';
import { consortiaHome, installComponents } from '../../src/install';
import { helmBinary } from '../../src/install/helm';
import { kubernetesComponent } from '../../src/install/kubernetes';
import { kubernetesNodeComponent } from '../../src/install/kubernetes-node';
import { FABRIC_VERSION } from '../../src/install/fabric';
import { FABRIC_IMAGES, fabricImages, serviceImages } from '../../src/k8s/images/app-images';
import { importImage } from '../../src/k8s/images/containerd';
import { KAFKA_IMAGE_LAYOUT, kafkaImage } from '../../src/k8s/images/kafka-image';
import { imagesDir } from '../../src/k8s/images/node-images';
import { SERVICE_WORKSPACES, serviceImageLayout } from '../../src/k8s/images/service-images';
import { nodeValuesFile } from '../../src/k8s/node/chart-values';
import type { NodeCluster } from '../../src/k8s/node/cluster';
import { startNodeCluster, stopNodeCluster } from '../../src/k8s/node/cluster';
import { runCommand } from '../../src/process/run-command';
import type { MachinePostgres } from './support';
import { everyPodReady, machinePostgres, waitFor } from './support';

const REPO = path.resolve(__dirname, '..', '..', '..');
const CHARTS = path.join(REPO, 'charts');
const BASE_PORT = Number(process.env.CONSORTIA_K8S_NODE_BASE_PORT ?? 17400) + 20;
const CHANNEL = 'consortium';
const ORGS = [1, 2] as const;
const ORDERER = 'orderers-ordering-service-orderer0.consortia-ordering.svc:7050';

const ADMIN_PASSWORD = 'Correct-Horse-42-Battery';
const suiteStarted = Date.now();

/** An organization's TLS CA certificate in cryptogen's layout under the material's crypto/. */
function tlsCaFile(material: string, kind: 'orderer' | 'peer', domain: string): string {
  const orgs = kind === 'orderer' ? 'ordererOrganizations' : 'peerOrganizations';
  return path.join(material, 'crypto', orgs, domain, 'tlsca', `tlsca.${domain}-cert.pem`);
}

function ordererCaFile(material: string): string {
  return tlsCaFile(material, 'orderer', 'ordering.example.com');
}

/** The image archives a previous build wrote, by the names the builders give them. */
function builtArchives(home: string): { name: string; archive: string }[] {
  const dir = imagesDir(home);
  return [
    ...FABRIC_IMAGES.map((image) => ({
      name: `${image.repository}:${FABRIC_VERSION}`,
      archive: path.join(dir, `${image.key}.oci.tar`),
    })),
    { name: KAFKA_IMAGE_LAYOUT.name, archive: path.join(dir, 'kafka.oci.tar') },
    ...SERVICE_WORKSPACES.map((workspace) => ({
      name: serviceImageLayout(REPO, workspace).name,
      archive: path.join(dir, `consortia-${workspace}.oci.tar`),
    })),
  ];
}

function log(line: string): void {
  process.stderr.write(`  [deploy] ${line}\n`);
}

describe('the charts deployed with helm on a real node', function () {
  this.timeout(30 * 60_000);
  const home = consortiaHome();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'consortia-k8s-deploy-'));
  // the Postgres server runs as its own user and must reach its folder inside
  fs.chmodSync(work, 0o755);
  const material = path.join(work, 'material');
  let cluster: NodeCluster;
  let core: k8s.CoreV1Api;
  let postgres: MachinePostgres | undefined;
  const timings: Record<string, number> = {};

  /** The `consortia` CLI in this process, exactly as an operator types it. */
  const consortia = async (...args: string[]) => {
    log(`consortia ${args.join(' ')}`);
    await buildProgram()
      .exitOverride()
      .parseAsync([
        'node',
        'consortia',
        ...args,
        ...(args[1] === 'material' ? [] : ['--kubeconfig', cluster.kubeconfig]),
      ]);
  };
  const helm = async (...args: string[]) => {
    log(`helm ${args.slice(0, 3).join(' ')} ...`);
    const result = await runCommand(helmBinary(home), [
      ...args,
      '--kubeconfig',
      cluster.kubeconfig,
    ]);
    assert.equal(result.code, 0, `${result.stderr}\n${result.stdout}`);
  };
  /**
   * `helm upgrade --install` as charts/README.md has it, with the chart's EKS values; the node's
   * file only names its StorageClass and lowers CPU requests to fit two cores.
   */
  const install = (
    release: string,
    chart: string,
    namespace: string,
    set: Record<string, string | number>,
  ) =>
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
      nodeValuesFile(path.join(CHARTS, chart), work),
      ...Object.entries(set).flatMap(([key, value]) => ['--set', `${key}=${value}`]),
    );
  /** The machine's Postgres stands for the cloud's database (no TLS on it: see the README). */
  const database = (key: string, name: string) => ({
    [`${key}.host`]: postgres?.host ?? '',
    [`${key}.port`]: postgres?.port ?? 0,
    [`${key}.name`]: name,
    [`${key}.sslMode`]: 'disable',
  });
  const kubectlSecret = async (namespace: string, name: string, data: Record<string, string>) => {
    await core.createNamespacedSecret({
      namespace,
      body: {
        metadata: { name },
        data: Object.fromEntries(
          Object.entries(data).map(([key, value]) => [key, Buffer.from(value).toString('base64')]),
        ),
      },
    });
  };

  before(async function () {
    this.timeout(180 * 60_000);
    for (const component of [kubernetesComponent, kubernetesNodeComponent]) {
      if (component.isInstalled(home)) continue;
      const [outcome] = await installComponents([component], {
        home,
        env: process.env,
        progress: log,
      });
      if (outcome?.status === 'failed') throw outcome.error;
    }
    let started = Date.now();
    cluster = await startNodeCluster({
      home,
      stateDir: path.join(work, 'node'),
      basePort: BASE_PORT,
      progress: log,
    });
    log(`cluster up in ${Math.round((Date.now() - started) / 1000)} s`);
    core = cluster.admin.makeApiClient(k8s.CoreV1Api);
    started = Date.now();
    const context = { home, repo: REPO, progress: log };
    // CONSORTIA_K8S_NODE_IMAGES_BUILT=1 imports the archives `k8s-node images` left, unchanged
    const images = process.env.CONSORTIA_K8S_NODE_IMAGES_BUILT
      ? builtArchives(home)
      : [
          ...(await fabricImages(context)),
          await kafkaImage(context),
          ...(await serviceImages(context)),
        ];
    for (const image of images) await importImage(cluster.containerd, image.archive);
    log(`images built and imported in ${Math.round((Date.now() - started) / 1000)} s`);
    postgres = machinePostgres(path.join(work, 'postgres'), cluster.layout.hostIp, BASE_PORT + 10, [
      'consortia_org1',
      'consortia_org2',
      'app_org1',
    ]);
    await consortia(
      'k8s',
      'material',
      '--out',
      material,
      '--orgs',
      '2',
      '--peers',
      '2',
      '--orderers',
      '1',
    );
  });

  after(async function () {
    this.timeout(300_000);
    log(`timings (s): ${JSON.stringify(timings)}`);
    postgres?.stop();
    if (cluster && !process.env.CONSORTIA_KEEP_TEST_CLUSTER)
      await stopNodeCluster(cluster.layout, home, true);
  });

  it('runs the Kafka ordering service installed by helm, every pod Ready', async () => {
    await consortia('k8s', 'secrets', '--org', 'Org1', '--from', material, '--ordering');
    await core.createNamespacedSecret({
      namespace: 'consortia-ordering',
      body: {
        metadata: { name: 'orderers-genesis-block' },
        data: {
          'genesis.block': fs.readFileSync(path.join(material, 'genesis.block')).toString('base64'),
        },
      },
    });
    const started = Date.now();
    await install('orderers', 'ordering-service', 'consortia-ordering', {
      consensus: 'kafka',
      'orderer.replicas': 1,
    });
    await everyPodReady(core, ['consortia-ordering'], 15 * 60_000);
    timings.orderingReady = Math.round((Date.now() - started) / 1000);
  });

  it("runs each organization's blockchain release, peers Ready by /healthz", async () => {
    const started = Date.now();
    for (const org of ORGS) {
      if (org === 2) await consortia('k8s', 'secrets', '--org', 'Org2', '--from', material);
      const ns = `consortia-org${org}`;
      await kubectlSecret(ns, `org${org}-postgres`, {
        username: postgres?.user ?? '',
        password: postgres?.password ?? '',
      });
      await kubectlSecret(ns, `org${org}-explorer-operator`, {
        'operator-user': 'operator',
        // a fixed scrypt hash: the explorer only needs a well-formed one to start
        'operator-password-hash':
          'scrypt.ln14.r8.p1.xMc2VAw_c86_NTrYc1lvHQ.KbbSzQMZrWYwRRY5U60ZcygMSdHLksL4rP9Ul3HgiIE',
      });
      await kubectlSecret(ns, `org${org}-explorer-session`, {
        'session-secret': `session-${org}-${'x'.repeat(40)}`,
      });
      await install(`org${org}`, 'org-blockchain', ns, {
        'org.mspId': `Org${org}MSP`,
        channel: CHANNEL,
        ...database('database', `consortia_org${org}`),
        'peer.replicas': 2,
        'couchdb.mode': 'none',
      });
    }
    await everyPodReady(
      core,
      ORGS.map((org) => `consortia-org${org}`),
      15 * 60_000,
    );
    timings.orgsReady = Math.round((Date.now() - started) / 1000);
  });

  it('creates the channel and joins both organizations through consortia k8s channel join', async () => {
    const ordererCa = ordererCaFile(material);
    for (const org of ORGS) {
      await consortia(
        'k8s',
        'channel',
        'join',
        '--org',
        `Org${org}`,
        '--channel',
        CHANNEL,
        '--orderer',
        ORDERER,
        '--orderer-ca',
        ordererCa,
        '--channel-tx',
        path.join(material, `${CHANNEL}.tx`),
        '--anchor-tx',
        path.join(material, `Org${org}MSP-anchors.tx`),
      );
    }
  });

  it('deploys the chaincode through consortia k8s chaincode deploy; the token is initialized', async () => {
    const ordererCa = ordererCaFile(material);
    const packages: Record<number, string> = {};
    for (const org of ORGS) {
      // each org's peers dial their own org's chaincode Service
      packages[org] = await buildServicePackage({
        label: 'consortia_1.0',
        address: `org${org}-org-blockchain-chaincode:9999`,
        sourceDir: path.join(REPO, 'chaincode'),
        outputDir: path.join(work, `package-org${org}`),
      });
      const packageId = `consortia_1.0:${createHash('sha256').update(fs.readFileSync(packages[org])).digest('hex')}`;
      await helm(
        'upgrade',
        `org${org}`,
        path.join(CHARTS, 'org-blockchain'),
        '--namespace',
        `consortia-org${org}`,
        '--reuse-values',
        '--set',
        `chaincode.packageId=${packageId}`,
        '--set',
        'chaincode.tokenAdminMsp=Org1MSP',
      );
    }
    await everyPodReady(
      core,
      ORGS.map((org) => `consortia-org${org}`),
      10 * 60_000,
    );
    const deploy = (org: number, ...extra: string[]) =>
      consortia(
        'k8s',
        'chaincode',
        'deploy',
        '--org',
        `Org${org}`,
        '--channel',
        CHANNEL,
        '--name',
        'consortia',
        '--package',
        packages[org] ?? '',
        '--sequence',
        '1',
        '--orderer',
        ORDERER,
        '--orderer-ca',
        ordererCa,
        '--token-admin-msp',
        'Org1MSP',
        ...extra,
      );
    await deploy(2);
    const org2TlsCa = tlsCaFile(material, 'peer', 'org2.example.com');
    // the lifecycle and endorsement policies are MAJORITY of two orgs: Org2's peer endorses too
    await deploy(
      1,
      '--commit',
      '--endorsing-peer',
      `org2-org-blockchain-peer0.consortia-org2.svc:7051=${org2TlsCa}`,
    );
    timings.firstCommit = Math.round((Date.now() - suiteStarted) / 1000);
  });

  it("commits an asset created through Org1's app-api Service, mirrored by both orgs' datasync", async () => {
    const ns = 'consortia-org1-app';
    await kubectlSecret(ns, 'org1-app-db', {
      username: postgres?.user ?? '',
      password: postgres?.password ?? '',
    });
    await kubectlSecret(ns, 'org1-mirror-db', {
      username: postgres?.user ?? '',
      password: postgres?.password ?? '',
    });
    await kubectlSecret(ns, 'org1-app-api-jwt', { 'jwt-secret': 'j'.repeat(48) });
    await kubectlSecret(ns, 'org1-app-api-admin', {
      username: 'operator',
      password: ADMIN_PASSWORD,
    });
    await install('org1', 'org-application', ns, {
      ...database('database', 'app_org1'),
      ...database('mirrorDatabase', 'consortia_org1'),
      'dapp.url': 'http://org1-org-blockchain-dapp.consortia-org1.svc',
    });
    await everyPodReady(core, [ns, 'consortia-org1', 'consortia-org2'], 10 * 60_000);
    const service = await core.readNamespacedService({
      name: 'org1-org-application-app-api',
      namespace: ns,
    });
    const api = `http://${service.spec?.clusterIP}`;
    const login = (await (
      await fetch(`${api}/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'operator', password: ADMIN_PASSWORD }),
      })
    ).json()) as { accessToken: string };
    const created = await fetch(`${api}/v1/assets?wait=true`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${login.accessToken}`,
        'content-type': 'application/json',
        'idempotency-key': 'k8s-node-asset-1',
      },
      body: JSON.stringify({ id: 'K8S-NODE-1', type: 'container', attributes: { color: 'red' } }),
      signal: AbortSignal.timeout(120_000),
    });
    const body = (await created.json()) as {
      status: string;
      blockNumber: number;
      mirror: { reached: boolean };
    };
    assert.equal(created.status, 201, JSON.stringify(body));
    assert.equal(body.status, 'committed');
    assert.equal(body.mirror.reached, true);
    timings.firstAsset = Math.round((Date.now() - suiteStarted) / 1000);
    // Org2's datasync mirrors the same block into its own database
    const mirrored = await waitFor('Org2 to mirror the asset', async () => {
      const result = spawnSync(
        'psql',
        [
          '-h',
          '127.0.0.1',
          '-p',
          String(postgres?.port),
          '-U',
          postgres?.user ?? '',
          '-d',
          'consortia_org2',
          '-Atc',
          "select max(block_number) from world_state where key like '%K8S-NODE-1%'",
        ],
        { encoding: 'utf8', env: { ...process.env, PGPASSWORD: postgres?.password } },
      );
      return result.stdout.trim() ? Number(result.stdout.trim()) : undefined;
    });
    assert.equal(mirrored, body.blockNumber);
  });
});
