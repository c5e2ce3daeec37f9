// SPDX-License-Identifier: Apache-2.0
/**
 * The broker's listener for applications: TLS with a CA of the state dir and SASL/SCRAM-SHA-512,
 * with one user per service that may reach only its own topics and consumer groups. The ordering
 * service's listener stays plaintext on loopback (Fabric 2.5's orderers are its only clients
 * there, as the broker's super user).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import type { KafkaNode } from '../topology/topology';
import { HOST } from '../topology/topology';
import { UserError } from '../errors';
import { runCommand } from '../process/run-command';

export const KAFKA_CLIENT_USERS = ['dapp', 'datasync'] as const;
export type KafkaClientUser = (typeof KAFKA_CLIENT_USERS)[number];

/** The SASL mechanism the client listener accepts, as Kafka and kafkajs name it. */
export const SCRAM_MECHANISM = 'SCRAM-SHA-512';
export const CLIENT_LISTENER = 'CLIENT';

/** What each user may reach, by name prefix: its own topics and consumer groups only. */
export const CLIENT_ACCESS: Record<KafkaClientUser, { topics: string[]; groups: string[] }> = {
  // dapp.tx.requests / results / dlq; groups dapp-workers.<store>
  dapp: { topics: ['dapp.'], groups: ['dapp-'] },
  // ledger.events; datasync-outbox-reconcile-<uuid>
  datasync: { topics: ['ledger.'], groups: ['datasync-'] },
};

export interface ClientListenerFiles {
  dir: string;
  /** The CA clients check the broker's certificate against. */
  caFile: string;
  caKeyFile: string;
  /** The broker's private key (PKCS#8) and certificate, as Kafka's PEM keystore. */
  keystoreFile: string;
  credentialsFile: string;
  /** The credentials the broker's SCRAM users and ACLs were last set from. */
  provisionedFile: string;
}

export function clientListenerFiles(node: Pick<KafkaNode, 'dir'>): ClientListenerFiles {
  const dir = path.join(node.dir, 'client-listener');
  return {
    dir,
    caFile: path.join(dir, 'ca.crt'),
    caKeyFile: path.join(dir, 'ca.key'),
    keystoreFile: path.join(dir, 'broker.pem'),
    credentialsFile: path.join(dir, 'credentials.json'),
    provisionedFile: path.join(dir, 'provisioned.json'),
  };
}

export type ClientCredentials = Record<KafkaClientUser, { username: string; password: string }>;

/** Each service's SCRAM credentials, when the network has made them. */
export function readClientCredentials(node: Pick<KafkaNode, 'dir'>): ClientCredentials | undefined {
  try {
    const kept = JSON.parse(
      fs.readFileSync(clientListenerFiles(node).credentialsFile, 'utf8'),
    ) as ClientCredentials;
    return KAFKA_CLIENT_USERS.every((user) => kept[user]?.password) ? kept : undefined;
  } catch {
    return undefined;
  }
}

/** Each service's SCRAM credentials: made once per state dir, readable by its owner only. */
export function clientCredentials(node: Pick<KafkaNode, 'dir'>): ClientCredentials {
  const kept = readClientCredentials(node);
  if (kept) return kept;
  const files = clientListenerFiles(node);
  const made = Object.fromEntries(
    KAFKA_CLIENT_USERS.map((user) => [
      user,
      { username: user, password: crypto.randomBytes(24).toString('base64url') },
    ]),
  ) as ClientCredentials;
  fs.mkdirSync(files.dir, { recursive: true, mode: 0o700 });
  fs.writeFileSync(files.credentialsFile, `${JSON.stringify(made, null, 2)}\n`, { mode: 0o600 });
  return made;
}

async function openssl(args: string[], what: string): Promise<void> {
  const result = await runCommand('openssl', args);
  if (result.code !== 0) {
    throw new UserError(
      `making the Kafka client listener's ${what} failed:\n${result.stderr}`.trim(),
      'install openssl (it makes the broker certificate)',
    );
  }
}

/** A CA and a broker certificate for 127.0.0.1 and localhost, made once per state dir. */
export async function prepareClientListener(node: KafkaNode): Promise<ClientListenerFiles> {
  const files = clientListenerFiles(node);
  fs.mkdirSync(files.dir, { recursive: true, mode: 0o700 });
  clientCredentials(node);
  if (fs.existsSync(files.keystoreFile) && fs.existsSync(files.caFile)) return files;
  const days = '3650';
  await openssl(
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      files.caKeyFile,
      '-out',
      files.caFile,
      '-days',
      days,
      '-subj',
      '/O=Consortia/CN=Consortia local Kafka CA',
    ],
    'CA',
  );
  const key = path.join(files.dir, 'broker.key');
  const request = path.join(files.dir, 'broker.csr');
  const certificate = path.join(files.dir, 'broker.crt');
  const extensions = path.join(files.dir, 'broker.ext');
  fs.writeFileSync(
    extensions,
    `subjectAltName=IP:${HOST},DNS:localhost\nextendedKeyUsage=serverAuth\nkeyUsage=digitalSignature,keyEncipherment\n`,
  );
  // Kafka's PEM keystore reads an unencrypted key only in PKCS#8 form
  await openssl(
    [
      'req',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      key,
      '-out',
      request,
      '-subj',
      '/O=Consortia/CN=localhost',
    ],
    'broker key',
  );
  await openssl(
    [
      'x509',
      '-req',
      '-in',
      request,
      '-CA',
      files.caFile,
      '-CAkey',
      files.caKeyFile,
      '-CAcreateserial',
      '-out',
      certificate,
      '-days',
      days,
      '-extfile',
      extensions,
    ],
    'broker certificate',
  );
  const pkcs8 = path.join(files.dir, 'broker.pk8');
  await openssl(['pkcs8', '-topk8', '-nocrypt', '-in', key, '-out', pkcs8], 'broker key (PKCS#8)');
  fs.writeFileSync(
    files.keystoreFile,
    `${fs.readFileSync(pkcs8, 'utf8').trim()}\n${fs.readFileSync(certificate, 'utf8').trim()}\n`,
    { mode: 0o600 },
  );
  for (const file of [key, request, extensions, pkcs8]) fs.rmSync(file, { force: true });
  return files;
}

/**
 * Broker settings for the client listener, merged into server.properties: SASL_SSL with SCRAM,
 * and an authorizer under which only ACLs open topics and groups to the services' users. The
 * plaintext listeners' principal (ANONYMOUS: the orderers, the controller, operator tools on
 * loopback) stays a super user, so Fabric's ordering needs no ACL.
 */
export function clientListenerSettings(node: KafkaNode & { clientPort: number }) {
  const files = clientListenerFiles(node);
  const prefix = `listener.name.${CLIENT_LISTENER.toLowerCase()}`;
  return {
    listener: `${CLIENT_LISTENER}://${HOST}:${node.clientPort}`,
    protocol: `${CLIENT_LISTENER}:SASL_SSL`,
    settings: {
      'sasl.enabled.mechanisms': SCRAM_MECHANISM,
      [`${prefix}.sasl.enabled.mechanisms`]: SCRAM_MECHANISM,
      [`${prefix}.${SCRAM_MECHANISM.toLowerCase()}.sasl.jaas.config`]:
        'org.apache.kafka.common.security.scram.ScramLoginModule required;',
      [`${prefix}.ssl.keystore.type`]: 'PEM',
      [`${prefix}.ssl.keystore.location`]: files.keystoreFile,
      [`${prefix}.ssl.client.auth`]: 'none',
      'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
      'super.users': 'User:ANONYMOUS',
      'allow.everyone.if.no.acl.found': false,
    },
  };
}

/** The variables a service reads (common's kafkaClientConfig) to connect as `user`. */
export function kafkaClientEnv(
  node: KafkaNode & { clientPort: number },
  user: KafkaClientUser,
  credentials: ClientCredentials = clientCredentials(node),
): Record<string, string> {
  return {
    KAFKA_BROKERS: `${HOST}:${node.clientPort}`,
    KAFKA_SSL_CA_FILE: clientListenerFiles(node).caFile,
    KAFKA_SASL_MECHANISM: SCRAM_MECHANISM.toLowerCase(),
    KAFKA_SASL_USERNAME: credentials[user].username,
    KAFKA_SASL_PASSWORD: credentials[user].password,
  };
}
