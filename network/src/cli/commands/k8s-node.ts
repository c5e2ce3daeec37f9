// SPDX-License-Identifier: Apache-2.0
import os from 'node:os';
import path from 'node:path';

import type { Command } from 'commander';

import { consortiaHome } from '../../install';
import { nodeBinary } from '../../install/kubernetes-node';
import { fabricImages, serviceImages } from '../../k8s/images/app-images';
import { kafkaImage } from '../../k8s/images/kafka-image';
import { importImage } from '../../k8s/images/containerd';
import { nodePaths } from '../../k8s/node/layout';
import { startNodeCluster, stopNodeCluster } from '../../k8s/node/cluster';
import { DEFAULT_NODE_BASE_PORT, nodeLayout } from '../../k8s/node/layout';
import { progress } from '../output';

interface NodeOptions {
  stateDir: string;
  basePort: string;
}

function withNodeOptions(command: Command): Command {
  return command
    .option(
      '--state-dir <dir>',
      'where the cluster keeps etcd, containerd, the kubelet and logs',
      path.join(os.tmpdir(), 'consortia-k8s-node'),
    )
    .option(
      '--base-port <port>',
      'etcd, API server, controller-manager and scheduler use this port and the four after it',
      String(DEFAULT_NODE_BASE_PORT),
    );
}

function layoutOf(options: NodeOptions) {
  return nodeLayout({ stateDir: options.stateDir, basePort: Number(options.basePort) });
}

/** `consortia k8s-node start|stop`: a real single-node cluster on this machine (root only). */
export function registerK8sNode(program: Command): void {
  const node = program
    .command('k8s-node')
    .description(
      'run a real single-node Kubernetes cluster here (needs `consortia install kubernetes kubernetes-node`)',
    );
  withNodeOptions(node.command('start'))
    .description('start etcd, the control plane, containerd, kubelet, kube-proxy and CoreDNS')
    .action(async (options: NodeOptions) => {
      const cluster = await startNodeCluster({
        home: consortiaHome(),
        stateDir: options.stateDir,
        basePort: Number(options.basePort),
        progress,
      });
      console.log(`cluster ready: ${cluster.server}`);
      console.log(`kubeconfig: ${cluster.kubeconfig}`);
      console.log(`logs: ${cluster.paths.logs}`);
    });
  withNodeOptions(node.command('stop'))
    .description('stop the cluster and remove its containers, mounts, cgroups and network')
    .option('--purge', 'also delete the state directory')
    .action(async (options: NodeOptions & { purge?: boolean }) => {
      await stopNodeCluster(layoutOf(options), consortiaHome(), options.purge === true);
      console.log('cluster stopped');
    });
  withNodeOptions(node.command('images'))
    .description(
      'build the Fabric and Consortia images without Docker (Debian base by mmdebstrap) and import them into the node',
    )
    .option('--repo <dir>', 'the repository whose build output goes into the images', process.cwd())
    .option('--no-import', 'only write the OCI archives')
    .action(async (options: NodeOptions & { repo: string; import: boolean }) => {
      const home = consortiaHome();
      const context = { home, repo: options.repo, progress };
      const images = [
        ...(await fabricImages(context)),
        await kafkaImage(context),
        ...(await serviceImages(context)),
      ];
      const paths = nodePaths(layoutOf(options));
      for (const image of images) {
        if (options.import) {
          await importImage(
            { ctr: nodeBinary(home, 'ctr'), socket: paths.containerdSocket },
            image.archive,
          );
        }
        console.log(`${image.name}\t${image.archive}`);
      }
    });
}
