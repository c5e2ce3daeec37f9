// SPDX-License-Identifier: Apache-2.0
/*
 * The deploy suite's view from outside the pods: the app-api and explorer Services as a client
 * sees them, a steady stream of writes, and the peers' own heights from their operations endpoint.
 */
import type * as k8s from '@kubernetes/client-node';

import { log } from './harness';

export const CHANNEL = 'consortium';

export async function serviceUrl(
  core: k8s.CoreV1Api,
  namespace: string,
  name: string,
): Promise<string> {
  const service = await core.readNamespacedService({ name, namespace });
  return `http://${service.spec?.clusterIP}`;
}

export interface AppApi {
  base: string;
  token: string;
}

export async function appApiLogin(base: string, username: string, password: string) {
  const response = await fetch(`${base}/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
    signal: AbortSignal.timeout(30_000),
  });
  if (response.status !== 200)
    throw new Error(`login: ${response.status} ${await response.text()}`);
  const { accessToken } = (await response.json()) as { accessToken: string };
  return { base, token: accessToken };
}

export interface Created {
  status: string;
  blockNumber: number;
  mirror: { reached: boolean };
}

/** POST /v1/assets?wait=true: answers once the transaction is committed (or failed). */
export async function createAsset(api: AppApi, id: string) {
  const response = await fetch(`${api.base}/v1/assets?wait=true`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${api.token}`,
      'content-type': 'application/json',
      'idempotency-key': `k8s-node-${id}`,
    },
    body: JSON.stringify({ id, type: 'container', attributes: { color: 'red' } }),
    signal: AbortSignal.timeout(180_000),
  });
  return { status: response.status, body: (await response.json()) as Created };
}

export async function readAsset(api: AppApi, id: string) {
  const response = await fetch(`${api.base}/v1/assets/${encodeURIComponent(id)}`, {
    headers: { authorization: `Bearer ${api.token}` },
    signal: AbortSignal.timeout(30_000),
  });
  return { status: response.status, body: (await response.json()) as { asset?: { id: string } } };
}

/** Signs the operator in to the explorer; returns the session cookie. */
export async function explorerSession(base: string, user: string, password: string) {
  const response = await fetch(`${base}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user, password }),
    signal: AbortSignal.timeout(30_000),
  });
  const cookie = response.headers.get('set-cookie');
  if (response.status !== 200 || !cookie) {
    throw new Error(`explorer login: ${response.status} ${await response.text()}`);
  }
  return cookie.split(';')[0] ?? '';
}

export interface Outcome {
  id: string;
  status: number;
  committed: boolean;
  error?: string;
  at: number;
}

/**
 * Creates assets one after another through the app-api until stopped, recording each outcome, so
 * a change made meanwhile (an upgrade, a lost pod) shows up as failed or slow writes.
 */
export class Traffic {
  readonly outcomes: Outcome[] = [];
  #running = false;
  #loop: Promise<void> = Promise.resolve();

  constructor(
    private readonly api: AppApi,
    private readonly prefix: string,
  ) {}

  start(): this {
    this.#running = true;
    this.#loop = (async () => {
      for (let n = 1; this.#running; n++) {
        const id = `${this.prefix}-${n}`;
        try {
          const { status, body } = await createAsset(this.api, id);
          const committed = status === 201 && body.status === 'committed';
          this.outcomes.push({
            id,
            status,
            committed,
            ...(committed ? {} : { error: JSON.stringify(body) }),
            at: Date.now(),
          });
        } catch (error) {
          this.outcomes.push({
            id,
            status: 0,
            committed: false,
            error: String(error),
            at: Date.now(),
          });
        }
      }
    })();
    return this;
  }

  /** Committed writes that finished after `since`. */
  committedSince(since: number): number {
    return this.outcomes.filter((outcome) => outcome.committed && outcome.at > since).length;
  }

  async stop(): Promise<Outcome[]> {
    this.#running = false;
    await this.#loop;
    const failed = this.outcomes.filter((outcome) => !outcome.committed);
    log(
      `traffic ${this.prefix}: ${this.outcomes.length - failed.length} committed, ${failed.length} failed`,
    );
    for (const outcome of failed) log(`  ${outcome.id}: ${outcome.status} ${outcome.error}`);
    return this.outcomes;
  }
}

const PEER_SELECTOR = 'app.kubernetes.io/component=peer';

/** Each running peer pod's height of the channel, from ledger_blockchain_height on /metrics. */
export async function peerHeights(
  core: k8s.CoreV1Api,
  namespaces: readonly string[],
): Promise<Record<string, number>> {
  const heights: Record<string, number> = {};
  for (const namespace of namespaces) {
    const pods = await core.listNamespacedPod({ namespace, labelSelector: PEER_SELECTOR });
    for (const pod of pods.items) {
      const ip = pod.status?.podIP;
      if (!ip || pod.metadata?.deletionTimestamp) continue;
      const text = await fetch(`http://${ip}:9443/metrics`, {
        signal: AbortSignal.timeout(10_000),
      }).then((response) => response.text());
      const match = new RegExp(
        `^ledger_blockchain_height\\{channel="${CHANNEL}"\\} (\\d+)`,
        'm',
      ).exec(text);
      if (match?.[1]) heights[pod.metadata?.name ?? ip] = Number(match[1]);
    }
  }
  return heights;
}
