// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';

import YAML from 'yaml';

import { orgLayout } from '../../../src/k8s/naming';
import { nodeOuConfig, secretObject } from '../../../src/k8s/secrets';
import { orgStatus } from '../../../src/k8s/status';
import { stubClients } from './stubs';

describe('k8s secrets and status (stubbed API)', () => {
  it('points NodeOU certificates at where the charts mount the CA', () => {
    const rewritten = YAML.parse(
      nodeOuConfig(
        'NodeOUs:\n  Enable: true\n  PeerOUIdentifier:\n    Certificate: cacerts/ca.org1.example.com-cert.pem\n    OrganizationalUnitIdentifier: peer\n',
      ),
    ) as { NodeOUs: { PeerOUIdentifier: { Certificate: string } } };
    assert.equal(rewritten.NodeOUs.PeerOUIdentifier.Certificate, 'cacerts/cacert.pem');
    assert.match(nodeOuConfig(undefined), /AdminOUIdentifier/);
  });

  it('labels and annotates Secrets so helm adopts them', () => {
    const secret = secretObject(
      {
        name: 'org1-peer0-tls',
        kind: 'blockchain',
        purpose: '',
        files: { 'tls.crt': Buffer.from('x') },
      },
      orgLayout('Org1'),
    );
    assert.equal(secret.metadata.namespace, 'consortia-org1');
    assert.equal(secret.metadata.annotations?.['meta.helm.sh/release-name'], 'org1');
    assert.equal(secret.metadata.labels?.['app.kubernetes.io/managed-by'], 'Helm');
    assert.equal(secret.data?.['tls.crt'], Buffer.from('x').toString('base64'));
  });

  it('asks each peer for its health through the service proxy', async () => {
    const peerService = (name: string) => ({
      metadata: {
        name,
        namespace: 'consortia-org1',
        labels: { 'app.kubernetes.io/component': 'peer' },
      },
      spec: {
        ports: [
          { name: 'grpc', port: 7051 },
          { name: 'operations', port: 9443, appProtocol: 'http' },
        ],
      },
    });
    const proxied: string[] = [];
    const empty = () => Promise.resolve({ items: [] });
    const clients = stubClients({
      apps: { listNamespacedDeployment: empty, listNamespacedStatefulSet: empty },
      discovery: { listNamespacedEndpointSlice: empty },
      core: {
        listNamespacedPod: empty,
        listNamespacedService: ({ namespace }: { namespace: string }) =>
          Promise.resolve({
            items:
              namespace === 'consortia-org1'
                ? [peerService('p-peer0'), peerService('p-peer1')]
                : [],
          }),
        connectGetNamespacedServiceProxyWithPath: ({
          name,
          path,
        }: {
          name: string;
          path: string;
        }) => {
          proxied.push(`${name}/${path}`);
          return Promise.resolve(
            name.startsWith('p-peer0')
              ? '{"status":"OK","time":"2026-01-01T00:00:00Z"}'
              : '{"status":"Service Unavailable","failed_checks":[{"component":"couchdb","reason":"connection refused"}]}',
          );
        },
      },
    });
    const status = await orgStatus(clients, orgLayout('Org1'), {
      ordering: false,
      helm: () => Promise.resolve({ code: 0, stdout: '[]', stderr: '' }),
    });
    assert.deepEqual(proxied, ['p-peer0:operations/healthz', 'p-peer1:operations/healthz']);
    assert.deepEqual(
      status.peers.map((peer) => [peer.service, peer.healthy, peer.health]),
      [
        ['p-peer0', true, 'OK'],
        ['p-peer1', false, 'couchdb: connection refused'],
      ],
    );
    assert.deepEqual(
      status.releases.map((release) => release.status),
      ['not installed', 'not installed'],
    );
  });
});
