// SPDX-License-Identifier: Apache-2.0
import type { HttpMetrics } from '@consortia/common';
import { httpMetrics, serviceRegistry } from '@consortia/common';
import { Counter, Gauge } from 'prom-client';

/** The figures an operator watches: how far the mirror is behind and how fast it moves. */
export class SyncMetrics {
  readonly registry = serviceRegistry('datasync_');
  // Only the operations endpoints answer over HTTP: a probe or a scrape takes milliseconds.
  readonly http: HttpMetrics = httpMetrics(
    this.registry,
    'datasync_',
    [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
  );
  readonly chainHeight = new Gauge({
    name: 'datasync_chain_height',
    help: 'Blocks on the channel according to the peer',
    labelNames: ['channel'],
    registers: [this.registry],
  });
  readonly syncedBlock = new Gauge({
    name: 'datasync_synced_block',
    help: 'Number of the last block mirrored into Postgres',
    labelNames: ['channel'],
    registers: [this.registry],
  });
  readonly lagBlocks = new Gauge({
    name: 'datasync_lag_blocks',
    help: 'Blocks on the peer not yet mirrored',
    labelNames: ['channel'],
    registers: [this.registry],
  });
  readonly lagSeconds = new Gauge({
    name: 'datasync_lag_seconds',
    help: 'Age of the last mirrored block while blocks are pending; 0 when caught up',
    labelNames: ['channel'],
    registers: [this.registry],
  });
  readonly blocksPerSecond = new Gauge({
    name: 'datasync_blocks_per_second',
    help: 'Blocks mirrored per second over the last 10 seconds',
    labelNames: ['channel'],
    registers: [this.registry],
  });
  readonly blocksApplied = new Counter({
    name: 'datasync_blocks_applied_total',
    help: 'Blocks applied to the mirror',
    labelNames: ['channel'],
    registers: [this.registry],
  });
  readonly transactionsApplied = new Counter({
    name: 'datasync_transactions_applied_total',
    help: 'Transactions applied to the mirror',
    labelNames: ['channel'],
    registers: [this.registry],
  });
  readonly gapsRefilled = new Counter({
    name: 'datasync_gaps_refilled_total',
    help: 'Times a gap in block numbers was detected and the missing blocks re-requested',
    labelNames: ['channel'],
    registers: [this.registry],
  });
  readonly reconnects = new Counter({
    name: 'datasync_reconnects_total',
    help: 'Times syncing restarted from the checkpoint after an error',
    labelNames: ['channel'],
    registers: [this.registry],
  });
  readonly outboxPublished = new Counter({
    name: 'datasync_outbox_published_total',
    help: 'Ledger events published to Kafka',
    registers: [this.registry],
  });
  readonly outboxPending = new Gauge({
    name: 'datasync_outbox_pending',
    help: 'Ledger events waiting to be published',
    registers: [this.registry],
  });
}
