// SPDX-License-Identifier: Apache-2.0
import type { DashboardSpec } from './grafana';

/** Rates over this window; Grafana's $__rate_interval adapts it to the scrape interval. */
const RATE = '$__rate_interval';

export const overviewDashboard: DashboardSpec = {
  uid: 'consortia-overview',
  title: 'Consortia / Consortium overview',
  description: 'Every process, the channel heights, transaction flow and the services at a glance',
  panels: [
    {
      title: 'Processes up',
      kind: 'stat',
      queries: [{ expr: 'sum(up)', legend: 'up' }],
    },
    {
      title: 'Processes down',
      kind: 'stat',
      queries: [{ expr: 'count(up == 0) or vector(0)', legend: 'down' }],
    },
    {
      title: 'DAPP requests waiting',
      kind: 'stat',
      queries: [{ expr: 'sum(dapp_queue_depth)', legend: 'queued' }],
    },
    {
      title: 'Soonest certificate expiry',
      kind: 'stat',
      unit: 's',
      queries: [
        { expr: 'min(consortia_certificate_expiry_timestamp_seconds) - time()', legend: 'left' },
      ],
    },
    {
      title: 'Channel height',
      queries: [{ expr: 'max by (channel) (ledger_blockchain_height)', legend: '{{channel}}' }],
    },
    {
      title: 'Transactions committed by validation code',
      unit: 'ops',
      queries: [
        {
          expr: `sum by (validation_code) (rate(ledger_transaction_count[${RATE}]))`,
          legend: '{{validation_code}}',
        },
      ],
    },
    {
      title: 'Ledger mirror lag',
      queries: [{ expr: 'max by (channel) (datasync_lag_blocks)', legend: '{{channel}}' }],
    },
    {
      title: 'HTTP requests by service',
      unit: 'reqps',
      queries: [
        { expr: `sum(rate(dapp_http_requests_total[${RATE}]))`, legend: 'dapp' },
        { expr: `sum(rate(app_api_http_requests_total[${RATE}]))`, legend: 'app-api' },
        { expr: `sum(rate(explorer_http_requests_total[${RATE}]))`, legend: 'explorer' },
        { expr: `sum(rate(datasync_http_requests_total[${RATE}]))`, legend: 'datasync' },
      ],
    },
    {
      title: 'Process readiness',
      queries: [{ expr: 'consortia_process_ready', legend: '{{process}}' }],
    },
    {
      title: 'Scrape targets up',
      queries: [{ expr: 'up', legend: '{{job}} {{instance}}' }],
    },
  ],
};

export const peersDashboard: DashboardSpec = {
  uid: 'consortia-peers',
  title: 'Consortia / Peers and chaincode',
  description: "Each organization's peers: ledger, endorsement, gossip and chaincode",
  variables: [
    { name: 'org', label: 'Organization', metric: 'endorser_proposals_received', labelName: 'org' },
  ],
  panels: [
    {
      title: 'Block height by peer',
      queries: [
        {
          expr: 'max by (node, channel) (ledger_blockchain_height{org=~"$org"})',
          legend: '{{node}} {{channel}}',
        },
      ],
    },
    {
      title: 'Blocks behind the channel',
      queries: [
        {
          expr: 'max by (channel) (ledger_blockchain_height) - on (channel) group_right () ledger_blockchain_height{org=~"$org"}',
          legend: '{{node}}',
        },
      ],
    },
    {
      title: 'Proposals received and endorsed',
      unit: 'ops',
      queries: [
        {
          expr: `sum by (node) (rate(endorser_proposals_received{org=~"$org"}[${RATE}]))`,
          legend: '{{node}} received',
        },
        {
          expr: `sum by (node) (rate(endorser_successful_proposals{org=~"$org"}[${RATE}]))`,
          legend: '{{node}} endorsed',
        },
      ],
    },
    {
      title: 'Proposal latency (p95)',
      unit: 's',
      queries: [
        {
          expr: `histogram_quantile(0.95, sum by (le, node) (rate(endorser_proposal_duration_bucket{org=~"$org"}[${RATE}])))`,
          legend: '{{node}}',
        },
      ],
    },
    {
      title: 'Block commit time (p95)',
      unit: 's',
      queries: [
        {
          expr: `histogram_quantile(0.95, sum by (le, node) (rate(ledger_block_processing_time_bucket{org=~"$org"}[${RATE}])))`,
          legend: '{{node}}',
        },
      ],
    },
    {
      title: 'Transactions by validation code',
      unit: 'ops',
      queries: [
        {
          expr: `sum by (node, validation_code) (rate(ledger_transaction_count{org=~"$org"}[${RATE}]))`,
          legend: '{{node}} {{validation_code}}',
        },
      ],
    },
    {
      title: 'Chaincode launches and failures',
      queries: [
        {
          expr: 'sum by (node) (chaincode_launch_duration_count{org=~"$org"})',
          legend: '{{node}} launches',
        },
        {
          expr: 'sum by (node) (chaincode_launch_failures{org=~"$org"})',
          legend: '{{node}} failures',
        },
      ],
    },
    {
      title: 'Gossip: peers known and leaders',
      queries: [
        {
          expr: 'max by (node) (gossip_membership_total_peers_known{org=~"$org"})',
          legend: '{{node}} peers known',
        },
        {
          expr: 'max by (node) (gossip_leader_election_leader{org=~"$org"})',
          legend: '{{node}} leader',
        },
      ],
    },
  ],
};

export const orderingDashboard: DashboardSpec = {
  uid: 'consortia-ordering',
  title: 'Consortia / Ordering service and Kafka',
  description: 'The orderers, their Kafka producers and the Kafka cluster',
  panels: [
    {
      title: 'Orderer chain height',
      queries: [
        {
          expr: 'max by (node, channel) (ledger_blockchain_height{job="fabric-orderer"})',
          legend: '{{node}} {{channel}}',
        },
      ],
    },
    {
      title: 'Deliver streams opened',
      unit: 'ops',
      queries: [
        {
          expr: `sum by (node) (rate(deliver_streams_opened[${RATE}]))`,
          legend: '{{node}}',
        },
      ],
    },
    {
      title: 'Kafka request latency (orderer producer)',
      unit: 'ms',
      queries: [
        {
          expr: 'max by (node, broker_id) (consensus_kafka_request_latency)',
          legend: '{{node}} broker {{broker_id}}',
        },
      ],
    },
    {
      title: 'Kafka bytes out and in (orderer)',
      unit: 'Bps',
      queries: [
        {
          expr: 'sum by (node) (consensus_kafka_outgoing_byte_rate)',
          legend: '{{node}} out',
        },
        {
          expr: 'sum by (node) (consensus_kafka_incoming_byte_rate)',
          legend: '{{node}} in',
        },
      ],
    },
    {
      title: 'Last Kafka offset persisted',
      queries: [
        {
          expr: 'max by (channel) (consensus_kafka_last_offset_persisted)',
          legend: '{{channel}}',
        },
      ],
    },
    {
      title: 'Kafka brokers and under-replicated partitions',
      queries: [
        { expr: 'max(consortia_kafka_brokers)', legend: 'brokers' },
        { expr: 'sum(consortia_kafka_under_replicated_partitions)', legend: 'under-replicated' },
      ],
    },
    {
      title: 'Kafka messages retained by topic',
      queries: [{ expr: 'sum by (topic) (consortia_kafka_topic_messages)', legend: '{{topic}}' }],
    },
  ],
};
