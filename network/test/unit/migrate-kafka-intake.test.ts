// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import type { Admin } from 'kafkajs';
import { AclOperationTypes, AclPermissionTypes } from 'kafkajs';

import {
  DAPP_REQUEST_TOPIC,
  intakeDenial,
  queuedBacklog,
  requestsInDoubt,
} from '../../src/consensus-migration/kafka-intake';

/** An admin client answering from fixed offsets: the topic's ends and each group's commits. */
function stubAdmin(
  ends: { partition: number; low: string; high: string }[],
  groups: Record<string, { partition: number; offset: string }[]>,
): Admin {
  const admin = {
    fetchTopicOffsets: () => Promise.resolve(ends.map((end) => ({ ...end, offset: end.high }))),
    listGroups: () =>
      Promise.resolve({
        groups: Object.keys(groups).map((groupId) => ({ groupId, protocolType: 'consumer' })),
      }),
    fetchOffsets: ({ groupId, topics }: { groupId: string; topics: string[] }) =>
      Promise.resolve(topics.map((topic) => ({ topic, partitions: groups[groupId] ?? [] }))),
  };
  return admin as unknown as Admin;
}

describe('migrate-consensus: closing the DAPP queue before Kafka stops', function () {
  it("refuses only the DAPP's writes of new requests", function () {
    const acl = intakeDenial();
    assert.equal(acl.resourceName, DAPP_REQUEST_TOPIC);
    assert.equal(acl.principal, 'User:dapp');
    assert.equal(acl.operation, AclOperationTypes.WRITE);
    assert.equal(acl.permissionType, AclPermissionTypes.DENY);
  });

  it('counts the requests a DAPP consumer group has not committed past', async function () {
    const admin = stubAdmin(
      [
        { partition: 0, low: '0', high: '10' },
        { partition: 1, low: '4', high: '7' },
      ],
      {
        // handled up to 8 of 10 on partition 0; never committed on partition 1 (from low 4)
        'dapp-workers.store1': [
          { partition: 0, offset: '8' },
          { partition: 1, offset: '-1' },
        ],
        // another service's group, and a DAPP group that never consumed this topic
        'datasync-outbox-reconcile-1': [{ partition: 0, offset: '0' }],
        'dapp-workers.other': [
          { partition: 0, offset: '-1' },
          { partition: 1, offset: '-1' },
        ],
      },
    );
    assert.deepEqual(
      [...(await queuedBacklog(admin, DAPP_REQUEST_TOPIC))],
      [['dapp-workers.store1', 5]],
    );
  });

  it('has no backlog once every group committed to the end', async function () {
    const admin = stubAdmin([{ partition: 0, low: '0', high: '3' }], {
      'dapp-workers.store1': [{ partition: 0, offset: '3' }],
    });
    assert.equal((await queuedBacklog(admin, DAPP_REQUEST_TOPIC)).size, 0);
  });

  it('counts the DAPP requests in doubt, which only Kafka can finish, from its metrics', async function () {
    const server = http.createServer((_request, response) => {
      response.end(
        [
          '# HELP dapp_requests_unfinished Requests not yet committed or failed, by status',
          'dapp_requests_unfinished{status="queued"} 2',
          'dapp_requests_unfinished{status="submitted"} 7',
          'dapp_requests_unfinished{status="unknown"} 3',
          '',
        ].join('\n'),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      assert.equal(await requestsInDoubt(`http://127.0.0.1:${port}`), 3);
      assert.equal(await requestsInDoubt(`http://127.0.0.1:${port}`, ['queued', 'unknown']), 5);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    // sync requests in doubt are resumed without Kafka: only async ones hold the broker
    const byMode = http.createServer((_request, response) => {
      response.end(
        [
          'dapp_requests_unfinished{mode="sync",status="unknown"} 5',
          'dapp_requests_unfinished{mode="async",status="unknown"} 2',
          'dapp_requests_unfinished{mode="async",status="queued"} 1',
          '',
        ].join('\n'),
      );
    });
    await new Promise<void>((resolve) => byMode.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = byMode.address() as AddressInfo;
      assert.equal(await requestsInDoubt(`http://127.0.0.1:${port}`), 2);
      assert.equal(await requestsInDoubt(`http://127.0.0.1:${port}`, ['queued', 'unknown']), 3);
    } finally {
      await new Promise((resolve) => byMode.close(resolve));
    }
    // a DAPP that does not answer is not counted as drained
    assert.equal(await requestsInDoubt('http://127.0.0.1:1'), undefined);
  });
});
