// SPDX-License-Identifier: Apache-2.0
import type { HttpMetrics } from '@consortia/common';
import { httpMetrics, serviceRegistry } from '@consortia/common';
import { Counter, Gauge, Histogram } from 'prom-client';

/** The app-api's Prometheus metrics, one registry per service instance. */
export class AppMetrics {
  readonly registry = serviceRegistry('app_api_');
  readonly http: HttpMetrics = httpMetrics(
    this.registry,
    'app_api_',
    [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  );
  readonly logins: Counter<'outcome'>;
  readonly denied: Counter<'reason'>;
  readonly rateLimited: Counter<'limiter'>;
  readonly dappDuration: Histogram<'operation' | 'outcome'>;
  readonly mirrorDuration: Histogram<'query'>;
  readonly auditFailures: Counter;
  readonly mirrorBlock: Gauge;

  constructor(syncedBlock: () => Promise<number | undefined>) {
    const registers = [this.registry];
    this.logins = new Counter({
      name: 'app_api_logins_total',
      help: 'Login attempts, by outcome',
      labelNames: ['outcome'],
      registers,
    });
    this.denied = new Counter({
      name: 'app_api_denied_requests_total',
      help: 'Requests refused for lack of authentication or permission, by reason',
      labelNames: ['reason'],
      registers,
    });
    this.rateLimited = new Counter({
      name: 'app_api_rate_limited_total',
      help: 'Requests answered 429, by limiter',
      labelNames: ['limiter'],
      registers,
    });
    this.dappDuration = new Histogram({
      name: 'app_api_dapp_call_duration_seconds',
      help: 'Calls to the DAPP, by operation and outcome',
      labelNames: ['operation', 'outcome'],
      buckets: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 32],
      registers,
    });
    this.mirrorDuration = new Histogram({
      name: 'app_api_mirror_query_duration_seconds',
      help: 'Queries to the mirror database, by query',
      labelNames: ['query'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers,
    });
    this.auditFailures = new Counter({
      name: 'app_api_audit_write_failures_total',
      help: 'Audit entries that could not be stored (they are logged instead)',
      registers,
    });
    this.mirrorBlock = new Gauge({
      name: 'app_api_mirror_synced_block',
      help: 'The last block the mirror has applied on the served channel',
      registers,
      async collect() {
        try {
          const block = await syncedBlock();
          if (block !== undefined) this.set(block);
        } catch {
          // a scrape must not fail because the mirror is briefly unreachable
        }
      },
    });
  }
}
