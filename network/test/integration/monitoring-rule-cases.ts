// SPDX-License-Identifier: Apache-2.0
/**
 * promtool unit tests (`promtool test rules`) for the Fabric, services, process and exporter
 * alerts: each fires on the series it watches once its for: time has passed, and stays quiet
 * before. The event stream alerts' tests are in monitoring-promtool.test.ts.
 */

/** An alert promtool expects: its labels and both annotations. */
export function expected(
  labels: Record<string, string>,
  summary: string,
  description: string,
): unknown {
  return { exp_labels: labels, exp_annotations: { summary, description } };
}

/** Quiet at `quiet`, firing with `alerts` at `firing`. */
function quietThenFiring(
  alertname: string,
  quiet: string,
  firing: string,
  alerts: unknown[],
): unknown[] {
  return [
    { eval_time: quiet, alertname, exp_alerts: [] },
    { eval_time: firing, alertname, exp_alerts: alerts },
  ];
}

/**
 * A peer stopped at minute 3 (its height's series ends with a staleness marker, as a failed
 * scrape leaves it) while the channel keeps growing: more than 5 blocks behind from minute 8,
 * firing from minute 13. The same for a datasync stopped at minute 3: its last mirrored block
 * against the chain, more than 10 blocks behind from minute 13, firing from minute 18.
 */
export const stoppedProcessRuleTest = {
  interval: '1m',
  input_series: [
    {
      series: 'ledger_blockchain_height{channel="stopped",job="fabric-peer",node="peer0.org1"}',
      values: '10+1x30',
    },
    {
      series: 'ledger_blockchain_height{channel="stopped",job="fabric-peer",node="peer1.org2"}',
      values: '10 11 12 stale',
    },
    { series: 'datasync_synced_block{channel="stopped"}', values: '9 10 11 stale' },
    // datasync's own lag on another channel
    { series: 'datasync_lag_blocks{channel="consortium"}', values: '0 0 20x30' },
  ],
  alert_rule_test: [
    ...quietThenFiring('ConsortiaPeerBehindChannel', '11m', '15m', [
      expected(
        { severity: 'warning', channel: 'stopped', job: 'fabric-peer', node: 'peer1.org2' },
        'peer1.org2 is behind on channel stopped',
        "peer1.org2 trails the channel's highest block height by 13 blocks (more than 5) for 5 minutes.",
      ),
    ]),
    {
      eval_time: '15m',
      alertname: 'ConsortiaMirrorLagging',
      exp_alerts: [
        expected(
          { severity: 'warning', channel: 'consortium' },
          'The ledger mirror trails consortium',
          "datasync's mirror is 20 blocks behind the chain (more than 10) for 5 minutes.",
        ),
      ],
    },
    {
      eval_time: '20m',
      alertname: 'ConsortiaMirrorLagging',
      exp_alerts: [
        expected(
          { severity: 'warning', channel: 'consortium' },
          'The ledger mirror trails consortium',
          "datasync's mirror is 20 blocks behind the chain (more than 10) for 5 minutes.",
        ),
        expected(
          { severity: 'warning', channel: 'stopped' },
          'The ledger mirror trails stopped',
          "datasync's mirror is 18 blocks behind the chain (more than 10) for 5 minutes.",
        ),
      ],
    },
  ],
};

/**
 * No block for minutes while 3 requests wait; a fifth of the DAPP's submissions failing; a
 * tenth of the committed transactions invalidated by read conflicts; a dead letter; a Kafka
 * partition under-replicated; a process not ready.
 */
export const fabricAndServicesRuleTest = {
  interval: '1m',
  input_series: [
    { series: 'ledger_blockchain_height{channel="consortium",node="peer0.org1"}', values: '50x30' },
    { series: 'dapp_queue_depth{state="queued"}', values: '0 0 3x30' },
    {
      series: 'dapp_fabric_call_duration_seconds_count{operation="submit",outcome="failed"}',
      values: '0+2x30',
    },
    {
      series: 'dapp_fabric_call_duration_seconds_count{operation="submit",outcome="committed"}',
      values: '0+8x30',
    },
    {
      series: 'ledger_transaction_count{channel="consortium",validation_code="MVCC_READ_CONFLICT"}',
      values: '0+1x30',
    },
    {
      series: 'ledger_transaction_count{channel="consortium",validation_code="VALID"}',
      values: '0+9x30',
    },
    { series: 'consortia_kafka_topic_messages{topic="dapp.tx.dlq"}', values: '0 0 2x30' },
    { series: 'consortia_kafka_under_replicated_partitions{topic="dapp.tx"}', values: '0 0 1x30' },
    { series: 'consortia_process_ready{process="datasync"}', values: '1 0x30' },
    { series: 'consortia_process_ready{process="peer0.org1"}', values: '1x30' },
  ],
  alert_rule_test: [
    // queued from minute 2 with a flat height: pending for 5 minutes
    ...quietThenFiring('ConsortiaNoBlocksWhileRequestsQueued', '6m', '8m', [
      expected(
        { severity: 'critical' },
        'No new block while DAPP requests wait',
        '3 DAPP requests are queued or in flight, and no node has cut a block for 10 minutes: ordering or the peers are stuck.',
      ),
    ]),
    ...quietThenFiring('ConsortiaEndorsementFailuresRising', '8m', '15m', [
      expected(
        { severity: 'warning' },
        'More than 10% of DAPP submissions fail',
        '20% of the transactions the DAPP submitted failed (endorsement, ordering or validation) over 5 minutes.',
      ),
    ]),
    ...quietThenFiring('ConsortiaMvccConflictsRising', '8m', '15m', [
      expected(
        { severity: 'warning', channel: 'consortium' },
        'Read conflicts on consortium',
        '10% of the transactions committed on consortium were invalidated by MVCC or phantom read conflicts.',
      ),
    ]),
    // no for: time: a dead letter is reported at once
    ...quietThenFiring('ConsortiaDappDeadLetters', '1m', '2m', [
      expected(
        { severity: 'warning' },
        "The DAPP's dead-letter topic is not empty",
        'Requests the DAPP could not process were sent to dapp.tx.dlq; look at them and replay or discard each.',
      ),
    ]),
    ...quietThenFiring('ConsortiaKafkaUnderReplicatedPartitions', '6m', '7m', [
      expected(
        { severity: 'warning', topic: 'dapp.tx' },
        'Kafka topic dapp.tx has under-replicated partitions',
        '1 partitions of dapp.tx have fewer in-sync replicas than replicas.',
      ),
    ]),
    ...quietThenFiring('ConsortiaProcessNotReady', '2m', '3m', [
      expected(
        { severity: 'critical', process: 'datasync' },
        'datasync is not ready',
        "datasync's readiness check fails: it runs but cannot serve (a dependency does not answer).",
      ),
    ]),
  ],
};

function certificate(kind: string, org: string, subject: string, days: number): unknown {
  return {
    series: `consortia_certificate_expiry_timestamp_seconds{kind="${kind}",usage="sign",org="${org}",subject="${subject}"}`,
    values: `${days * 86400}x90`,
  };
}

function expiring(kind: string, org: string, subject: string): unknown {
  return expected(
    { severity: 'warning', kind, usage: 'sign', org, subject },
    `Certificate ${subject} expires soon`,
    `The ${kind} certificate ${subject} (${org}) expires within 30 days.`,
  );
}

/** The soonest user certificate one DAPP replica signs with. */
function userCertificate(instance: string, org: string, user: string, days: number): unknown {
  return {
    series: `dapp_user_certificate_earliest_expiry_timestamp_seconds{job="dapp",instance="${instance}",org="${org}",subject="${user}"}`,
    values: `${days * 86400}x90`,
  };
}

/**
 * Certificates of every kind, as the exporter reports them (promtool's clock starts at 0): a
 * CA's, a user's and an orderer's expiring within 30 days fire after the rule's hour; a peer's
 * expiring in 100 days does not. The DAPP's users too: the soonest user certificate of Org1MSP,
 * reported by two replicas, fires once as a user certificate; Org2MSP's, in 60 days, does not.
 */
export const certificateRuleTest = {
  interval: '1m',
  input_series: [
    certificate('ca', 'org1.example.com', 'ca.org1.example.com', 20),
    certificate('user', 'org1.example.com', 'User1@org1.example.com', 25),
    certificate('orderer', 'example.com', 'orderer0.example.com', 29),
    certificate('peer', 'org2.example.com', 'peer0.org2.example.com', 100),
    userCertificate('dapp-0:8080', 'Org1MSP', 'alice', 12),
    userCertificate('dapp-1:8080', 'Org1MSP', 'alice', 12),
    userCertificate('dapp-2:8080', 'Org2MSP', 'bob', 60),
  ],
  alert_rule_test: quietThenFiring('ConsortiaCertificateExpiring', '50m', '70m', [
    expiring('ca', 'org1.example.com', 'ca.org1.example.com'),
    expiring('orderer', 'example.com', 'orderer0.example.com'),
    expiring('user', 'org1.example.com', 'User1@org1.example.com'),
    expiring('user', 'Org1MSP', 'alice'),
  ]),
};
