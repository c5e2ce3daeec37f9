// SPDX-License-Identifier: Apache-2.0
import type { HttpMetrics } from '@consortia/common';
import { httpMetrics, serviceRegistry } from '@consortia/common';
import { Counter, Gauge } from 'prom-client';

/** The explorer's own figures, on its /metrics. */
export class ExplorerMetrics {
  readonly registry = serviceRegistry('explorer_');
  readonly http: HttpMetrics = httpMetrics(
    this.registry,
    'explorer_',
    [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  );
  readonly liveClients = new Gauge({
    name: 'explorer_live_clients',
    help: 'Browsers connected to the live block stream',
    registers: [this.registry],
  });
  readonly liveBlocks = new Counter({
    name: 'explorer_live_blocks_total',
    help: 'Blocks announced on the live stream',
    registers: [this.registry],
  });
  readonly logins = new Counter({
    name: 'explorer_logins_total',
    help: 'Login attempts by outcome (ok, refused, throttled)',
    labelNames: ['outcome'],
    registers: [this.registry],
  });
}
