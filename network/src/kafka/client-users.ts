// SPDX-License-Identifier: Apache-2.0
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import type { AclEntry } from 'kafkajs';
import {
  AclOperationTypes,
  AclPermissionTypes,
  AclResourceTypes,
  ResourcePatternTypes,
} from 'kafkajs';

import { UserError } from '../errors';
import { runCommand } from '../process/run-command';
import type { KafkaNode } from '../topology/topology';
import { HOST } from '../topology/topology';
import { javaArgs, kafkaClient } from './broker';
import type { KafkaClientUser } from './client-listener';
import {
  CLIENT_ACCESS,
  KAFKA_CLIENT_USERS,
  SCRAM_MECHANISM,
  clientCredentials,
  clientListenerFiles,
} from './client-listener';

/** The ACLs that let each user reach its own topics and groups, and nothing else. */
export function clientAcls(): AclEntry[] {
  const allow = (
    user: KafkaClientUser,
    resourceType: AclResourceTypes,
    resourceName: string,
    resourcePatternType: ResourcePatternTypes,
    operation: AclOperationTypes,
  ): AclEntry => ({
    resourceType,
    resourceName,
    resourcePatternType,
    principal: `User:${user}`,
    host: '*',
    operation,
    permissionType: AclPermissionTypes.ALLOW,
  });
  return KAFKA_CLIENT_USERS.flatMap((user) => [
    ...CLIENT_ACCESS[user].topics.map((prefix) =>
      allow(
        user,
        AclResourceTypes.TOPIC,
        prefix,
        ResourcePatternTypes.PREFIXED,
        AclOperationTypes.ALL,
      ),
    ),
    ...CLIENT_ACCESS[user].groups.map((prefix) =>
      allow(
        user,
        AclResourceTypes.GROUP,
        prefix,
        ResourcePatternTypes.PREFIXED,
        AclOperationTypes.ALL,
      ),
    ),
    // idempotent producers (datasync's outbox relay) ask the cluster for a producer id
    allow(
      user,
      AclResourceTypes.CLUSTER,
      'kafka-cluster',
      ResourcePatternTypes.LITERAL,
      AclOperationTypes.IDEMPOTENT_WRITE,
    ),
  ]);
}

/**
 * Sets each service's SCRAM credentials and ACLs through the plaintext (super user) listener,
 * once per set of credentials: a restart with the same state dir changes nothing. SCRAM users are
 * set by Kafka's own ConfigCommand, as kafkajs has no call for them.
 */
export async function provisionClientUsers(home: string, node: KafkaNode): Promise<void> {
  const files = clientListenerFiles(node);
  const credentials = clientCredentials(node);
  // a digest, so the marker holds no password
  const wanted = crypto.createHash('sha256').update(JSON.stringify(credentials)).digest('hex');
  try {
    if (fs.readFileSync(files.provisionedFile, 'utf8') === wanted) return;
  } catch {
    // not yet
  }
  for (const user of KAFKA_CLIENT_USERS) {
    // the password goes in a file only its owner reads, never in a command line others can list
    const configFile = path.join(files.dir, `scram-${user}.properties`);
    fs.writeFileSync(configFile, `${SCRAM_MECHANISM}=password=${credentials[user].password}\n`, {
      mode: 0o600,
    });
    const result = await runCommand(
      'java',
      javaArgs(home, node, 'kafka.admin.ConfigCommand', [
        '--bootstrap-server',
        `${HOST}:${node.port}`,
        '--alter',
        '--add-config-file',
        configFile,
        '--entity-type',
        'users',
        '--entity-name',
        credentials[user].username,
      ]),
    ).finally(() => fs.rmSync(configFile, { force: true }));
    if (result.code !== 0) {
      throw new UserError(
        `setting the Kafka user ${user} failed:\n${result.stdout}\n${result.stderr}`.trim(),
      );
    }
  }
  const admin = kafkaClient(node, 'consortia-acls').admin();
  await admin.connect();
  try {
    await admin.createAcls({ acl: clientAcls() });
  } finally {
    await admin.disconnect();
  }
  fs.writeFileSync(files.provisionedFile, wanted, { mode: 0o600 });
}
