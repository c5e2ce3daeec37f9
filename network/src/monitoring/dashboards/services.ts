// SPDX-License-Identifier: Apache-2.0
import { eventStreamPanels } from './event-streams';
import type { DashboardSpec, PanelSpec, VariableSpec } from './grafana';
import { by, panel, quantileBy, RATE, rateBy } from './panels';

/**
 * The instances chosen in a service dashboard's variable: each organization runs its own DAPP
 * and datasync, told apart by their scrape address.
 */
const INSTANCE = 'instance=~"$instance"';

function instanceVariable(metric: string): VariableSpec {
  return { name: 'instance', label: 'Instance', metric, labelName: 'instance' };
}

/**
 * Request rate, error rates and latency, read the same way from every service's HTTP metrics,
 * of the instances `matcher` chooses (all when empty).
 */
function httpPanels(prefix: string, matcher = ''): PanelSpec[] {
  const select = (...more: string[]) => {
    const all = [matcher, ...more].filter(Boolean);
    return all.length > 0 ? `{${all.join(', ')}}` : '';
  };
  const requests = `${prefix}_http_requests_total`;
  const answers = (digit: string) => ({
    expr: `sum(rate(${requests}${select(`status=~"${digit}.."`)}[${RATE}])) or vector(0)`,
    legend: `${digit}xx`,
  });
  return [
    panel('Requests by status', rateBy(`${requests}${select()}`, ['status']), { unit: 'reqps' }),
    panel('4xx and 5xx answers', [answers('4'), answers('5')], { unit: 'reqps' }),
    panel(
      'Latency by route (p95)',
      quantileBy(0.95, `${prefix}_http_request_duration_seconds_bucket${select()}`, ['route']),
      { unit: 's' },
    ),
    panel(
      'Resident memory',
      { expr: `${prefix}_process_resident_memory_bytes${select()}`, legend: '{{instance}}' },
      { unit: 'bytes' },
    ),
  ];
}

/** A histogram's p50 and p95 by one label, in seconds. */
function latencyPanel(title: string, bucket: string, label: string, description: string) {
  return panel(
    title,
    [quantileBy(0.5, bucket, [label], 'p50'), quantileBy(0.95, bucket, [label], 'p95')],
    { description, unit: 's' },
  );
}

export const dappDashboard: DashboardSpec = {
  uid: 'consortia-dapp',
  title: 'Consortia / DAPP',
  description: 'Requests by state, sync and async latency, the queue and its dead letters',
  variables: [instanceVariable('dapp_queue_depth')],
  panels: [
    panel(
      'Unfinished requests by state',
      by('sum', `dapp_requests_unfinished{${INSTANCE}}`, ['status']),
    ),
    panel('Stuck requests by state', by('sum', `dapp_requests_stuck{${INSTANCE}}`, ['status'])),
    panel(
      'Finished requests by mode and status',
      rateBy(`dapp_request_outcomes_total{${INSTANCE}}`, ['mode', 'status']),
      { unit: 'ops' },
    ),
    latencyPanel(
      'Request latency by mode (p50, p95)',
      `dapp_request_duration_seconds_bucket{${INSTANCE}}`,
      'mode',
      'From acceptance to the outcome: sync requests while the caller waits, async ones including their time in the queue',
    ),
    latencyPanel(
      'Fabric call latency (p50, p95)',
      `dapp_fabric_call_duration_seconds_bucket{${INSTANCE}}`,
      'operation',
      'submit: endorse, order and commit, for sync calls and queue workers alike; evaluate: queries',
    ),
    panel('Queue depth and workers busy', [
      { expr: `sum(dapp_queue_depth{${INSTANCE}})`, legend: 'queue depth' },
      { expr: `sum(dapp_worker_in_flight{${INSTANCE}})`, legend: 'in flight' },
    ]),
    panel('Dead-lettered requests', [
      {
        expr: `sum(dapp_dead_lettered_total{${INSTANCE}})`,
        legend: 'sent to the dead-letter topic',
      },
      {
        expr: 'sum(consortia_kafka_topic_messages{topic="dapp.tx.dlq"}) or vector(0)',
        legend: 'retained in the topic',
      },
    ]),
    ...httpPanels('dapp', INSTANCE),
  ],
};

export const datasyncDashboard: DashboardSpec = {
  uid: 'consortia-datasync',
  title: 'Consortia / datasync',
  description: 'The ledger mirror: lag, blocks per second, the outbox',
  variables: [instanceVariable('datasync_synced_block')],
  panels: [
    panel('Lag (blocks)', by('max', `datasync_lag_blocks{${INSTANCE}}`, ['channel'])),
    panel('Lag (seconds)', by('max', `datasync_lag_seconds{${INSTANCE}}`, ['channel']), {
      unit: 's',
    }),
    panel('Blocks per second', [
      by('max', `datasync_blocks_per_second{${INSTANCE}}`, ['channel']),
      rateBy(`datasync_blocks_applied_total{${INSTANCE}}`, ['channel'], 'applied'),
    ]),
    panel('Chain height and mirrored block', [
      by('max', `datasync_chain_height{${INSTANCE}}`, ['channel'], 'chain'),
      by('max', `datasync_synced_block{${INSTANCE}}`, ['channel'], 'mirrored'),
    ]),
    panel(
      'Transactions applied',
      rateBy(`datasync_transactions_applied_total{${INSTANCE}}`, ['channel']),
      {
        unit: 'ops',
      },
    ),
    panel('Outbox pending and published', [
      { expr: `sum(datasync_outbox_pending{${INSTANCE}})`, legend: 'pending' },
      {
        expr: `sum(rate(datasync_outbox_published_total{${INSTANCE}}[${RATE}]))`,
        legend: 'published/s',
      },
    ]),
    ...httpPanels('datasync', INSTANCE),
  ],
};

export const appApiDashboard: DashboardSpec = {
  uid: 'consortia-app-api',
  title: 'Consortia / app-api',
  description:
    'Request rates, 4xx and 5xx, authentication failures, the DAPP and the mirror, event streams',
  panels: [
    ...httpPanels('app_api'),
    panel('Logins by outcome', rateBy('app_api_logins_total', ['outcome']), { unit: 'ops' }),
    panel('Requests denied by reason', rateBy('app_api_denied_requests_total', ['reason']), {
      unit: 'ops',
    }),
    panel('Mirror block seen by the app-api', {
      expr: 'max(app_api_mirror_synced_block)',
      legend: 'mirrored block',
    }),
    panel('Audit trail write failures', {
      expr: 'sum(app_api_audit_write_failures_total)',
      legend: 'failures',
    }),
    ...eventStreamPanels,
  ],
};
