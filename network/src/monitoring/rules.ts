// SPDX-License-Identifier: Apache-2.0
/**
 * The alert rules shipped for a consortium, as one Prometheus rules file (`consortia monitoring
 * rules`, and the charts' PrometheusRule). Every expression reads only metrics the processes
 * export: Fabric's operations endpoints, the services' /metrics and the Consortia exporter.
 */
export interface AlertRule {
  alert: string;
  expr: string;
  for: string;
  labels: { severity: 'warning' | 'critical' };
  annotations: { summary: string; description: string };
}

export interface RuleGroup {
  name: string;
  rules: AlertRule[];
}

/** Thresholds an operator may want to change; the defaults suit a small consortium. */
export interface RuleThresholds {
  /** Blocks a peer may trail its channel's highest height by. */
  peerLagBlocks: number;
  /** Blocks the ledger mirror may trail the chain by. */
  mirrorLagBlocks: number;
  /** Days before a certificate's expiry at which it is reported. */
  certificateDays: number;
  /** The DAPP's dead-letter topic. */
  deadLetterTopic: string;
  /** Seconds from a transaction to its event's acknowledgement (p95) before it is reported. */
  eventLagSeconds: number;
  /** Blocks the lowest active event subscription's checkpoint may trail the mirror by. */
  eventCheckpointLagBlocks: number;
  /**
   * How long a stopped peer's last height, or a stopped datasync's last mirrored block, still
   * counts in the lag alerts (a peer removed for good stops being reported after it).
   */
  staleWindow: string;
}

/** The DAPP's soonest user certificate expiry (dapp/src/user-certificate-metrics.ts). */
const USER_CERTIFICATES = 'dapp_user_certificate_earliest_expiry_timestamp_seconds';

export const DEFAULT_THRESHOLDS: RuleThresholds = {
  peerLagBlocks: 5,
  mirrorLagBlocks: 10,
  certificateDays: 30,
  deadLetterTopic: 'dapp.tx.dlq',
  eventLagSeconds: 60,
  eventCheckpointLagBlocks: 1000,
  staleWindow: '30m',
};

function rule(
  alert: string,
  expr: string,
  duration: string,
  severity: AlertRule['labels']['severity'],
  summary: string,
  description: string,
): AlertRule {
  return {
    alert,
    expr,
    for: duration,
    labels: { severity },
    annotations: { summary, description },
  };
}

export function alertRuleGroups(thresholds: RuleThresholds = DEFAULT_THRESHOLDS): RuleGroup[] {
  const t = thresholds;
  const parked = 'app_api_events_subscriptions_parked_total';
  return [
    {
      name: 'consortia-fabric',
      rules: [
        rule(
          'ConsortiaPeerBehindChannel',
          // a stopped peer counts with the last height it reported (its series go stale at once)
          `(max by (channel) (ledger_blockchain_height) - on (channel) group_right () last_over_time(ledger_blockchain_height[${t.staleWindow}])) > ${t.peerLagBlocks}`,
          '5m',
          'warning',
          '{{ $labels.node }} is behind on channel {{ $labels.channel }}',
          `{{ $labels.node }} trails the channel's highest block height by {{ $value }} blocks (more than ${t.peerLagBlocks}) for 5 minutes.`,
        ),
        rule(
          'ConsortiaNoBlocksWhileRequestsQueued',
          'sum(dapp_queue_depth) > 0 unless max(delta(ledger_blockchain_height[5m])) > 0',
          '5m',
          'critical',
          'No new block while DAPP requests wait',
          '{{ $value }} DAPP requests are queued or in flight, and no node has cut a block for 10 minutes: ordering or the peers are stuck.',
        ),
        rule(
          'ConsortiaEndorsementFailuresRising',
          'sum(rate(dapp_fabric_call_duration_seconds_count{operation="submit", outcome="failed"}[5m])) / sum(rate(dapp_fabric_call_duration_seconds_count{operation="submit"}[5m])) > 0.1',
          '10m',
          'warning',
          'More than 10% of DAPP submissions fail',
          '{{ $value | humanizePercentage }} of the transactions the DAPP submitted failed (endorsement, ordering or validation) over 5 minutes.',
        ),
        rule(
          'ConsortiaMvccConflictsRising',
          'sum by (channel) (rate(ledger_transaction_count{validation_code=~"MVCC_READ_CONFLICT|PHANTOM_READ_CONFLICT"}[5m])) / sum by (channel) (rate(ledger_transaction_count[5m])) > 0.05',
          '10m',
          'warning',
          'Read conflicts on {{ $labels.channel }}',
          '{{ $value | humanizePercentage }} of the transactions committed on {{ $labels.channel }} were invalidated by MVCC or phantom read conflicts.',
        ),
      ],
    },
    {
      name: 'consortia-services',
      rules: [
        rule(
          'ConsortiaMirrorLagging',
          // datasync's own figure, or, while datasync is down, the chain's height against the
          // last block it reported mirrored
          `max by (channel) (datasync_lag_blocks) > ${t.mirrorLagBlocks} or (max by (channel) (ledger_blockchain_height) - 1 - on (channel) max by (channel) (last_over_time(datasync_synced_block[${t.staleWindow}]))) > ${t.mirrorLagBlocks}`,
          '5m',
          'warning',
          'The ledger mirror trails {{ $labels.channel }}',
          `datasync's mirror is {{ $value }} blocks behind the chain (more than ${t.mirrorLagBlocks}) for 5 minutes.`,
        ),
        rule(
          'ConsortiaDappDeadLetters',
          `sum(consortia_kafka_topic_messages{topic="${t.deadLetterTopic}"}) > 0 or sum(increase(dapp_dead_lettered_total[1h])) > 0`,
          '0m',
          'warning',
          "The DAPP's dead-letter topic is not empty",
          `Requests the DAPP could not process were sent to ${t.deadLetterTopic}; look at them and replay or discard each.`,
        ),
        rule(
          'ConsortiaDappRequestsStuck',
          'sum by (status) (dapp_requests_stuck) > 0',
          '5m',
          'warning',
          '{{ $value }} DAPP requests stuck {{ $labels.status }}',
          'Requests stay unfinished past the reconciler stuck time (RECONCILE_STUCK_MS); the reconciler cannot settle them.',
        ),
      ],
    },
    {
      name: 'consortia-processes',
      rules: [
        rule(
          'ConsortiaProcessDown',
          'up == 0',
          '1m',
          'critical',
          '{{ $labels.job }} {{ $labels.instance }} does not answer',
          'Prometheus cannot scrape {{ $labels.instance }} ({{ $labels.job }}): the process is down or unreachable.',
        ),
      ],
    },
    {
      // the app-api's event streams (webhooks and WebSockets); the checkpoint rule reads datasync
      name: 'consortia-event-streams',
      rules: [
        rule(
          'ConsortiaEventSubscriptionsParked',
          // increase() misses the first parking after a start (the counter appears at 1), which
          // the series new within the window catches
          `sum by (reason) (increase(${parked}[10m])) > 0 or sum by (reason) (${parked} unless ${parked} offset 10m)`,
          '0m',
          'warning',
          'Event subscriptions parked ({{ $labels.reason }})',
          '{{ $value | humanize }} event subscriptions were parked in the last 10 minutes ({{ $labels.reason }}): their webhook receiver kept failing or its address is refused. List the parked subscriptions (GET /v1/event-subscriptions), fix the receiver, then resume them.',
        ),
        rule(
          'ConsortiaEventDeliveryLagging',
          `histogram_quantile(0.95, sum by (le, transport) (rate(app_api_events_delivery_lag_seconds_bucket[5m]))) > ${t.eventLagSeconds}`,
          '10m',
          'warning',
          'Chaincode events reach {{ $labels.transport }} receivers late',
          `95% of the events delivered over {{ $labels.transport }} took up to {{ $value | humanizeDuration }} from their transaction to the receiver's acknowledgement (more than ${t.eventLagSeconds} s) for 10 minutes. Check the mirror's lag (datasync), then slow or failing receivers (app_api_events_batches_failed_total).`,
        ),
        rule(
          'ConsortiaEventCheckpointBehind',
          `(max by (channel) (datasync_synced_block) - on (channel) min by (channel) (app_api_events_checkpoint_block{stat="lowest"})) > ${t.eventCheckpointLagBlocks} and on () sum(increase(app_api_events_batches_failed_total[10m])) > 0`,
          '10m',
          'warning',
          'An event subscription on {{ $labels.channel }} falls behind the mirror',
          `The lowest checkpoint of the active event subscriptions on {{ $labels.channel }} is {{ $value }} blocks behind the mirror (more than ${t.eventCheckpointLagBlocks}) while event batches fail: a receiver does not keep up. Find the subscription with the lowest checkpoint (GET /v1/event-subscriptions) and check its receiver.`,
        ),
      ],
    },
    {
      // read from the Consortia exporter (`consortia monitoring exporter`), and the DAPP's users
      name: 'consortia-exporter',
      rules: [
        rule(
          'ConsortiaCertificateExpiring',
          // the network's certificates (exporter), and the soonest of the users' certificates each
          // DAPP signs with, as a user certificate of its MSP (one per org however many replicas)
          `(consortia_certificate_expiry_timestamp_seconds - time()) < ${t.certificateDays} * 86400 or label_replace(label_replace(min by (org, subject) (${USER_CERTIFICATES}) - time(), "kind", "user", "", ""), "usage", "sign", "", "") < ${t.certificateDays} * 86400`,
          '1h',
          'warning',
          'Certificate {{ $labels.subject }} expires soon',
          `The {{ $labels.kind }} certificate {{ $labels.subject }} ({{ $labels.org }}) expires within ${t.certificateDays} days.`,
        ),
        rule(
          'ConsortiaProcessNotReady',
          'consortia_process_ready == 0',
          '2m',
          'critical',
          '{{ $labels.process }} is not ready',
          "{{ $labels.process }}'s readiness check fails: it runs but cannot serve (a dependency does not answer).",
        ),
      ],
    },
    {
      // Kafka's figures, read by the exporter from the brokers' admin API
      name: 'consortia-kafka',
      rules: [
        rule(
          'ConsortiaKafkaUnderReplicatedPartitions',
          'sum by (topic) (consortia_kafka_under_replicated_partitions) > 0',
          '5m',
          'warning',
          'Kafka topic {{ $labels.topic }} has under-replicated partitions',
          '{{ $value }} partitions of {{ $labels.topic }} have fewer in-sync replicas than replicas.',
        ),
      ],
    },
  ];
}

/** The rules file's content, as Prometheus and promtool read it. */
export function rulesFile(
  thresholds?: RuleThresholds,
  only?: readonly string[],
): { groups: RuleGroup[] } {
  const groups = alertRuleGroups(thresholds);
  return { groups: only ? groups.filter((group) => only.includes(group.name)) : groups };
}
