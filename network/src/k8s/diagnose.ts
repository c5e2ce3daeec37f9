// SPDX-License-Identifier: Apache-2.0
import type { CoreV1Event, V1Pod } from '@kubernetes/client-node';

import type { KubeClients } from './client';
import { apiMessage } from './client';

export interface ContainerProblem {
  pod: string;
  container: string;
  /** e.g. "waiting: CrashLoopBackOff", "terminated: Error (exit 1)" */
  state: string;
  restarts: number;
  /** Last lines of its log (the previous run's after a restart), or why there are none. */
  log: string[];
}

export interface Diagnosis {
  subject: string;
  events: string[];
  containers: ContainerProblem[];
}

export const LOG_LINES = 20;
const EVENT_LINES = 10;

export function selectorString(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
}

function eventLine(event: CoreV1Event): string {
  const count = (event.count ?? 1) > 1 ? ` (x${String(event.count)})` : '';
  const object = `${event.involvedObject.kind ?? ''}/${event.involvedObject.name ?? ''}`;
  return `${event.type ?? 'Normal'} ${event.reason ?? ''} ${object}: ${(event.message ?? '').trim()}${count}`;
}

function eventTime(event: CoreV1Event): number {
  const stamp = event.lastTimestamp ?? event.eventTime ?? event.metadata.creationTimestamp;
  return stamp ? new Date(stamp).getTime() : 0;
}

async function eventsFor(
  clients: KubeClients,
  namespace: string,
  names: Set<string>,
): Promise<string[]> {
  try {
    const list = await clients.core.listNamespacedEvent({ namespace });
    return list.items
      .filter((event) => names.has(event.involvedObject.name ?? ''))
      .sort((left, right) => eventTime(left) - eventTime(right))
      .slice(-EVENT_LINES)
      .map(eventLine);
  } catch (error) {
    return [`(events unavailable: ${apiMessage(error)})`];
  }
}

function containerState(
  pod: V1Pod,
): { container: string; state: string; restarts: number; ready: boolean }[] {
  const statuses = [
    ...(pod.status?.initContainerStatuses ?? []),
    ...(pod.status?.containerStatuses ?? []),
  ];
  if (statuses.length === 0) {
    const container = pod.spec?.containers[0]?.name ?? '';
    const reason = pod.status?.conditions?.find((condition) => condition.status === 'False');
    return [
      {
        container,
        state: `pod ${pod.status?.phase ?? 'Pending'}${reason?.reason ? `: ${reason.reason} ${reason.message ?? ''}`.trimEnd() : ''}`,
        restarts: 0,
        ready: false,
      },
    ];
  }
  return statuses.map((status) => {
    const waiting = status.state?.waiting;
    const terminated = status.state?.terminated ?? status.lastState?.terminated;
    let state = status.state?.running ? 'running' : 'unknown';
    if (waiting)
      state = `waiting: ${waiting.reason ?? ''}${waiting.message ? ` ${waiting.message}` : ''}`;
    if (terminated) {
      state += `; last terminated: ${terminated.reason ?? ''} (exit ${terminated.exitCode})`;
    }
    return { container: status.name, state, restarts: status.restartCount, ready: status.ready };
  });
}

/** Events of the workload and its pods, and the failing containers' last log lines. */
export async function diagnose(
  clients: KubeClients,
  subject: { kind: string; namespace: string; name: string; selector: Record<string, string> },
): Promise<Diagnosis> {
  const names = new Set([subject.name]);
  const containers: ContainerProblem[] = [];
  let pods: V1Pod[] = [];
  try {
    const selector = selectorString(subject.selector);
    if (selector) {
      pods = (
        await clients.core.listNamespacedPod({
          namespace: subject.namespace,
          labelSelector: selector,
        })
      ).items;
    }
  } catch (error) {
    containers.push({
      pod: '',
      container: '',
      state: `pods unavailable: ${apiMessage(error)}`,
      restarts: 0,
      log: [],
    });
  }
  for (const pod of pods) {
    const podName = pod.metadata?.name ?? '';
    names.add(podName);
    for (const status of containerState(pod)) {
      if (status.ready) continue;
      let log: string[];
      try {
        const text = await clients.core.readNamespacedPodLog({
          name: podName,
          namespace: subject.namespace,
          container: status.container || undefined,
          tailLines: LOG_LINES,
          previous: status.restarts > 0,
        });
        log = text.trimEnd().split('\n').slice(-LOG_LINES);
      } catch (error) {
        log = [`(log unavailable: ${apiMessage(error)})`];
      }
      containers.push({
        pod: podName,
        container: status.container,
        state: status.state,
        restarts: status.restarts,
        log,
      });
    }
  }
  return {
    subject: `${subject.kind} ${subject.namespace}/${subject.name}`,
    events: await eventsFor(clients, subject.namespace, names),
    containers,
  };
}

export function formatDiagnosis(diagnosis: Diagnosis): string {
  const lines = [`${diagnosis.subject}:`];
  lines.push(diagnosis.events.length > 0 ? '  events:' : '  events: none');
  lines.push(...diagnosis.events.map((event) => `    ${event}`));
  if (diagnosis.containers.length === 0) lines.push('  no pods yet');
  for (const container of diagnosis.containers) {
    lines.push(
      `  pod ${container.pod} container ${container.container}: ${container.state}, ${container.restarts} restart(s)`,
    );
    lines.push(...container.log.map((line) => `    | ${line}`));
  }
  return lines.join('\n');
}
