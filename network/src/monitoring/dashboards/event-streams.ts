// SPDX-License-Identifier: Apache-2.0
// The app-api's event streams (chaincode events over WebSockets and webhooks), as a row of the
// app-api dashboard.
import type { PanelSpec } from './grafana';
import { by, panel, quantileBy, RATE, rateBy, row } from './panels';

const lagBuckets = 'app_api_events_delivery_lag_seconds_bucket';

export const eventStreamPanels: PanelSpec[] = [
  row('Event streams'),
  panel('Events delivered by transport', rateBy('app_api_events_delivered_total', ['transport']), {
    description: 'Events acknowledged by their receiver (a webhook 2xx, a WebSocket ack)',
    unit: 'ops',
  }),
  panel(
    'Failed and retried batches',
    [
      rateBy('app_api_events_batches_failed_total', ['transport'], 'failed'),
      rateBy('app_api_events_batches_retried_total', ['transport'], 'retried'),
    ],
    {
      description:
        'Webhook batches are retried with backoff, and the subscription parked once they keep failing',
    },
  ),
  panel(
    'Delivery lag (p50, p95)',
    [
      quantileBy(0.5, lagBuckets, ['transport'], 'p50'),
      quantileBy(0.95, lagBuckets, ['transport'], 'p95'),
    ],
    { description: "From the event's transaction to its batch's acknowledgement", unit: 's' },
  ),
  panel('Subscriptions by state', by('max', 'app_api_events_subscriptions', ['state'])),
  panel(
    'Subscriptions parked',
    [
      {
        expr: `sum by (reason) (increase(app_api_events_subscriptions_parked_total[${RATE}]))`,
        legend: '{{reason}} parked',
      },
      { expr: 'max(app_api_events_subscriptions{state="parked"})', legend: 'parked now' },
    ],
    { description: 'Parked subscriptions wait for their owner to fix the receiver and resume' },
  ),
  panel(
    'Checkpoint lag behind the mirror (blocks)',
    [
      {
        expr: 'max by (channel) (datasync_synced_block) - on (channel) min by (channel) (app_api_events_checkpoint_block{stat="lowest"})',
        legend: '{{channel}} lowest checkpoint',
      },
      {
        expr: 'max by (channel) (datasync_synced_block) - on (channel) max by (channel) (app_api_events_checkpoint_block{stat="highest"})',
        legend: '{{channel}} highest checkpoint',
      },
    ],
    {
      description:
        "Active subscriptions' checkpoints against datasync's last mirrored block; a checkpoint moves only when a batch is acknowledged, so a subscription whose filter rarely matches stays behind while idle",
    },
  ),
];
