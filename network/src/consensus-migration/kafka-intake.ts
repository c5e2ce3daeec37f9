// SPDX-License-Identifier: Apache-2.0
/**
 * On a local network the DAPP queues its asynchronous requests on the same Kafka broker the
 * orderers used. Before that broker stops, the migration closes the DAPP's intake (a DENY ACL on
 * the request topic, so the DAPP answers 503 and keeps nothing) and waits until every request
 * already queued has been handled (its consumer group's committed offsets reach the topic's end):
 * no accepted request is left behind in a stopped broker.
 */
import type { AclEntry, Admin } from 'kafkajs';
import {
  AclOperationTypes,
  AclPermissionTypes,
  AclResourceTypes,
  ResourcePatternTypes,
} from 'kafkajs';

import { UserError } from '../errors';
import { kafkaClient } from '../kafka/broker';
import { CLIENT_ACCESS } from '../kafka/client-listener';
import type { KafkaNode } from '../topology/topology';

/** The DAPP's request topic (its KAFKA_TOPIC default, which the local network uses). */
export const DAPP_REQUEST_TOPIC = 'dapp.tx.requests';

/** Refuses the DAPP's user any new request on the broker; consuming and results still work. */
export function intakeDenial(topic = DAPP_REQUEST_TOPIC): AclEntry {
  return {
    resourceType: AclResourceTypes.TOPIC,
    resourceName: topic,
    resourcePatternType: ResourcePatternTypes.LITERAL,
    principal: 'User:dapp',
    host: '*',
    operation: AclOperationTypes.WRITE,
    permissionType: AclPermissionTypes.DENY,
  };
}

/** Requests on `topic` that a DAPP consumer group has not yet handled, by group. */
export async function queuedBacklog(admin: Admin, topic: string): Promise<Map<string, number>> {
  const ends = await admin.fetchTopicOffsets(topic);
  const { groups } = await admin.listGroups();
  const backlog = new Map<string, number>();
  const dappGroups = groups.filter((group) =>
    CLIENT_ACCESS.dapp.groups.some((prefix) => group.groupId.startsWith(prefix)),
  );
  for (const { groupId } of dappGroups) {
    const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const committed = new Map(
      (offsets?.partitions ?? []).map((entry) => [entry.partition, Number(entry.offset)]),
    );
    // a group that never committed on this topic does not consume it
    if ([...committed.values()].every((offset) => offset < 0)) continue;
    let behind = 0;
    for (const end of ends) {
      const done = committed.get(end.partition) ?? -1;
      behind += Math.max(0, Number(end.high) - (done < 0 ? Number(end.low) : done));
    }
    if (behind > 0) backlog.set(groupId, behind);
  }
  return backlog;
}

/**
 * The DAPP's asynchronous requests in the given states (its metrics, `dapp_requests_unfinished`):
 * `unknown` ones only Kafka can finish, since the reconciler queues them again when the ledger
 * does not show them. Sync requests in doubt are resumed without Kafka and are not counted.
 * Undefined when the DAPP does not answer.
 */
export async function requestsInDoubt(
  dappUrl: string,
  statuses: readonly string[] = ['unknown'],
): Promise<number | undefined> {
  try {
    const response = await fetch(`${dappUrl}/metrics`, { signal: AbortSignal.timeout(10_000) });
    return asyncUnfinished(await response.text(), statuses);
  } catch {
    return undefined;
  }
}

/** The sum of `dapp_requests_unfinished` over async (or unlabelled) series in these states. */
function asyncUnfinished(metrics: string, statuses: readonly string[]): number {
  let total = 0;
  for (const line of metrics.split('\n')) {
    const series = /^dapp_requests_unfinished\{([^}]*)\} (\S+)$/.exec(line);
    if (!series) continue;
    const labels = new Map(
      [...(series[1] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map(([, name, value]) => [name, value]),
    );
    const mode = labels.get('mode');
    if (!statuses.includes(labels.get('status') ?? '') || (mode && mode !== 'async')) continue;
    total += Number(series[2]);
  }
  return total;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Closes the DAPP's intake on the broker and waits until everything it accepted is handled:
 * nothing left in its request topic, and (when the DAPP runs, at `dappUrl`) no request left in
 * doubt. The DAPP queues an in-doubt request again through the same topic, so
 * while any remains the intake is reopened for it. Nothing to do when the broker never carried
 * the DAPP's requests.
 */
export async function drainServiceQueue(
  node: KafkaNode,
  dappUrl: string | undefined,
  progress: (message: string) => void,
  timeoutMs = 600_000,
): Promise<void> {
  const admin = kafkaClient(node, 'consortia-migration').admin();
  await admin.connect();
  // only the services' listener authorizes; a broker without it cannot refuse the DAPP
  const canClose = node.clientPort !== undefined;
  const denial = intakeDenial();
  const deadline = Date.now() + timeoutMs;
  const waitUntil = async (what: () => Promise<string | undefined>) => {
    for (;;) {
      const waiting = await what();
      if (waiting === undefined) return;
      if (Date.now() > deadline) {
        throw new UserError(
          `the DAPP's accepted requests are not all handled (${waiting}); the broker keeps running`,
          'check that the DAPP runs, then run the command again: it continues from this step',
        );
      }
      progress(`Kafka: waiting for the DAPP (${waiting})`);
      await sleep(2000);
    }
  };
  const inDoubt = async (statuses: readonly string[]) => {
    const count = dappUrl ? await requestsInDoubt(dappUrl, statuses) : 0;
    if (count === undefined) return 'its metrics do not answer';
    return count > 0 ? `${count} async requests ${statuses.join(' or ')}` : undefined;
  };
  const backlog = async () => {
    const groups = await queuedBacklog(admin, DAPP_REQUEST_TOPIC);
    const list = [...groups].map(([group, count]) => `${group}: ${count} queued`).join(', ');
    return groups.size > 0 ? list : undefined;
  };
  try {
    if (!(await admin.listTopics()).includes(DAPP_REQUEST_TOPIC)) return;
    for (;;) {
      await waitUntil(() => inDoubt(['unknown']));
      if (canClose) {
        await admin.createAcls({ acl: [denial] });
        progress(`Kafka: the DAPP's asynchronous intake (${DAPP_REQUEST_TOPIC}) is closed`);
      }
      await waitUntil(backlog);
      // a queued request is in the topic, or was refused and removed (the DAPP stores it before
      // it publishes, so refused ones pass through `queued`): only those in doubt remain
      if ((await inDoubt(['unknown'])) === undefined) break;
      if (canClose) {
        progress('Kafka: reopening the intake for requests the DAPP has to queue again');
        await admin.deleteAcls({ filters: [denial] });
      }
    }
    progress(`Kafka: every request the DAPP accepted has been handled`);
  } finally {
    await admin.disconnect();
  }
}
