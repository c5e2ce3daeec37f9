// SPDX-License-Identifier: Apache-2.0
import path from 'node:path';

import { freePort } from '@consortia/common/testing';

import { consortiaHome } from '../install';
import { kafkaComponent } from '../install/kafka';
import { KAFKA_PROCESS, prepareBroker, startBroker } from '../kafka/broker';
import { stopDaemon } from '../process/supervisor';
import type { KafkaNode } from '../topology/topology';

/** A test's own Kafka broker. */
export interface TestKafka {
  node: KafkaNode;
  /** Its bootstrap address, `127.0.0.1:<port>`, as a list. */
  brokers: string[];
  stop(): Promise<void>;
}

/** Why a test cannot have a broker of its own here, or undefined when it can. */
export function testKafkaUnavailable(home = consortiaHome()): string | undefined {
  return kafkaComponent.isInstalled(home)
    ? undefined
    : 'Kafka is not installed (`consortia install kafka`)';
}

/**
 * A real single-node Kafka broker (KRaft) of a test's own, as the network runs it, on free ports;
 * its data, pid and log files under `<dir>/kafka`, `<dir>/run` and `<dir>/logs`.
 */
export async function startTestKafka(dir: string, home = consortiaHome()): Promise<TestKafka> {
  const unavailable = testKafkaUnavailable(home);
  if (unavailable) throw new Error(unavailable);
  const node: KafkaNode = {
    port: await freePort(),
    controllerPort: await freePort(),
    dir: path.join(dir, 'kafka'),
  };
  const location = { node, runDir: path.join(dir, 'run'), logDir: path.join(dir, 'logs') };
  await prepareBroker(home, node);
  await startBroker(home, location);
  return {
    node,
    brokers: [`127.0.0.1:${node.port}`],
    stop: async () => {
      await stopDaemon(location.runDir, KAFKA_PROCESS);
    },
  };
}
