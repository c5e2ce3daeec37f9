// SPDX-License-Identifier: Apache-2.0
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import { Kafka, logLevel } from 'kafkajs';

import { UserError } from '../errors';
import { kafkaClassPath } from '../install/kafka';
import { runCommand } from '../process/run-command';
import type { PidRecord } from '../process/supervisor';
import { ensureRunning } from '../process/daemon';
import type { KafkaNode } from '../topology/topology';
import { HOST } from '../topology/topology';
import { clientListenerSettings, prepareClientListener } from './client-listener';

/** The largest block a channel may cut; the broker must accept messages at least this big. */
export const ABSOLUTE_MAX_BYTES = 10 * 1024 * 1024;
const BROKER_MAX_BYTES = ABSOLUTE_MAX_BYTES + 2 * 1024 * 1024;
const NODE_ID = 1;

export interface BrokerLocation {
  node: KafkaNode;
  runDir: string;
  logDir: string;
}

/**
 * A single-node KRaft broker with the settings Fabric's Kafka-based ordering requires: no unclean
 * leader election (it would lose ordered blocks), retention without limit (orderers replay a
 * channel's topic from its first offset), and messages at least as large as a channel's block.
 */
export function brokerProperties(node: KafkaNode): string {
  const { clientPort } = node;
  const client =
    clientPort === undefined ? undefined : clientListenerSettings({ ...node, clientPort });
  const settings: Record<string, string | number | boolean> = {
    'process.roles': 'broker,controller',
    'node.id': NODE_ID,
    'controller.quorum.voters': `${NODE_ID}@${HOST}:${node.controllerPort}`,
    listeners: [
      `PLAINTEXT://${HOST}:${node.port}`,
      `CONTROLLER://${HOST}:${node.controllerPort}`,
      ...(client ? [client.listener] : []),
    ].join(','),
    'advertised.listeners': [
      `PLAINTEXT://${HOST}:${node.port}`,
      ...(client ? [client.listener] : []),
    ].join(','),
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': [
      'PLAINTEXT:PLAINTEXT',
      'CONTROLLER:PLAINTEXT',
      ...(client ? [client.protocol] : []),
    ].join(','),
    'log.dirs': path.join(node.dir, 'data'),
    'num.partitions': 1,
    'default.replication.factor': 1,
    'min.insync.replicas': 1,
    'offsets.topic.replication.factor': 1,
    'transaction.state.log.replication.factor': 1,
    'transaction.state.log.min.isr': 1,
    'unclean.leader.election.enable': false,
    'log.retention.ms': -1,
    'log.retention.bytes': -1,
    'message.max.bytes': BROKER_MAX_BYTES,
    'replica.fetch.max.bytes': BROKER_MAX_BYTES,
    'auto.create.topics.enable': true,
    'group.initial.rebalance.delay.ms': 0,
    ...client?.settings,
  };
  return `${Object.entries(settings)
    .map(([key, value]) => `${key}=${value}`)
    .join('\n')}\n`;
}

export const LOG4J_PROPERTIES = `log4j.rootLogger=INFO, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.request.logger=WARN
log4j.logger.org.apache.kafka.clients=WARN
`;

/**
 * Kafka's cluster ids are 16 random bytes in URL-safe base64 without padding. One that starts with
 * "-" would be read as an option by the storage tool, so such ids are drawn again, as Kafka does.
 */
export function newClusterId(random: () => Buffer = () => crypto.randomBytes(16)): string {
  for (;;) {
    const id = random().toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

export function javaArgs(
  home: string,
  node: KafkaNode,
  mainClass: string,
  extra: string[],
): string[] {
  return [
    '-Xms256m',
    '-Xmx1g',
    `-Dlog4j.configuration=file:${path.join(node.dir, 'log4j.properties')}`,
    `-Dkafka.logs.dir=${path.join(node.dir, 'logs')}`,
    '-cp',
    kafkaClassPath(home),
    mainClass,
    ...extra,
  ];
}

/** Writes the broker's configuration and formats its storage, once per state directory. */
export async function prepareBroker(home: string, node: KafkaNode): Promise<void> {
  fs.mkdirSync(node.dir, { recursive: true });
  if (node.clientPort !== undefined) await prepareClientListener(node);
  const properties = path.join(node.dir, 'server.properties');
  const content = brokerProperties(node);
  // rewritten only when it changes: a broker started before a change is restarted (startBroker)
  if (!fs.existsSync(properties) || fs.readFileSync(properties, 'utf8') !== content) {
    fs.writeFileSync(properties, content);
  }
  fs.writeFileSync(path.join(node.dir, 'log4j.properties'), LOG4J_PROPERTIES);
  if (fs.existsSync(path.join(node.dir, 'data', 'meta.properties'))) return;
  const result = await runCommand(
    'java',
    javaArgs(home, node, 'kafka.tools.StorageTool', [
      'format',
      '-t',
      newClusterId(),
      '-c',
      properties,
    ]),
  );
  if (result.code !== 0) {
    throw new UserError(
      `formatting the Kafka broker's storage failed:\n${result.stdout}\n${result.stderr}`.trim(),
      'check that `consortia install kafka` succeeded and that java is version 17 or newer',
    );
  }
}

export function kafkaClient(node: KafkaNode, clientId = 'consortia'): Kafka {
  return new Kafka({
    clientId,
    brokers: [`${HOST}:${node.port}`],
    logLevel: logLevel.NOTHING,
    retry: { retries: 2 },
  });
}

/** True when the broker answers a metadata request and has elected itself controller. */
export async function brokerReady(node: KafkaNode): Promise<boolean> {
  const admin = kafkaClient(node, 'consortia-probe').admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.controller !== null && cluster.brokers.length > 0;
  } finally {
    await admin.disconnect();
  }
}

export const KAFKA_PROCESS = 'kafka';

/**
 * Starts the broker unless ours is already running, and waits until it serves requests. After a
 * crash the broker first recovers every partition's log, which on a busy 2-core machine took
 * over 90 s; the wait allows for that.
 */
export async function startBroker(
  home: string,
  location: BrokerLocation,
  started?: PidRecord[],
  timeoutMs = 180_000,
): Promise<PidRecord> {
  return ensureRunning({
    spec: {
      name: KAFKA_PROCESS,
      command: 'java',
      args: javaArgs(home, location.node, 'kafka.Kafka', [
        path.join(location.node.dir, 'server.properties'),
      ]),
      runDir: location.runDir,
      logDir: location.logDir,
    },
    description: `the Kafka broker on port ${location.node.port}`,
    // a broker started before its configuration last changed runs with the old one
    reuse: (running) =>
      Date.parse(running.startedAt) >=
      fs.statSync(path.join(location.node.dir, 'server.properties')).mtimeMs,
    ready: () => brokerReady(location.node),
    timeoutMs,
    intervalMs: 500,
    started,
    label: 'the Kafka broker',
  });
}
