// SPDX-License-Identifier: Apache-2.0
import type { DashboardSpec } from './grafana';
import { by, panel, quantileBy, RATE, rateBy } from './panels';

export const overviewDashboard: DashboardSpec = {
  uid: 'consortia-overview',
  title: 'Consortia / Consortium overview',
  description: 'Every process, the channel heights, transaction flow and the services at a glance',
  panels: [
    panel('Processes up', { expr: 'sum(up)', legend: 'up' }, { kind: 'stat' }),
    panel(
      'Processes down',
      { expr: 'count(up == 0) or vector(0)', legend: 'down' },
      { kind: 'stat' },
    ),
    panel(
      'DAPP requests waiting',
      { expr: 'sum(dapp_queue_depth)', legend: 'queued' },
      { kind: 'stat' },
    ),
    panel(
      'Soonest certificate expiry',
      { expr: 'min(consortia_certificate_expiry_timestamp_seconds) - time()', legend: 'left' },
      { kind: 'stat', unit: 's' },
    ),
    panel('Channel height', by('max', 'ledger_blockchain_height', ['channel'])),
    panel(
      'Transactions committed by validation code',
      rateBy('ledger_transaction_count', ['validation_code']),
      { unit: 'ops' },
    ),
    panel('Ledger mirror lag', by('max', 'datasync_lag_blocks', ['channel'])),
    panel(
      'HTTP requests by service',
      (['dapp', 'app_api', 'explorer', 'datasync'] as const).map((prefix) => ({
        expr: `sum(rate(${prefix}_http_requests_total[${RATE}]))`,
        legend: prefix.replace('_', '-'),
      })),
      { unit: 'reqps' },
    ),
    panel('Process readiness', { expr: 'consortia_process_ready', legend: '{{process}}' }),
    panel('Scrape targets up', { expr: 'up', legend: '{{job}} {{instance}}' }),
  ],
};

/** The orgs and peers chosen in the dashboard's variables. */
const ORG = '{org=~"$org", node=~"$node"}';

export const peersDashboard: DashboardSpec = {
  uid: 'consortia-peers',
  title: 'Consortia / Peers and chaincode',
  description: "Each organization's peers: ledger, endorsement, gossip and chaincode",
  variables: [
    { name: 'org', label: 'Organization', metric: 'endorser_proposals_received', labelName: 'org' },
    {
      name: 'node',
      label: 'Peer',
      metric: 'endorser_proposals_received{org=~"$org"}',
      labelName: 'node',
    },
  ],
  panels: [
    panel('Block height by peer', by('max', `ledger_blockchain_height${ORG}`, ['node', 'channel'])),
    panel('Blocks behind the channel', {
      expr: `max by (channel) (ledger_blockchain_height) - on (channel) group_right () ledger_blockchain_height${ORG}`,
      legend: '{{node}}',
    }),
    panel(
      'Proposals received and endorsed',
      [
        rateBy(`endorser_proposals_received${ORG}`, ['node'], 'received'),
        rateBy(`endorser_successful_proposals${ORG}`, ['node'], 'endorsed'),
      ],
      { unit: 'ops' },
    ),
    panel(
      'Proposal latency (p95)',
      quantileBy(0.95, `endorser_proposal_duration_bucket${ORG}`, ['node']),
      {
        unit: 's',
      },
    ),
    panel(
      'Block commit time (p95)',
      quantileBy(0.95, `ledger_block_processing_time_bucket${ORG}`, ['node']),
      { unit: 's' },
    ),
    panel(
      'Transactions by validation code',
      rateBy(`ledger_transaction_count${ORG}`, ['node', 'validation_code']),
      { unit: 'ops' },
    ),
    panel('Chaincode launches and failures', [
      by('sum', `chaincode_launch_duration_count${ORG}`, ['node'], 'launches'),
      by('sum', `chaincode_launch_failures${ORG}`, ['node'], 'failures'),
    ]),
    panel('Gossip: peers known and leaders', [
      by('max', `gossip_membership_total_peers_known${ORG}`, ['node'], 'peers known'),
      by('max', `gossip_leader_election_leader${ORG}`, ['node'], 'leader'),
    ]),
  ],
};

/** The orderers chosen in the ordering dashboard's variable. */
const ORDERER = '{node=~"$node"}';

export const orderingDashboard: DashboardSpec = {
  uid: 'consortia-ordering',
  title: 'Consortia / Ordering service and Kafka',
  description: 'The orderers, their Kafka producers and the Kafka cluster',
  variables: [
    {
      name: 'node',
      label: 'Orderer',
      metric: 'ledger_blockchain_height{job="fabric-orderer"}',
      labelName: 'node',
    },
  ],
  panels: [
    panel(
      'Orderer chain height',
      by('max', 'ledger_blockchain_height{job="fabric-orderer", node=~"$node"}', [
        'node',
        'channel',
      ]),
    ),
    panel('Deliver streams opened', rateBy(`deliver_streams_opened${ORDERER}`, ['node']), {
      unit: 'ops',
    }),
    panel(
      'Kafka request latency (orderer producer)',
      {
        ...by('max', `consensus_kafka_request_latency${ORDERER}`, ['node', 'broker_id']),
        legend: '{{node}} broker {{broker_id}}',
      },
      { unit: 'ms' },
    ),
    panel(
      'Kafka bytes out and in (orderer)',
      [
        by('sum', `consensus_kafka_outgoing_byte_rate${ORDERER}`, ['node'], 'out'),
        by('sum', `consensus_kafka_incoming_byte_rate${ORDERER}`, ['node'], 'in'),
      ],
      { unit: 'Bps' },
    ),
    panel(
      'Last Kafka offset persisted',
      by('max', `consensus_kafka_last_offset_persisted${ORDERER}`, ['channel']),
    ),
    panel('Kafka brokers and under-replicated partitions', [
      { expr: 'max(consortia_kafka_brokers)', legend: 'brokers' },
      { expr: 'sum(consortia_kafka_under_replicated_partitions)', legend: 'under-replicated' },
    ]),
    panel(
      'Kafka messages retained by topic',
      by('sum', 'consortia_kafka_topic_messages', ['topic']),
    ),
  ],
};
