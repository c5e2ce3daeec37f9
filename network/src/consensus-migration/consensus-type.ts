// SPDX-License-Identifier: Apache-2.0
/**
 * The channel config edits of a Kafka to Raft migration, on configtxlator's JSON form of a
 * common.Config. Fabric allows the consensus type to change only inside maintenance mode, and
 * each edit below changes one thing: the state, then the type with its Raft metadata, then the
 * state back.
 */
import fs from 'node:fs';
import path from 'node:path';

import type { Json } from '../fabric/config-update';
import { RAFT_OPTIONS } from '../templates/configtx';
import type { Topology } from '../topology/topology';
import { HOST, ordererCryptoDir } from '../topology/topology';

export type ConsensusState = 'STATE_NORMAL' | 'STATE_MAINTENANCE';

export interface ConsensusTypeValue {
  type: string;
  state: ConsensusState;
  metadata?: unknown;
}

function child(parent: Json, key: string, where: string): Json {
  const value = parent[key];
  if (typeof value !== 'object' || value === null) {
    throw new Error(`the channel config has no ${where}`);
  }
  return value as Json;
}

/** The Orderer group's ConsensusType value object, which the edits change in place. */
function consensusValue(config: Json): Json {
  const groups = child(child(config, 'channel_group', 'channel group'), 'groups', 'groups');
  const values = child(child(groups, 'Orderer', 'Orderer group'), 'values', 'Orderer values');
  return child(child(values, 'ConsensusType', 'ConsensusType'), 'value', 'ConsensusType value');
}

/** The channel's consensus type and state; an absent state is Fabric's default, normal. */
export function readConsensusType(config: Json): ConsensusTypeValue {
  const value = consensusValue(config);
  return {
    type: typeof value.type === 'string' ? value.type : '',
    state: value.state === 'STATE_MAINTENANCE' ? 'STATE_MAINTENANCE' : 'STATE_NORMAL',
    metadata: value.metadata,
  };
}

/** Sets the maintenance state, leaving the type and metadata as they are. */
export function setConsensusState(config: Json, state: ConsensusState): void {
  consensusValue(config).state = state;
}

/** One Raft consenter as configtxlator writes it: certificates are base64 of the PEM text. */
export interface RaftConsenter {
  host: string;
  port: number;
  client_tls_cert: string;
  server_tls_cert: string;
}

/** Raft's ConfigMetadata in configtxlator JSON: the consenters and the cluster's options. */
export interface RaftMetadata {
  consenters: RaftConsenter[];
  options: {
    tick_interval: string;
    election_tick: number;
    heartbeat_tick: number;
    max_inflight_blocks: number;
    snapshot_interval_size: number;
  };
}

/** '16 MB' as configtx.yaml writes a size, in bytes as the proto holds it. */
export function sizeInBytes(size: string): number {
  const match = /^(\d+)\s*(B|KB|MB|GB)?$/i.exec(size.trim());
  if (!match) throw new Error(`not a size: '${size}'`);
  const units: Record<string, number> = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 };
  return Number(match[1]) * (units[(match[2] ?? 'B').toUpperCase()] ?? 1);
}

/** Where an orderer's TLS certificate is: its Raft identity, as client and as server. */
export function ordererTlsCert(topology: Topology, ordererIndex: number): string {
  const orderer = topology.orderers[ordererIndex];
  if (!orderer) throw new Error(`the network has no orderer ${ordererIndex}`);
  return path.join(ordererCryptoDir(topology, orderer), 'tls', 'server.crt');
}

/** The Raft metadata naming every orderer of the topology as a consenter. */
export function raftMetadata(
  topology: Topology,
  readCert: (file: string) => string = (file) => fs.readFileSync(file, 'utf8'),
): RaftMetadata {
  return {
    consenters: topology.orderers.map((orderer) => {
      const cert = Buffer.from(readCert(ordererTlsCert(topology, orderer.index))).toString(
        'base64',
      );
      return { host: HOST, port: orderer.port, client_tls_cert: cert, server_tls_cert: cert };
    }),
    options: {
      tick_interval: RAFT_OPTIONS.TickInterval,
      election_tick: RAFT_OPTIONS.ElectionTick,
      heartbeat_tick: RAFT_OPTIONS.HeartbeatTick,
      max_inflight_blocks: RAFT_OPTIONS.MaxInflightBlocks,
      snapshot_interval_size: sizeInBytes(RAFT_OPTIONS.SnapshotIntervalSize),
    },
  };
}

/** Switches a channel in maintenance mode to Raft; Fabric refuses the switch outside it. */
export function switchToRaft(config: Json, metadata: RaftMetadata): void {
  const value = consensusValue(config);
  if (value.state !== 'STATE_MAINTENANCE') {
    throw new Error('the consensus type can change only in maintenance mode');
  }
  value.type = 'etcdraft';
  value.metadata = metadata;
}

/** The consensus edits a migration makes, each the next one from a channel's current value. */
export type ConsensusEdit = 'enter-maintenance' | 'switch-to-raft' | 'leave-maintenance';

/** Which edit a channel still needs for `goal`, or undefined when it is there already. */
export function editNeeded(
  current: ConsensusTypeValue,
  goal: ConsensusEdit,
): ConsensusEdit | undefined {
  const raft = current.type === 'etcdraft';
  const maintenance = current.state === 'STATE_MAINTENANCE';
  switch (goal) {
    case 'enter-maintenance':
      return maintenance || (raft && !maintenance) ? undefined : goal;
    case 'switch-to-raft':
      return raft ? undefined : goal;
    case 'leave-maintenance':
      return maintenance ? goal : undefined;
  }
}

/** Applies one edit to a decoded config. */
export function applyEdit(config: Json, edit: ConsensusEdit, metadata: RaftMetadata): void {
  if (edit === 'enter-maintenance') setConsensusState(config, 'STATE_MAINTENANCE');
  else if (edit === 'switch-to-raft') switchToRaft(config, metadata);
  else setConsensusState(config, 'STATE_NORMAL');
}
