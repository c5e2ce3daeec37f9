// SPDX-License-Identifier: Apache-2.0
/*
 * The charts deployed for real on the single-node cluster, as charts/README.md tells operators:
 * `consortia k8s material` and `k8s secrets`, `helm upgrade --install` of the Kafka ordering
 * service and of each organization's blockchain and application releases with the EKS values (only
 * the storage class and CPU requests overridden for one two-core node), every pod Ready by its own
 * probes, `k8s channel join` and `k8s chaincode deploy`, then what operating them takes: a chaincode
 * upgrade and a lost peer under traffic, every scrape endpoint, `helm uninstall`. Minutes long and
 * root only: `npm run test:k8s-node`, not npm test.
 *
 * CONSORTIA_K8S_CONSENSUS=etcdraft runs the Raft variant: material for three orderers with the
 * channel's genesis block, the ordering service as the chart's default (etcdraft, channel
 * participation, orderer.replicas=3) and `k8s channel join --channel-block` joining the orderers
 * through osnadmin before the peers; the rest is the same.
 *
 * CONSORTIA_KEEP_TEST_CLUSTER=1 leaves the cluster and its Postgres running; a later run with
 * CONSORTIA_K8S_NODE_REUSE=<the work dir it printed> and `--grep` runs single steps against it.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { hashSecret } from '@consortia/common/crypto';
import * as k8s from '@kubernetes/client-node';

import { consortiaHome, installComponents } from '../../src/install';
import { kubernetesComponent } from '../../src/install/kubernetes';
import { kubernetesNodeComponent } from '../../src/install/kubernetes-node';
import { fabricImages, serviceImages } from '../../src/k8s/images/app-images';
import { importImage } from '../../src/k8s/images/containerd';
import { kafkaImage } from '../../src/k8s/images/kafka-image';
import { nodeLayout } from '../../src/k8s/node/layout';
import { kubeconfigPath } from '../../src/k8s/node/pki';
import { nodePaths } from '../../src/k8s/node/layout';
import type { NodeCluster } from '../../src/k8s/node/cluster';
import { startNodeCluster, stopNodeCluster } from '../../src/k8s/node/cluster';
import type { AppApi } from './clients';
import {
  appApiLogin,
  CHANNEL,
  createAsset,
  explorerSession,
  readAsset,
  serviceUrl,
} from './clients';
import type { DeployContext } from './harness';
import { log, operatorTools, REPO } from './harness';
import { builtArchives, chaincodeSteps, ORDERER, ordererCaFile } from './steps';
import type { MachinePostgres } from './support';
import { everyPodReady, machinePostgres, waitFor } from './support';
import { operationsSteps } from './operations';

const BASE_PORT = Number(process.env.CONSORTIA_K8S_NODE_BASE_PORT ?? 17400) + 20;
const ORGS = [1, 2] as const;
const ADMIN_PASSWORD = 'Correct-Horse-42-Battery';
const EXPLORER_PASSWORD = 'Explorer-Operator-Pass-42';
const suiteStarted = Date.now();
const RAFT = process.env.CONSORTIA_K8S_CONSENSUS === 'etcdraft';
if (
  process.env.CONSORTIA_K8S_CONSENSUS &&
  !RAFT &&
  process.env.CONSORTIA_K8S_CONSENSUS !== 'kafka'
) {
  throw new Error(
    `CONSORTIA_K8S_CONSENSUS='${process.env.CONSORTIA_K8S_CONSENSUS}': expected kafka (the default) or etcdraft`,
  );
}
/** The ordering org's admin, whose TLS client certificate the orderers' admin endpoints accept. */
const ordererAdminTls = (material: string, file: string) =>
  path.join(
    material,
    'crypto/ordererOrganizations/ordering.example.com/users/Admin@ordering.example.com/tls',
    file,
  );

describe(`the charts deployed with helm on a real node (${RAFT ? 'Raft' : 'Kafka'} ordering)`, function () {
  this.timeout(30 * 60_000);
  const home = consortiaHome();
  const reuse = process.env.CONSORTIA_K8S_NODE_REUSE;
  const work = reuse ?? fs.mkdtempSync(path.join(os.tmpdir(), 'consortia-k8s-deploy-'));
  // the Postgres server runs as its own user and must reach its folder inside
  fs.chmodSync(work, 0o755);
  const material = path.join(work, 'material');
  let cluster: NodeCluster | undefined;
  let admin: k8s.KubeConfig;
  let core: k8s.CoreV1Api;
  let kubeconfig = '';
  let postgres: MachinePostgres | undefined;
  const timings: Record<string, number> = {};
  const context: DeployContext = {
    home,
    work,
    kubeconfig: () => kubeconfig,
    core: () => core,
    postgres: () => postgres,
  };
  const tools = operatorTools(context);
  const { consortia, install, database, secret } = tools;
  const chaincode = chaincodeSteps(context, tools);
  const apis: Record<number, AppApi> = {};
  /** The org's app-api Service, signed in as its operator (once per run). */
  const appApi = async (org: number) =>
    (apis[org] ??= await appApiLogin(
      await serviceUrl(core, `consortia-org${org}-app`, `org${org}-org-application-app-api`),
      'operator',
      ADMIN_PASSWORD,
    ));
  const operations = operationsSteps(context, tools, { appApi, timings });

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
    const stateDir = path.join(work, 'node');
    if (reuse) {
      const layout = nodeLayout({ stateDir, basePort: BASE_PORT });
      kubeconfig = kubeconfigPath(nodePaths(layout), 'admin');
      admin = new k8s.KubeConfig();
      admin.loadFromFile(kubeconfig);
    } else {
      let started = Date.now();
      cluster = await startNodeCluster({ home, stateDir, basePort: BASE_PORT, progress: log });
      log(`cluster up in ${Math.round((Date.now() - started) / 1000)} s`);
      ({ admin, kubeconfig } = cluster);
      started = Date.now();
      const imageContext = { home, repo: REPO, progress: log };
      // CONSORTIA_K8S_NODE_IMAGES_BUILT=1 imports the archives `k8s-node images` left, unchanged
      const images = process.env.CONSORTIA_K8S_NODE_IMAGES_BUILT
        ? builtArchives(home)
        : [
            ...(await fabricImages(imageContext)),
            await kafkaImage(imageContext),
            ...(await serviceImages(imageContext)),
          ];
      for (const image of images) await importImage(cluster.containerd, image.archive);
      log(`images built and imported in ${Math.round((Date.now() - started) / 1000)} s`);
    }
    core = admin.makeApiClient(k8s.CoreV1Api);
    postgres = machinePostgres(
      path.join(work, 'postgres'),
      nodeLayout({ stateDir, basePort: BASE_PORT }).hostIp,
      BASE_PORT + 10,
      ['consortia_org1', 'consortia_org2', 'app_org1', 'app_org2'],
    );
    if (reuse) return;
    await consortia(
      'k8s',
      'material',
      '--out',
      material,
      '--orgs',
      '2',
      '--peers',
      '2',
      ...(RAFT ? ['--consensus', 'etcdraft', '--orderers', '3'] : ['--orderers', '1']),
    );
  });

  after(async function () {
    this.timeout(300_000);
    log(`timings (s): ${JSON.stringify(timings)}`);
    if (process.env.CONSORTIA_KEEP_TEST_CLUSTER || reuse) {
      log(`cluster and Postgres kept; work dir ${work}`);
      return;
    }
    postgres?.stop();
    if (cluster) await stopNodeCluster(cluster.layout, home, true);
  });

  it(`runs the ${RAFT ? 'Raft' : 'Kafka'} ordering service installed by helm, every pod Ready`, async () => {
    await consortia('k8s', 'secrets', '--org', 'Org1', '--from', material, '--ordering');
    if (!RAFT) {
      await core.createNamespacedSecret({
        namespace: 'consortia-ordering',
        body: {
          metadata: { name: 'orderers-genesis-block' },
          data: {
            'genesis.block': fs
              .readFileSync(path.join(material, 'genesis.block'))
              .toString('base64'),
          },
        },
      });
    }
    const started = Date.now();
    timings.helmInstallAt = Math.round((started - suiteStarted) / 1000);
    await install(
      'orderers',
      'ordering-service',
      'consortia-ordering',
      RAFT ? { 'orderer.replicas': 3 } : { consensus: 'kafka', 'orderer.replicas': 1 },
    );
    await everyPodReady(core, ['consortia-ordering'], 15 * 60_000);
    timings.orderingReady = Math.round((Date.now() - started) / 1000);
  });

  it("runs each organization's blockchain release, peers Ready by /healthz", async () => {
    const started = Date.now();
    for (const org of ORGS) {
      if (org === 2) await consortia('k8s', 'secrets', '--org', 'Org2', '--from', material);
      const ns = `consortia-org${org}`;
      await secret(ns, `org${org}-postgres`, {
        username: postgres?.user ?? '',
        password: postgres?.password ?? '',
      });
      await secret(ns, `org${org}-explorer-operator`, {
        'operator-user': 'operator',
        'operator-password-hash': await hashSecret(EXPLORER_PASSWORD),
      });
      await secret(ns, `org${org}-explorer-session`, {
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
    const started = Date.now();
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
        ordererCaFile(material),
        ...(RAFT
          ? [
              // the genesis block names the anchor peers; the orderers join it through osnadmin,
              // and for Org2 again, which leaves them as they are
              ...['--channel-block', path.join(material, `${CHANNEL}.block`)],
              ...['--orderer-admin-cert', ordererAdminTls(material, 'client.crt')],
              ...['--orderer-admin-key', ordererAdminTls(material, 'client.key')],
            ]
          : [
              ...['--channel-tx', path.join(material, `${CHANNEL}.tx`)],
              ...['--anchor-tx', path.join(material, `Org${org}MSP-anchors.tx`)],
            ]),
      );
    }
    timings.channelJoin = Math.round((Date.now() - started) / 1000);
  });

  it('deploys the chaincode through consortia k8s chaincode deploy; the token is initialized', async () => {
    const packages = await chaincode.packages('1.0', 'chaincode');
    for (const org of ORGS) {
      await tools.upgrade(`org${org}`, 'org-blockchain', `consortia-org${org}`, {
        'chaincode.packageId': packages[org]?.id ?? '',
        'chaincode.tokenAdminMsp': 'Org1MSP',
      });
    }
    await everyPodReady(
      core,
      ORGS.map((org) => `consortia-org${org}`),
      10 * 60_000,
    );
    await chaincode.deploy(packages, '1.0', 1);
    timings.firstCommit = Math.round((Date.now() - suiteStarted) / 1000);
  });

  it("commits an asset created through Org1's app-api Service, mirrored by both orgs' datasync", async () => {
    await operations.installApplication(1);
    const { status, body } = await createAsset(await appApi(1), 'K8S-NODE-1');
    assert.equal(status, 201, JSON.stringify(body));
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

  it("shows the asset in Org1's explorer, through its Service and operator sign-in", async () => {
    const base = await serviceUrl(core, 'consortia-org1', 'org1-org-blockchain-explorer');
    const cookie = await explorerSession(base, 'operator', EXPLORER_PASSWORD);
    const read = async (route: string) => {
      const response = await fetch(`${base}/api${route}`, { headers: { cookie } });
      assert.equal(response.status, 200, route);
      return JSON.stringify(await response.json());
    };
    assert.match(await read(`/channels/${CHANNEL}/assets?limit=100`), /K8S-NODE-1/);
    assert.match(await read('/search?q=K8S-NODE-1'), /K8S-NODE-1/);
  });

  it("reads the asset through Org2's application release (its app-api over Org2's mirror)", async () => {
    await operations.installApplication(2);
    const { status, body } = await readAsset(await appApi(2), 'K8S-NODE-1');
    assert.equal(status, 200, JSON.stringify(body));
    assert.equal(body.asset?.id, 'K8S-NODE-1');
  });

  it('upgrades the chaincode with helm and k8s chaincode deploy while every write commits', () =>
    operations.upgradeUnderTraffic(chaincode));

  it('recreates a deleted peer pod mid-traffic, and it catches up to the channel height', () =>
    operations.peerLoss());

  it('answers with metrics on every scrape endpoint the charts declare', () =>
    operations.scrapeEndpoints());

  it('leaves only the documented objects after helm uninstall of every release', () =>
    operations.uninstallAll(admin));
});
