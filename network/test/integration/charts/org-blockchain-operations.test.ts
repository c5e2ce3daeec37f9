// SPDX-License-Identifier: Apache-2.0
// What the org-blockchain chart gives a running consortium: chaincode upgrades and peer catch-up.
import assert from 'node:assert/strict';

import { chartUnderTest, containerNamed, envValue, named, ofKind, workloadSpec } from './support';

const { fullname: FULLNAME, render, renderFailure } = chartUnderTest('org-blockchain');
const OLD = `consortia_1.0:${'a'.repeat(64)}`;
const NEW = `consortia_2.0:${'b'.repeat(64)}`;

describe('chart org-blockchain: operating the consortium', function () {
  // helm renders slowly on a busy machine
  this.timeout(120_000);

  it('serves each chaincode package at its own Service, so the old one answers until the new definition commits', async () => {
    const objects = await render('default', {
      'chaincode.packageId': OLD,
      'chaincode.tokenAdminMsp': 'Org1MSP',
      'chaincode.versions[0].name': 'v2',
      'chaincode.versions[0].packageId': NEW,
    });
    const servers = [
      { name: `${FULLNAME}-chaincode`, packageId: OLD },
      { name: `${FULLNAME}-chaincode-v2`, packageId: NEW },
    ];
    for (const server of servers) {
      const deployment = named(objects, 'Deployment', server.name);
      assert.equal(
        envValue(containerNamed(deployment, 'chaincode'), 'CHAINCODE_ID'),
        server.packageId,
      );
      assert.equal(workloadSpec(deployment).replicas, 2);
      // the Service reaches this package's pods only: a peer refuses a server of another package
      const selector = (
        named(objects, 'Service', server.name).spec as {
          selector: Record<string, string>;
        }
      ).selector;
      assert.deepEqual(workloadSpec(deployment).template.metadata.labels, {
        ...workloadSpec(deployment).template.metadata.labels,
        ...selector,
      });
      for (const other of servers.filter((candidate) => candidate !== server)) {
        const labels = workloadSpec(named(objects, 'Deployment', other.name)).template.metadata
          .labels;
        assert.ok(
          Object.entries(selector).some(([key, value]) => labels?.[key] !== value),
          `${server.name} selects ${other.name}'s pods`,
        );
      }
      named(objects, 'NetworkPolicy', server.name);
      named(objects, 'PodDisruptionBudget', server.name);
    }
  });

  it('retires the old server (no replicas) once packageId is emptied, keeping the new one', async () => {
    const objects = await render('default', {
      'chaincode.packageId': '',
      'chaincode.tokenAdminMsp': 'Org1MSP',
      'chaincode.versions[0].name': 'v2',
      'chaincode.versions[0].packageId': NEW,
    });
    assert.equal(workloadSpec(named(objects, 'Deployment', `${FULLNAME}-chaincode`)).replicas, 0);
    assert.equal(
      workloadSpec(named(objects, 'Deployment', `${FULLNAME}-chaincode-v2`)).replicas,
      2,
    );
  });

  it('refuses a chaincode version without a valid name or package id', async () => {
    const failure = await renderFailure({
      'chaincode.versions[0].name': 'V_2',
      'chaincode.versions[0].packageId': NEW,
    });
    assert.match(failure.message, /chaincode\/versions\/0\/name/);
  });

  it('has every peer pull blocks from the ordering service, so a restarted peer catches up', async () => {
    const objects = await render();
    const peers = ofKind(objects, 'StatefulSet').filter(
      (object) => object.metadata.labels?.['app.kubernetes.io/component'] === 'peer',
    );
    assert.ok(peers.length > 0);
    for (const peer of peers) {
      const container = containerNamed(peer, 'peer');
      // under leader election a peer behind the leader needs gossip state transfer, which the
      // image's core.yaml turns off: it would stay at the height it restarted with
      assert.equal(envValue(container, 'CORE_PEER_GOSSIP_USELEADERELECTION'), 'false');
      assert.equal(envValue(container, 'CORE_PEER_GOSSIP_ORGLEADER'), 'true');
    }
  });
  it("mounts the database server's CA into the DAPP, datasync and explorer as PGSSLROOTCERT", async () => {
    const objects = await render('default', {
      'database.sslMode': 'verify-full',
      'database.sslCaSecret': 'org1-db-ca',
    });
    for (const component of ['dapp', 'datasync', 'explorer']) {
      const deployment = named(objects, 'Deployment', `${FULLNAME}-${component}`);
      const container = containerNamed(deployment, component);
      assert.equal(envValue(container, 'PGSSLMODE'), 'verify-full');
      assert.equal(envValue(container, 'PGSSLROOTCERT'), '/etc/consortia/db-ca/ca.crt');
      assert.ok(
        container.volumeMounts?.some(
          (mount) => mount.name === 'db-ca' && mount.mountPath === '/etc/consortia/db-ca',
        ),
        component,
      );
      const volume = workloadSpec(deployment).template.spec.volumes?.find(
        (candidate) => candidate.name === 'db-ca',
      );
      assert.deepEqual((volume?.secret as { secretName: string }).secretName, 'org1-db-ca');
    }
    const without = await render();
    const dapp = containerNamed(named(without, 'Deployment', `${FULLNAME}-dapp`), 'dapp');
    assert.equal(envValue(dapp, 'PGSSLROOTCERT'), undefined);
  });
});
