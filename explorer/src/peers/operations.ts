// SPDX-License-Identifier: Apache-2.0
import type { Logger } from '@consortia/common';

import type { NamedUrl } from '../config';
import type { NodeKind, NodeStatus } from '../http/api-types';
import { nodeFigures, parseMetrics } from './prometheus';

export interface OperationsEndpoint {
  kind: NodeKind;
  index: number;
  name: string;
  url: string;
}

export interface ProxiedAnswer {
  status: number;
  contentType: string;
  body: string;
}

/** An operations endpoint that did not answer in time or at all. */
export class UnreachableError extends Error {
  constructor(
    readonly url: string,
    reason: string,
  ) {
    super(`${url}: ${reason}`);
    this.name = 'UnreachableError';
  }
}

/** Bodies larger than this are refused: /metrics of a busy peer is well below it. */
const MAX_BODY_BYTES = 8 * 1024 * 1024;

/**
 * Reaches the peers' and orderers' operations endpoints (/healthz, /metrics) configured in
 * PEER_OPERATIONS_URLS and ORDERER_OPERATIONS_URLS, and nothing else: callers name a node by
 * kind and index, never by URL. Every request has a timeout, and statuses are cached briefly
 * so many open dashboards do not multiply the load on the nodes.
 */
export class OperationsProxy {
  readonly endpoints: OperationsEndpoint[];
  #cache?: { at: number; statuses: Promise<NodeStatus[]> };
  #refreshing?: Promise<NodeStatus[]>;

  constructor(
    urls: { peers: readonly NamedUrl[]; orderers: readonly NamedUrl[] },
    private readonly timeoutMs: number,
    private readonly logger?: Logger,
    private readonly cacheMs = 2_000,
  ) {
    const endpoint =
      (kind: NodeKind) =>
      (entry: NamedUrl, index: number): OperationsEndpoint => ({
        kind,
        index,
        name: entry.name ?? `${kind} ${index}`,
        url: entry.url,
      });
    this.endpoints = [
      ...urls.peers.map(endpoint('peer')),
      ...urls.orderers.map(endpoint('orderer')),
    ];
  }

  find(kind: string, index: number): OperationsEndpoint | undefined {
    return this.endpoints.find((endpoint) => endpoint.kind === kind && endpoint.index === index);
  }

  /** GETs one path of a node's operations endpoint, within the timeout. */
  async get(endpoint: OperationsEndpoint, path: '/healthz' | '/metrics'): Promise<ProxiedAnswer> {
    const url = `${endpoint.url}${path}`;
    let response: Response;
    try {
      response = await fetch(url, {
        signal: AbortSignal.timeout(this.timeoutMs),
        redirect: 'error',
        headers: { accept: path === '/healthz' ? 'application/json' : 'text/plain' },
      });
    } catch (error) {
      const reason =
        error instanceof Error && error.name === 'TimeoutError'
          ? `no answer within ${this.timeoutMs} ms`
          : error instanceof Error
            ? error.cause instanceof Error
              ? error.cause.message
              : error.message
            : String(error);
      throw new UnreachableError(url, reason);
    }
    const body = await response.text();
    if (Buffer.byteLength(body) > MAX_BODY_BYTES) {
      throw new UnreachableError(url, 'the answer is too large');
    }
    return {
      status: response.status,
      contentType: response.headers.get('content-type') ?? 'text/plain',
      body,
    };
  }

  async status(endpoint: OperationsEndpoint): Promise<NodeStatus> {
    const started = performance.now();
    const base = {
      kind: endpoint.kind,
      index: endpoint.index,
      name: endpoint.name,
      url: endpoint.url,
      checkedAt: new Date().toISOString(),
      failedChecks: [] as NodeStatus['failedChecks'],
      heights: {},
      highlights: [],
    };
    const [health, metrics] = await Promise.allSettled([
      this.get(endpoint, '/healthz'),
      this.get(endpoint, '/metrics'),
    ]);
    const latencyMs = Math.round(performance.now() - started);
    const figures =
      metrics.status === 'fulfilled' && metrics.value.status === 200
        ? nodeFigures(parseMetrics(metrics.value.body))
        : { heights: {}, highlights: [] };
    if (health.status === 'rejected') {
      const reason = health.reason instanceof Error ? health.reason.message : String(health.reason);
      this.logger?.debug({ node: endpoint.url, reason }, 'operations endpoint unreachable');
      return { ...base, ...figures, health: 'unreachable', detail: reason };
    }
    const answer = health.value;
    const failedChecks = failedChecksOf(answer.body);
    const up = answer.status === 200;
    return {
      ...base,
      ...figures,
      health: up ? 'up' : 'down',
      latencyMs,
      failedChecks,
      ...(up ? {} : { detail: `/healthz answered ${answer.status}` }),
    };
  }

  /**
   * Every configured node's status. A result younger than `cacheMs` is reused; an older one is
   * still answered at once while a fresh round runs, so an unreachable node never makes the
   * dashboard wait for its timeout more than the first time.
   */
  statuses(): Promise<NodeStatus[]> {
    const now = Date.now();
    const cached = this.#cache;
    if (cached && now - cached.at <= this.cacheMs) return cached.statuses;
    if (!this.#refreshing) {
      const round = Promise.all(this.endpoints.map((endpoint) => this.status(endpoint)));
      this.#refreshing = round;
      void round.then(
        (statuses) => {
          this.#cache = { at: Date.now(), statuses: Promise.resolve(statuses) };
          this.#refreshing = undefined;
        },
        () => {
          this.#refreshing = undefined;
        },
      );
    }
    return cached?.statuses ?? this.#refreshing;
  }
}

/** Fabric's /healthz lists failed checks as `failed_checks: [{component, reason}]`. */
function failedChecksOf(body: string): NodeStatus['failedChecks'] {
  try {
    const parsed = JSON.parse(body) as { failed_checks?: unknown };
    if (!Array.isArray(parsed.failed_checks)) return [];
    return parsed.failed_checks.map((check: unknown) => {
      const record = (typeof check === 'object' && check !== null ? check : {}) as Record<
        string,
        unknown
      >;
      // eslint-disable-next-line @typescript-eslint/no-base-to-string -- log fields of any shape, shown as text
      return { component: String(record.component ?? '?'), reason: String(record.reason ?? '') };
    });
  } catch {
    return [];
  }
}
