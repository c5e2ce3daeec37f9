// SPDX-License-Identifier: Apache-2.0
import type { HttpMetrics } from '@consortia/common';
import { httpMetrics, serviceRegistry } from '@consortia/common';
import { Counter, Gauge, Histogram } from 'prom-client';

/** The DAPP's Prometheus metrics, one registry per service instance. */
/** Unfinished requests of one mode and status, and how many of them are stuck. */
export interface UnfinishedCount {
  mode: string;
  status: string;
  count: number;
  stuck: number;
}

export class DappMetrics {
  readonly registry = serviceRegistry('dapp_');
  readonly http: HttpMetrics = httpMetrics(
    this.registry,
    'dapp_',
    [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  );
  readonly fabricDuration: Histogram<'operation' | 'outcome'>;
  readonly retries: Counter<'reason'>;
  readonly outcomes: Counter<'mode' | 'status'>;
  readonly requestDuration: Histogram<'mode' | 'status'>;
  readonly deadLettered: Counter;
  readonly workerInFlight: Gauge;
  readonly queueDepth: Gauge;
  readonly unfinished: Gauge<'mode' | 'status'>;
  readonly stuck: Gauge<'mode' | 'status'>;
  readonly reconciled: Counter<'resolution'>;

  constructor(
    queueDepth: () => Promise<number>,
    unfinished: () => Promise<UnfinishedCount[]> = async () => [],
  ) {
    this.fabricDuration = new Histogram({
      name: 'dapp_fabric_call_duration_seconds',
      help: 'Fabric submit (endorse, order, commit) and evaluate latency',
      labelNames: ['operation', 'outcome'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 32],
      registers: [this.registry],
    });
    this.retries = new Counter({
      name: 'dapp_retries_total',
      help: 'Transaction attempts retried, by failure code',
      labelNames: ['reason'],
      registers: [this.registry],
    });
    this.outcomes = new Counter({
      name: 'dapp_request_outcomes_total',
      help: 'Requests finished, by mode and status',
      labelNames: ['mode', 'status'],
      registers: [this.registry],
    });
    this.requestDuration = new Histogram({
      name: 'dapp_request_duration_seconds',
      help: 'From acceptance to a final or unknown outcome, by mode (sync, async) and status; async includes the time queued',
      labelNames: ['mode', 'status'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 32, 64, 128],
      registers: [this.registry],
    });
    this.deadLettered = new Counter({
      name: 'dapp_dead_lettered_total',
      help: 'Requests sent to the dead-letter topic',
      registers: [this.registry],
    });
    this.workerInFlight = new Gauge({
      name: 'dapp_worker_in_flight',
      help: 'Queued requests this process is submitting right now',
      registers: [this.registry],
    });
    this.queueDepth = new Gauge({
      name: 'dapp_queue_depth',
      help: 'Accepted requests not yet finished (queued, submitted or unknown)',
      registers: [this.registry],
      async collect() {
        try {
          this.set(await queueDepth());
        } catch {
          // a scrape must not fail because the store is briefly unreachable
        }
      },
    });
    // One query feeds both gauges; the second collect reuses it within the same scrape.
    let counts: Promise<UnfinishedCount[]> | undefined;
    const current = () => {
      counts ??= unfinished().finally(() => setTimeout(() => (counts = undefined), 100));
      return counts;
    };
    const modes = ['sync', 'async'];
    const statuses = ['queued', 'submitted', 'unknown'];
    // Both gauges read the same cached counts, one field each. By mode too: an async request in
    // doubt goes back through Kafka, a sync one is resumed directly, and a migration off Kafka
    // waits for the first kind only.
    const collectByStatus = (field: 'count' | 'stuck') =>
      async function (this: Gauge<'mode' | 'status'>): Promise<void> {
        try {
          const rows = await current();
          for (const mode of modes) {
            for (const status of statuses) {
              const row = rows.find((r) => r.mode === mode && r.status === status);
              this.set({ mode, status }, row?.[field] ?? 0);
            }
          }
        } catch {
          // as above
        }
      };
    this.unfinished = new Gauge({
      name: 'dapp_requests_unfinished',
      help: 'Requests not yet committed or failed, by mode and status (unknown: the ledger must tell)',
      labelNames: ['mode', 'status'],
      registers: [this.registry],
      collect: collectByStatus('count'),
    });
    this.stuck = new Gauge({
      name: 'dapp_requests_stuck',
      help: 'Unfinished requests older than RECONCILE_STUCK_MS, by mode and status',
      labelNames: ['mode', 'status'],
      registers: [this.registry],
      collect: collectByStatus('stuck'),
    });
    this.reconciled = new Counter({
      name: 'dapp_reconciled_total',
      help: 'Requests looked at by the reconciler, by how they were resolved',
      labelNames: ['resolution'],
      registers: [this.registry],
    });
  }
}
