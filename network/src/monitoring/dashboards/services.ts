// SPDX-License-Identifier: Apache-2.0
import type { DashboardSpec, PanelSpec } from './grafana';

const RATE = '$__rate_interval';

/** Request rate, error rates and latency, read the same way from every service's HTTP metrics. */
function httpPanels(prefix: string): PanelSpec[] {
  return [
    {
      title: 'Requests by status',
      unit: 'reqps',
      queries: [
        {
          expr: `sum by (status) (rate(${prefix}_http_requests_total[${RATE}]))`,
          legend: '{{status}}',
        },
      ],
    },
    {
      title: '4xx and 5xx answers',
      unit: 'reqps',
      queries: [
        {
          expr: `sum(rate(${prefix}_http_requests_total{status=~"4.."}[${RATE}])) or vector(0)`,
          legend: '4xx',
        },
        {
          expr: `sum(rate(${prefix}_http_requests_total{status=~"5.."}[${RATE}])) or vector(0)`,
          legend: '5xx',
        },
      ],
    },
    {
      title: 'Latency by route (p95)',
      unit: 's',
      queries: [
        {
          expr: `histogram_quantile(0.95, sum by (le, route) (rate(${prefix}_http_request_duration_seconds_bucket[${RATE}])))`,
          legend: '{{route}}',
        },
      ],
    },
    {
      title: 'Resident memory',
      unit: 'bytes',
      queries: [{ expr: `${prefix}_process_resident_memory_bytes`, legend: '{{instance}}' }],
    },
  ];
}

export const dappDashboard: DashboardSpec = {
  uid: 'consortia-dapp',
  title: 'Consortia / DAPP',
  description: 'Requests by state, sync and async latency, the queue and its dead letters',
  panels: [
    {
      title: 'Unfinished requests by state',
      queries: [{ expr: 'sum by (status) (dapp_requests_unfinished)', legend: '{{status}}' }],
    },
    {
      title: 'Stuck requests by state',
      queries: [{ expr: 'sum by (status) (dapp_requests_stuck)', legend: '{{status}}' }],
    },
    {
      title: 'Finished requests by mode and status',
      unit: 'ops',
      queries: [
        {
          expr: `sum by (mode, status) (rate(dapp_request_outcomes_total[${RATE}]))`,
          legend: '{{mode}} {{status}}',
        },
      ],
    },
    {
      title: 'Fabric call latency (p50, p95)',
      description:
        'submit: endorse, order and commit, for sync calls and queue workers alike; evaluate: queries',
      unit: 's',
      queries: [
        {
          expr: `histogram_quantile(0.5, sum by (le, operation) (rate(dapp_fabric_call_duration_seconds_bucket[${RATE}])))`,
          legend: '{{operation}} p50',
        },
        {
          expr: `histogram_quantile(0.95, sum by (le, operation) (rate(dapp_fabric_call_duration_seconds_bucket[${RATE}])))`,
          legend: '{{operation}} p95',
        },
      ],
    },
    {
      title: 'Queue depth and workers busy',
      queries: [
        { expr: 'sum(dapp_queue_depth)', legend: 'queue depth' },
        { expr: 'sum(dapp_worker_in_flight)', legend: 'in flight' },
      ],
    },
    {
      title: 'Dead-lettered requests',
      queries: [
        { expr: 'sum(dapp_dead_lettered_total)', legend: 'sent to the dead-letter topic' },
        {
          expr: 'sum(consortia_kafka_topic_messages{topic="dapp.tx.dlq"}) or vector(0)',
          legend: 'retained in the topic',
        },
      ],
    },
    ...httpPanels('dapp'),
  ],
};

export const datasyncDashboard: DashboardSpec = {
  uid: 'consortia-datasync',
  title: 'Consortia / datasync',
  description: 'The ledger mirror: lag, blocks per second, the outbox',
  panels: [
    {
      title: 'Lag (blocks)',
      queries: [{ expr: 'max by (channel) (datasync_lag_blocks)', legend: '{{channel}}' }],
    },
    {
      title: 'Lag (seconds)',
      unit: 's',
      queries: [{ expr: 'max by (channel) (datasync_lag_seconds)', legend: '{{channel}}' }],
    },
    {
      title: 'Blocks per second',
      queries: [
        { expr: 'max by (channel) (datasync_blocks_per_second)', legend: '{{channel}}' },
        {
          expr: `sum by (channel) (rate(datasync_blocks_applied_total[${RATE}]))`,
          legend: '{{channel}} applied',
        },
      ],
    },
    {
      title: 'Chain height and mirrored block',
      queries: [
        { expr: 'max by (channel) (datasync_chain_height)', legend: '{{channel}} chain' },
        { expr: 'max by (channel) (datasync_synced_block)', legend: '{{channel}} mirrored' },
      ],
    },
    {
      title: 'Transactions applied',
      unit: 'ops',
      queries: [
        {
          expr: `sum by (channel) (rate(datasync_transactions_applied_total[${RATE}]))`,
          legend: '{{channel}}',
        },
      ],
    },
    {
      title: 'Outbox pending and published',
      queries: [
        { expr: 'sum(datasync_outbox_pending)', legend: 'pending' },
        { expr: `sum(rate(datasync_outbox_published_total[${RATE}]))`, legend: 'published/s' },
      ],
    },
    ...httpPanels('datasync'),
  ],
};

export const appApiDashboard: DashboardSpec = {
  uid: 'consortia-app-api',
  title: 'Consortia / app-api',
  description: 'Request rates, 4xx and 5xx, authentication failures, the DAPP and the mirror',
  panels: [
    ...httpPanels('app_api'),
    {
      title: 'Logins by outcome',
      unit: 'ops',
      queries: [
        {
          expr: `sum by (outcome) (rate(app_api_logins_total[${RATE}]))`,
          legend: '{{outcome}}',
        },
      ],
    },
    {
      title: 'Requests denied by reason',
      unit: 'ops',
      queries: [
        {
          expr: `sum by (reason) (rate(app_api_denied_requests_total[${RATE}]))`,
          legend: '{{reason}}',
        },
      ],
    },
    {
      title: 'Mirror block seen by the app-api',
      queries: [{ expr: 'max(app_api_mirror_synced_block)', legend: 'mirrored block' }],
    },
    {
      title: 'Audit trail write failures',
      queries: [{ expr: 'sum(app_api_audit_write_failures_total)', legend: 'failures' }],
    },
  ],
};
