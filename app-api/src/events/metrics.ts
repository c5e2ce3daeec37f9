// SPDX-License-Identifier: Apache-2.0
import type { Registry } from 'prom-client';
import { Counter, Gauge, Histogram } from 'prom-client';

import type { Delivery, StreamEvent, SubscriptionState } from './model';

/** Counts of subscriptions by state, and where the active ones are, per channel. */
export interface SubscriptionStats {
  states: Partial<Record<SubscriptionState, number>>;
  checkpoints: { channel: string; lowest: number; highest: number }[];
}

const STATES: SubscriptionState[] = ['active', 'paused', 'parked'];

/**
 * Event stream delivery on the app-api's registry. Labels stay bounded: the transport, a
 * parking reason, a subscription state, a mirrored channel. Subscriptions are not bounded in
 * number, so their checkpoints are shown per channel as the lowest and highest block.
 */
export class EventMetrics {
  readonly delivered: Counter<'transport'>;
  readonly batchesFailed: Counter<'transport'>;
  readonly batchesRetried: Counter<'transport'>;
  readonly parked: Counter<'reason'>;
  readonly paused: Counter<'reason'>;
  readonly lag: Histogram<'transport'>;

  constructor(registry: Registry, stats?: () => Promise<SubscriptionStats>) {
    const registers = [registry];
    this.delivered = new Counter({
      name: 'app_api_events_delivered_total',
      help: 'Events acknowledged by their receiver, by transport',
      labelNames: ['transport'],
      registers,
    });
    this.batchesFailed = new Counter({
      name: 'app_api_events_batches_failed_total',
      help: 'Batch deliveries that failed (a webhook POST not answered 2xx, a WebSocket batch not acknowledged in time), by transport',
      labelNames: ['transport'],
      registers,
    });
    this.batchesRetried = new Counter({
      name: 'app_api_events_batches_retried_total',
      help: 'Batches sent again after a failed attempt (a webhook POST retried, a WebSocket batch sent again unacknowledged), by transport',
      labelNames: ['transport'],
      registers,
    });
    this.parked = new Counter({
      name: 'app_api_events_subscriptions_parked_total',
      help: 'Subscriptions parked, by reason (WEBHOOK_FAILED, WEBHOOK_ADDRESS_REFUSED)',
      labelNames: ['reason'],
      registers,
    });
    this.paused = new Counter({
      name: 'app_api_events_subscriptions_paused_total',
      help: 'Subscriptions paused by delivery, by reason (ACK_TIMEOUT, OWNER_DISABLED)',
      labelNames: ['reason'],
      registers,
    });
    this.lag = new Histogram({
      name: 'app_api_events_delivery_lag_seconds',
      help: 'From an event’s transaction timestamp to the acknowledgement of its batch, by transport',
      labelNames: ['transport'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 1800, 3600, 86_400],
      registers,
    });
    if (!stats) return;
    // One query serves both gauges: it runs at most once per scrape.
    let pending: Promise<SubscriptionStats | undefined> | undefined;
    const read = () => {
      pending ??= stats()
        .catch(() => undefined)
        .finally(() => setImmediate(() => (pending = undefined)));
      return pending;
    };
    new Gauge({
      name: 'app_api_events_subscriptions',
      help: 'Event subscriptions, by state',
      labelNames: ['state'],
      registers,
      async collect() {
        const current = await read();
        if (!current) return;
        for (const state of STATES) this.set({ state }, current.states[state] ?? 0);
      },
    });
    new Gauge({
      name: 'app_api_events_checkpoint_block',
      help: 'The lowest and highest checkpoint block of the active subscriptions, per channel',
      labelNames: ['channel', 'stat'],
      registers,
      async collect() {
        const current = await read();
        if (!current) return;
        this.reset();
        for (const { channel, lowest, highest } of current.checkpoints) {
          this.set({ channel, stat: 'lowest' }, lowest);
          this.set({ channel, stat: 'highest' }, highest);
        }
      },
    });
  }

  /** A batch was acknowledged: its events count as delivered, each with its lag. */
  acknowledged(transport: Delivery, events: readonly StreamEvent[], now = Date.now()): void {
    if (events.length === 0) return;
    this.delivered.inc({ transport }, events.length);
    for (const event of events) {
      if (event.timestamp) {
        this.lag.observe({ transport }, Math.max(0, now - Date.parse(event.timestamp)) / 1000);
      }
    }
  }
}
