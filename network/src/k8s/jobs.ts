// SPDX-License-Identifier: Apache-2.0
import fs from 'node:fs';

import type { V1Job, V1Service } from '@kubernetes/client-node';

import { UserError } from '../errors';
import type { KubeClients } from './client';
import { apiFailure } from './client';
import type { JobOutcome } from './job-runner';
import { adminCliJob, jobName, runJob } from './job-runner';
import type { OrgLayout } from './naming';
import { ORG_LABEL, PART_OF, PART_OF_LABEL } from './naming';
import { secretNames } from './secrets/names';
import { isPeerService } from './status';

export type { JobOutcome, JobRun } from './job-runner';
export { jobName, runJob, watchJob } from './job-runner';

export const FABRIC_TOOLS_IMAGE = 'hyperledger/fabric-tools:2.5.16';

export interface PeerEndpoint {
  service: string;
  /** host:port the peer CLI dials inside the cluster. */
  address: string;
  /** Index N of the peer, for its TLS Secret. */
  index: number;
}

/** The org's peers, from the Services the blockchain chart labels component=peer. */
export async function findPeers(clients: KubeClients, layout: OrgLayout): Promise<PeerEndpoint[]> {
  const namespace = layout.namespaces.blockchain;
  let services: V1Service[];
  try {
    services = (
      await clients.core.listNamespacedService({
        namespace,
        labelSelector: `app.kubernetes.io/instance=${layout.releases.blockchain},app.kubernetes.io/component=peer`,
      })
    ).items;
  } catch (error) {
    throw apiFailure(`listing the peers in ${namespace}`, error, clients);
  }
  const peers = services
    // the per-peer Services carry the operations port; headless and load-balancer ones do not
    .filter(isPeerService)
    .map((service, position) => {
      const name = service.metadata?.name ?? '';
      const port =
        service.spec?.ports?.find((candidate) => candidate.name === 'grpc')?.port ?? 7051;
      const index = Number(/peer(\d+)$/.exec(name)?.[1] ?? position);
      return { service: name, address: `${name}.${namespace}.svc:${port}`, index };
    })
    .sort((left, right) => left.index - right.index);
  if (peers.length === 0) {
    throw new UserError(
      `no peers of ${layout.releases.blockchain} found in ${namespace}`,
      'deploy the org first: `consortia k8s deploy`',
    );
  }
  return peers;
}

export interface PeerJobRequest {
  layout: OrgLayout;
  /** Short name of the step, e.g. channel-join; the Job is named after it. */
  step: string;
  script: string;
  env: Record<string, string>;
  /** Files the script reads from /inputs, e.g. the orderer TLS CA or a chaincode package. */
  inputs: Record<string, Buffer>;
  image: string;
  timeoutMs: number;
  /** Peer whose TLS Secret provides the org's TLS CA. */
  tlsPeerIndex: number;
}

/** The Job running the peer CLI as the org admin; inputs come from a ConfigMap of the same name. */
export function peerJob(request: PeerJobRequest, name: string): V1Job {
  const { layout } = request;
  const labels = {
    [PART_OF_LABEL]: PART_OF,
    [ORG_LABEL]: layout.slug,
    'consortia.io/step': request.step,
  };
  return adminCliJob({
    name,
    namespace: layout.namespaces.blockchain,
    labels,
    timeoutMs: request.timeoutMs,
    container: 'peer-cli',
    image: request.image,
    script: request.script,
    mspId: '',
    env: { HOME: '/tmp', ...request.env },
    adminMspSecret: secretNames.adminMsp(layout),
    tlsSecret: secretNames.peerTls(layout, request.tlsPeerIndex),
  });
}

/** Runs the peer CLI as the org admin in the org's blockchain namespace. */
export function runPeerJob(
  clients: KubeClients,
  request: PeerJobRequest,
  progress: (line: string) => void,
): Promise<JobOutcome> {
  const name = jobName(request.layout.slug, request.step);
  return runJob(
    clients,
    {
      namespace: request.layout.namespaces.blockchain,
      name,
      step: request.step,
      body: peerJob(request, name),
      inputs: request.inputs,
      timeoutMs: request.timeoutMs,
    },
    progress,
  );
}

export interface ChannelJoinOptions {
  layout: OrgLayout;
  mspId: string;
  channel: string;
  orderer: string;
  ordererCaFile: string;
  /** Kafka ordering: the channel creation transaction, submitted when the channel does not exist yet. */
  channelTxFile?: string;
  /** Raft ordering: the channel's genesis block, which the peers join (the orderers hold it). */
  channelBlockFile?: string;
  /** The org's anchor peer update (configtxgen -outputAnchorPeersUpdate), applied once after joining. */
  anchorTxFile?: string;
  image: string;
  timeoutMs: number;
}

export function readInput(file: string, what: string, flag: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch {
    throw new UserError(`cannot read ${what} ${file}`, `pass ${flag} with an existing file`);
  }
}

const ORDERER_TLS = '-o "$ORDERER" --tls --cafile /inputs/orderer-ca.crt';

/**
 * The Job's script: the channel's first block (the Raft channel's genesis block as given, else
 * fetched from the orderer, creating the channel from the transaction first when given and the
 * orderer does not know it), every peer joined, then the anchor peer update, which the orderer
 * refuses harmlessly once it is applied (the version it builds on is stale).
 */
export function channelJoinScript(
  joins: string,
  options: Pick<ChannelJoinOptions, 'channelTxFile' | 'anchorTxFile' | 'channelBlockFile'>,
): string {
  const fetch = `peer channel fetch 0 /work/channel.block -c "$CHANNEL" ${ORDERER_TLS}`;
  const lines = options.channelBlockFile
    ? ['cp /inputs/channel.block /work/channel.block']
    : options.channelTxFile
      ? [
          `if ${fetch}; then echo "channel $CHANNEL exists"; else`,
          // a Kafka orderer is Ready before its system channel's Kafka connection is: it answers
          // SERVICE_UNAVAILABLE until then, so the creation is retried (5 s apart, 5 minutes)
          `  tries=0; until peer channel create -c "$CHANNEL" -f /inputs/channel.tx --outputBlock /work/channel.block ${ORDERER_TLS}; do`,
          '    tries=$((tries + 1)); [ "$tries" -lt 60 ] || exit 1; echo "orderer not ready; retrying in 5 s"; sleep 5; done',
          '  echo "channel $CHANNEL created"; fi',
        ]
      : [fetch];
  lines.push(joins);
  if (options.anchorTxFile) {
    lines.push(
      `if peer channel update -c "$CHANNEL" -f /inputs/anchors.tx ${ORDERER_TLS}; then echo "anchor peers set"; else echo "anchor peers already set"; fi`,
    );
  }
  return lines.join('\n');
}

/** Fetches the channel's first block from the orderer and joins every peer that has not joined. */
export async function channelJoin(
  clients: KubeClients,
  options: ChannelJoinOptions,
  progress: (line: string) => void,
): Promise<JobOutcome> {
  const peers = await findPeers(clients, options.layout);
  const joins = peers
    .map(
      (peer) =>
        `if CORE_PEER_ADDRESS=${peer.address} peer channel list | grep -qx "$CHANNEL"; then echo "${peer.service} already joined"; ` +
        `else CORE_PEER_ADDRESS=${peer.address} peer channel join -b /work/channel.block; echo "${peer.service} joined"; fi`,
    )
    .join('\n');
  return runPeerJob(
    clients,
    {
      layout: options.layout,
      step: 'channel-join',
      script: channelJoinScript(joins, options),
      env: {
        CHANNEL: options.channel,
        ORDERER: options.orderer,
        CORE_PEER_LOCALMSPID: options.mspId,
      },
      inputs: {
        'orderer-ca.crt': readInput(options.ordererCaFile, 'orderer TLS CA', '--orderer-ca'),
        ...(options.channelTxFile && {
          'channel.tx': readInput(options.channelTxFile, 'channel transaction', '--channel-tx'),
        }),
        ...(options.channelBlockFile && {
          'channel.block': readInput(options.channelBlockFile, 'channel block', '--channel-block'),
        }),
        ...(options.anchorTxFile && {
          'anchors.tx': readInput(options.anchorTxFile, 'anchor peer update', '--anchor-tx'),
        }),
      },
      image: options.image,
      timeoutMs: options.timeoutMs,
      tlsPeerIndex: peers[0]?.index ?? 0,
    },
    progress,
  );
}
