// SPDX-License-Identifier: Apache-2.0
/**
 * The migration's steps. Each looks at the network's real state first and does only what is
 * still undone, so running a step twice, or again after a crash inside it, is safe.
 */
import type { ConfigUpdateContext } from '../fabric/config-update';
import { startOrderer } from '../fabric/network';
import { isOurs, readPidRecord, stopDaemon } from '../process/supervisor';
import { tcpOpen } from '../process/wait';
import type { NetworkManifest } from '../state/manifest';
import { writeManifest } from '../state/manifest';
import type { Topology } from '../topology/topology';
import { HOST, servicePorts } from '../topology/topology';
import { addOrderers } from './add-orderers';
import { removeSystemChannel } from './channel-participation';
import { readChannels, waitLeadersAndHeights, waitPeersCaughtUp } from './channels';
import type { ConsensusEdit, RaftMetadata } from './consensus-type';
import { applyEdit, editNeeded, raftMetadata, readConsensusType } from './consensus-type';
import { drainServiceQueue } from './kafka-intake';
import { submitConfigEdit } from './submit';
import type { MigrationStepId } from './record';

/** What the steps work on: the network as it was (Kafka) and as it becomes (Raft). */
export interface MigrationContext {
  home: string;
  stateDir: string;
  manifest: NetworkManifest;
  before: Topology;
  after: Topology;
  /** The system channel first, then every application channel. */
  channels: string[];
  progress: (message: string) => void;
}

const EDIT_WORDS: Record<ConsensusEdit, string> = {
  'enter-maintenance': 'entering maintenance mode',
  'switch-to-raft': 'switching the consensus type to etcdraft',
  'leave-maintenance': 'leaving maintenance mode',
};

function configContext(context: MigrationContext): ConfigUpdateContext {
  return { home: context.home, topology: context.before };
}

/** Raft metadata for the orderers the network runs, read from their TLS certificates. */
export function migrationMetadata(context: MigrationContext): RaftMetadata {
  return raftMetadata(context.after);
}

/** Brings every channel to `goal`, one config update each, as the ordering service's admin. */
async function editChannels(context: MigrationContext, goal: ConsensusEdit): Promise<void> {
  const config = configContext(context);
  const metadata = migrationMetadata(context);
  for (const channel of context.channels) {
    const [current] = await readChannels(config, [channel]);
    if (!current) continue;
    const edit = editNeeded(current, goal);
    if (!edit) {
      context.progress(`${channel}: ${current.type}, ${current.state}: nothing to do`);
      continue;
    }
    context.progress(`${channel}: ${EDIT_WORDS[edit]}`);
    const updated = structuredClone(current.config);
    applyEdit(updated, edit, metadata);
    await submitConfigEdit(
      config,
      channel,
      current.config,
      updated,
      EDIT_WORDS[edit],
      (now) => editNeeded(readConsensusType(now), goal) === undefined,
    );
  }
}

/**
 * Records the network as Raft-ordered (it keeps its system channel and its orderers) and
 * restarts each orderer, which reads the consensus type of each channel from its ledger and
 * comes back as a Raft node. Recorded first: once every channel is switched, an orderer that
 * starts for any reason is a Raft node, and `up` must treat it as one.
 */
async function restartOrderers(context: MigrationContext): Promise<void> {
  const { manifest, after } = context;
  manifest.consensus = 'etcdraft';
  manifest.orderers = after.orderers.length;
  manifest.systemChannel = true;
  writeManifest(after.paths.manifest, manifest);
  const network = { home: context.home, topology: after, progress: context.progress, started: [] };
  for (const orderer of after.orderers) {
    context.progress(`restarting ${orderer.name} as a Raft node`);
    await stopDaemon(after.paths.run, orderer.name);
    await startOrderer(network, orderer);
  }
}

async function checkLeaders(context: MigrationContext): Promise<void> {
  const seen = await waitLeadersAndHeights(context.after, context.channels);
  for (const [channel, { leader, height }] of Object.entries(seen)) {
    context.progress(`${channel}: led by ${leader}, height ${height} on every orderer`);
  }
}

async function checkHeights(context: MigrationContext): Promise<void> {
  const { target, peers } = await waitPeersCaughtUp(
    { home: context.home, topology: context.after },
    180_000,
  );
  const list = Object.entries(peers).map(([peer, height]) => `${peer} ${height}`);
  context.progress(
    `${context.after.options.channel}: orderer height ${target}; peers: ${list.join(', ')}`,
  );
}

async function stopKafka(context: MigrationContext): Promise<void> {
  const broker = context.before.kafka;
  if (broker && (await tcpOpen(broker.port))) {
    const dapp = readPidRecord(context.before.paths.run, 'dapp');
    const dappUrl =
      dapp && isOurs(dapp) ? `http://${HOST}:${servicePorts(context.before).dapp.http}` : undefined;
    await drainServiceQueue(broker, dappUrl, context.progress);
  }
  const result = await stopDaemon(context.before.paths.run, 'kafka');
  context.progress(`Kafka broker: ${result}`);
}

export const STEP_RUNNERS: Record<MigrationStepId, (context: MigrationContext) => Promise<void>> = {
  'enter-maintenance': (context) => editChannels(context, 'enter-maintenance'),
  'switch-to-raft': (context) => editChannels(context, 'switch-to-raft'),
  'restart-orderers': restartOrderers,
  'check-leaders': checkLeaders,
  'leave-maintenance': (context) => editChannels(context, 'leave-maintenance'),
  'check-heights': checkHeights,
  'stop-kafka': stopKafka,
  'add-orderers': (context) => addOrderers(context),
  'remove-system-channel': removeSystemChannel,
};
