// SPDX-License-Identifier: Apache-2.0
/*
 * Raft ordering on Kubernetes: every orderer joins the channel's genesis block through its
 * channel participation API (`osnadmin channel join`), from a Job in the ordering namespace, the
 * only place besides `networkPolicy.adminFrom` the chart admits to the admin port. The ordering
 * organization's admin authenticates with a TLS client certificate of the orderers' TLS CA, which
 * the Job reads from a Secret that lives only while it runs.
 */
import type { V1Job, V1Service } from '@kubernetes/client-node';

import { UserError } from '../errors';
import type { KubeClients } from './client';
import { apiFailure } from './client';
import type { JobOutcome } from './job-runner';
import { jobName, runJob } from './job-runner';
import { readInput } from './jobs';
import type { OrgLayout } from './naming';
import { PART_OF, PART_OF_LABEL } from './naming';

export interface OrdererEndpoint {
  service: string;
  /** host:port of its channel participation API inside the cluster. */
  admin: string;
  index: number;
}

/** The ordering release's orderers, from their per-orderer Services (component=orderer). */
export async function findOrderers(
  clients: KubeClients,
  layout: OrgLayout,
): Promise<OrdererEndpoint[]> {
  const namespace = layout.namespaces.ordering;
  const release = layout.releases.ordering;
  let services: V1Service[];
  try {
    services = (
      await clients.core.listNamespacedService({
        namespace,
        labelSelector: `app.kubernetes.io/instance=${release},app.kubernetes.io/component=orderer`,
      })
    ).items;
  } catch (error) {
    throw apiFailure(`listing the orderers in ${namespace}`, error, clients);
  }
  const orderers = services.flatMap((service) => {
    const name = service.metadata?.name ?? '';
    // the headless and load-balancer Services have no admin port, or another name
    const index = /-orderer(\d+)$/.exec(name)?.[1];
    const admin = service.spec?.ports?.find((port) => port.name === 'admin')?.port;
    if (index === undefined || admin === undefined) return [];
    return [{ service: name, admin: `${name}.${namespace}.svc:${admin}`, index: Number(index) }];
  });
  if (orderers.length === 0) {
    throw new UserError(
      `no orderers of release ${release} found in ${namespace}`,
      'install the ordering-service chart first (consensus=etcdraft), or pass --ordering-namespace',
    );
  }
  return orderers.sort((left, right) => left.index - right.index);
}

const TLS =
  '--ca-file /inputs/orderer-ca.crt --client-cert /admin-tls/tls.crt --client-key /admin-tls/tls.key';

/**
 * The Job's script: each orderer not yet a member of the channel joins its genesis block (one
 * already a member, or answering that the channel exists, is left as it is), then every orderer
 * must report the channel active with itself a consenter. osnadmin exits 0 whatever the HTTP
 * status, so the script reads the `Status:` line it prints.
 */
export function ordererJoinScript(orderers: readonly OrdererEndpoint[]): string {
  const lines = [
    `TLS="${TLS}"`,
    // an admin endpoint not answering yet (the orderer restarting) is retried, 5 s apart, 2 minutes
    'list() { tries=0; until out=$(osnadmin channel list --channelID "$CHANNEL" -o "$2" $TLS 2>&1); do',
    '  tries=$((tries + 1)); if [ "$tries" -ge 24 ]; then echo "$out"; echo "$1: admin endpoint $2 does not answer"; exit 1; fi',
    '  echo "$1: admin endpoint not answering; retrying in 5 s"; sleep 5; done; }',
    'join() { list "$1" "$2"',
    '  case "$out" in',
    '    "Status: 200"*) echo "$1 already a member of $CHANNEL"; return ;;',
    '  esac',
    '  out=$(osnadmin channel join --channelID "$CHANNEL" --config-block /inputs/channel.block -o "$2" $TLS 2>&1) || { echo "$out"; exit 1; }',
    '  case "$out" in',
    '    "Status: 201"*) echo "$1 joined $CHANNEL" ;;',
    '    *"channel already exists"*) echo "$1 already a member of $CHANNEL" ;;',
    '    *) echo "$out"; echo "$1 refused to join $CHANNEL (above: its answer)"; exit 1 ;;',
    '  esac; }',
    // a consenter is active once it runs the channel's Raft node; 60 s for the cluster to form
    // (its own counter: list's retries reset theirs)
    'active() { polls=0; while :; do list "$1" "$2"',
    '  if echo "$out" | grep -q \'"status": "active"\' && echo "$out" | grep -q \'"consensusRelation": "consenter"\'; then echo "$1: $CHANNEL active, consenter"; return; fi',
    '  polls=$((polls + 1)); if [ "$polls" -ge 30 ]; then echo "$out"; echo "$1 is not an active consenter of $CHANNEL"; exit 1; fi',
    '  sleep 2; done; }',
  ];
  for (const orderer of orderers) lines.push(`join ${orderer.service} ${orderer.admin}`);
  for (const orderer of orderers) lines.push(`active ${orderer.service} ${orderer.admin}`);
  return lines.join('\n');
}

export interface OrdererJoinOptions {
  layout: OrgLayout;
  channel: string;
  channelBlockFile: string;
  ordererCaFile: string;
  /** The ordering org admin's TLS client certificate and key (issued by the orderers' TLS CA). */
  adminCertFile: string;
  adminKeyFile: string;
  image: string;
  timeoutMs: number;
}

/** The Job running osnadmin in the ordering namespace; inputs and key from objects of its name. */
export function ordererJoinJob(
  options: Pick<OrdererJoinOptions, 'layout' | 'channel' | 'image' | 'timeoutMs'>,
  name: string,
  script: string,
): V1Job {
  const labels = {
    [PART_OF_LABEL]: PART_OF,
    'consortia.io/step': 'orderer-channel-join',
  };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: options.layout.namespaces.ordering, labels },
    spec: {
      backoffLimit: 0,
      ttlSecondsAfterFinished: 86400,
      activeDeadlineSeconds: Math.ceil(options.timeoutMs / 1000),
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: 'Never',
          automountServiceAccountToken: false,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: 1000,
            runAsGroup: 1000,
            // the key's Secret volume is group-readable only, by this group
            fsGroup: 1000,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          containers: [
            {
              name: 'osnadmin',
              image: options.image,
              command: ['sh', '-ec', script],
              env: [
                { name: 'CHANNEL', value: options.channel },
                { name: 'HOME', value: '/tmp' },
              ],
              securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
              volumeMounts: [
                { name: 'inputs', mountPath: '/inputs', readOnly: true },
                { name: 'admin-tls', mountPath: '/admin-tls', readOnly: true },
              ],
            },
          ],
          volumes: [
            { name: 'inputs', configMap: { name } },
            { name: 'admin-tls', secret: { secretName: name, defaultMode: 0o440 } },
          ],
        },
      },
    },
  };
}

/** Joins every orderer of the ordering release to the channel's genesis block (osnadmin). */
export async function joinOrderers(
  clients: KubeClients,
  options: OrdererJoinOptions,
  progress: (line: string) => void,
): Promise<JobOutcome> {
  const inputs = {
    'channel.block': readInput(options.channelBlockFile, 'channel block', '--channel-block'),
    'orderer-ca.crt': readInput(options.ordererCaFile, 'orderer TLS CA', '--orderer-ca'),
  };
  const secretInputs = {
    'tls.crt': readInput(
      options.adminCertFile,
      'orderer admin TLS certificate',
      '--orderer-admin-cert',
    ),
    'tls.key': readInput(options.adminKeyFile, 'orderer admin TLS key', '--orderer-admin-key'),
  };
  const orderers = await findOrderers(clients, options.layout);
  const name = jobName(options.layout.releases.ordering, 'channel-join');
  return runJob(
    clients,
    {
      namespace: options.layout.namespaces.ordering,
      name,
      step: 'orderer-channel-join',
      body: ordererJoinJob(options, name, ordererJoinScript(orderers)),
      inputs,
      secretInputs,
      timeoutMs: options.timeoutMs,
    },
    progress,
  );
}

export interface JoinFlags {
  channelTx?: string;
  channelBlock?: string;
  anchorTx?: string;
  ordererAdminCert?: string;
  ordererAdminKey?: string;
}

/**
 * `k8s channel join`'s flags fit one ordering: Kafka's channel transaction and anchor update, or
 * Raft's channel block (and the orderer admin's TLS pair, both or neither), never a mix.
 */
export function checkJoinFlags(flags: JoinFlags): void {
  const admin = [flags.ordererAdminCert, flags.ordererAdminKey].filter(Boolean).length;
  if (flags.channelBlock && flags.channelTx) {
    throw new UserError(
      '--channel-block (Raft) and --channel-tx (Kafka) name two orderings',
      'under Raft pass only --channel-block <channel>.block; under Kafka only --channel-tx <channel>.tx',
    );
  }
  if (flags.channelBlock && flags.anchorTx) {
    throw new UserError(
      "--anchor-tx is for Kafka: under Raft the channel's genesis block already names each organization's anchor peers",
      'drop --anchor-tx (`consortia k8s material --consensus etcdraft --anchor-peer ...` sets them in the block)',
    );
  }
  if (admin === 1) {
    throw new UserError(
      'the orderer admin TLS identity needs both --orderer-admin-cert and --orderer-admin-key',
      'pass both, e.g. crypto/ordererOrganizations/<domain>/users/Admin@<domain>/tls/client.crt and client.key',
    );
  }
  if (admin === 2 && !flags.channelBlock) {
    throw new UserError(
      '--orderer-admin-cert/--orderer-admin-key join Raft orderers to a channel block, but no --channel-block was given',
      'pass --channel-block <channel>.block from `consortia k8s material --consensus etcdraft`',
    );
  }
}
