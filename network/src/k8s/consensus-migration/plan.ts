// SPDX-License-Identifier: Apache-2.0
/**
 * The Kafka to Raft migration of an ordering-service release, as the steps `consortia k8s
 * migrate-consensus` takes: config updates run as Jobs signed by the ordering org's admin, and
 * `helm upgrade`s of the release. Pure: what each step changes, decided from the state it finds.
 */
import type {
  ConsensusEdit,
  ConsensusState,
  ConsensusTypeValue,
  RaftMetadata,
} from '../../consensus-migration/consensus-type';
import { applyEdit, editNeeded, sizeInBytes } from '../../consensus-migration/consensus-type';
import type { Json } from '../../fabric/config-update';
import { RAFT_OPTIONS } from '../../templates/configtx';

export const K8S_MIGRATION_STEPS = [
  'enter-maintenance',
  'switch-to-raft',
  'restart-as-raft',
  'check-channels',
  'leave-maintenance',
  'remove-kafka',
] as const;
export type K8sMigrationStep = (typeof K8S_MIGRATION_STEPS)[number];

export const STEP_TITLES: Record<K8sMigrationStep, string> = {
  'enter-maintenance': 'put every channel in maintenance mode (config update Job)',
  'switch-to-raft': 'switch every channel to etcdraft with the Raft consenters (config update Job)',
  'restart-as-raft':
    'helm upgrade: orderers restart as Raft nodes from their ledgers, Kafka kept, system channel kept',
  'check-channels':
    'every orderer serves every channel at the same height under etcdraft (check Job)',
  'leave-maintenance': 'take every channel out of maintenance mode (config update Job)',
  'remove-kafka': 'helm upgrade: the Kafka cluster is removed',
};

/** The config edit a Job step makes on every channel. */
export const STEP_EDITS: Partial<Record<K8sMigrationStep, ConsensusEdit>> = {
  'enter-maintenance': 'enter-maintenance',
  'switch-to-raft': 'switch-to-raft',
  'leave-maintenance': 'leave-maintenance',
};

/** The values each helm step sets on top of the release's own (helm upgrade --reuse-values). */
export const STEP_VALUES: Partial<Record<K8sMigrationStep, Record<string, string | boolean>>> = {
  // the orderers keep starting from the system channel's genesis block: Raft with a system channel
  'restart-as-raft': {
    consensus: 'etcdraft',
    'kafka.retain': true,
    'orderer.bootstrap.method': 'file',
  },
  'remove-kafka': {
    consensus: 'etcdraft',
    'kafka.retain': false,
    'orderer.bootstrap.method': 'file',
  },
};

/** helm's arguments for the step's values: strings stay strings, booleans are booleans. */
export function setArgs(values: Record<string, string | boolean>): string[] {
  return Object.entries(values).flatMap(([key, value]) =>
    typeof value === 'string' ? ['--set-string', `${key}=${value}`] : ['--set', `${key}=${value}`],
  );
}

/** Whether the release's current values already are those of the step. */
export function valuesApplied(
  step: K8sMigrationStep,
  current: { consensus?: string; kafkaRetain?: boolean; bootstrap?: string },
): boolean {
  const wanted = STEP_VALUES[step];
  if (!wanted) return true;
  return (
    current.consensus === wanted.consensus &&
    (current.kafkaRetain ?? false) === wanted['kafka.retain'] &&
    current.bootstrap === wanted['orderer.bootstrap.method']
  );
}

/** The four states a channel can be in on the way from Kafka to Raft. */
export const CHANNEL_STATES: readonly ConsensusTypeValue[] = (
  [
    ['kafka', 'STATE_NORMAL'],
    ['kafka', 'STATE_MAINTENANCE'],
    ['etcdraft', 'STATE_MAINTENANCE'],
    ['etcdraft', 'STATE_NORMAL'],
  ] as const
).map(([type, state]) => ({ type, state }));

export type ChannelAction = 'edit' | 'skip' | 'refuse';

/**
 * What the Job does with a channel found in `current` for `goal`: the local migration's rule
 * (editNeeded), except that the consensus type changes only in maintenance mode and a channel
 * leaves maintenance mode only once it is Raft-ordered.
 */
export function channelAction(current: ConsensusTypeValue, goal: ConsensusEdit): ChannelAction {
  const raft = current.type === 'etcdraft';
  if (goal === 'switch-to-raft' && !raft && current.state === 'STATE_NORMAL') return 'refuse';
  if (goal === 'leave-maintenance' && !raft) return 'refuse';
  return editNeeded(current, goal) ? 'edit' : 'skip';
}

/** Raft metadata for consenters given as host, port and the PEM's base64 (a Secret's tls.crt). */
export function raftMetadataOf(
  consenters: readonly { host: string; port: number; certBase64: string }[],
): RaftMetadata {
  return {
    consenters: consenters.map((consenter) => ({
      host: consenter.host,
      port: consenter.port,
      client_tls_cert: consenter.certBase64,
      server_tls_cert: consenter.certBase64,
    })),
    options: {
      tick_interval: RAFT_OPTIONS.TickInterval,
      election_tick: RAFT_OPTIONS.ElectionTick,
      heartbeat_tick: RAFT_OPTIONS.HeartbeatTick,
      max_inflight_blocks: RAFT_OPTIONS.MaxInflightBlocks,
      snapshot_interval_size: sizeInBytes(RAFT_OPTIONS.SnapshotIntervalSize),
    },
  };
}

/**
 * The fields of the ConsensusType value that `edit` changes from `current`, as the local
 * migration's applyEdit makes them: the Job merges them into the channel's fetched value.
 */
export function editPatch(
  current: ConsensusTypeValue,
  edit: ConsensusEdit,
  metadata: RaftMetadata,
): Record<string, unknown> {
  const value: Json = { type: current.type, state: current.state };
  const config: Json = {
    channel_group: { groups: { Orderer: { values: { ConsensusType: { value } } } } },
  };
  applyEdit(config, edit, metadata);
  return Object.fromEntries(
    Object.entries(value).filter(
      ([key, changed]) =>
        JSON.stringify(changed) !== JSON.stringify((current as unknown as Json)[key]),
    ),
  );
}

/** The key under which a state's patch travels to the Job: kafka-STATE_NORMAL. */
export function stateKey(value: { type: string; state: ConsensusState }): string {
  return `${value.type}-${value.state}`;
}

/** For each state a channel can be in: what the Job does, and the patch when it edits. */
export function editTable(
  goal: ConsensusEdit,
  metadata: RaftMetadata,
): { key: string; action: ChannelAction; patch?: Record<string, unknown> }[] {
  return CHANNEL_STATES.map((state) => {
    const action = channelAction(state, goal);
    return {
      key: stateKey(state),
      action,
      ...(action === 'edit' && { patch: editPatch(state, goal, metadata) }),
    };
  });
}
