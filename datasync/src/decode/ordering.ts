// SPDX-License-Identifier: Apache-2.0
import type { common } from '@hyperledger/fabric-protos';
import { orderer } from '@hyperledger/fabric-protos';

/** Whether the ordering service takes transactions (normal) or only config updates (maintenance). */
export type ConsensusState = 'normal' | 'maintenance';

/** A Raft consenter of the channel, host:port as the etcdraft metadata names it. */
export interface Consenter {
  host: string;
  port: number;
}

/** How a config block has the channel ordered. */
export interface Ordering {
  /** The Orderer group's ConsensusType: `kafka`, `etcdraft` or `solo` (Fabric 3 adds `BFT`). */
  consensusType: string;
  state: ConsensusState;
  /** The Raft consenters, for `etcdraft`; empty otherwise. */
  consenters: Consenter[];
  /** The Kafka brokers (host:port), for `kafka`; empty otherwise. */
  kafkaBrokers: string[];
}

const STATES: Record<number, ConsensusState> = {
  [orderer.ConsensusType.State.STATE_NORMAL]: 'normal',
  [orderer.ConsensusType.State.STATE_MAINTENANCE]: 'maintenance',
};

/**
 * The Kafka brokers a config names: Fabric keeps the `KafkaBrokers` value in the Orderer group;
 * the channel group is looked at too, where a hand-made config put it.
 */
function kafkaBrokers(
  ordererGroup: common.ConfigGroup,
  channelGroup: common.ConfigGroup,
): string[] {
  const value =
    ordererGroup.getValuesMap().get('KafkaBrokers') ??
    channelGroup.getValuesMap().get('KafkaBrokers');
  return value
    ? orderer.KafkaBrokers.deserializeBinary(value.getValue_asU8()).getBrokersList()
    : [];
}

/**
 * The ordering facts of a channel config: its consensus type and state from the Orderer group's
 * `ConsensusType` value, with the Raft consenters (from the etcdraft metadata) or the Kafka
 * brokers of that type. A migration from Kafka to Raft passes through configs of type `kafka` in
 * maintenance, then `etcdraft` in maintenance, then `etcdraft` in normal; the brokers a migrated
 * config still carries are not reported once the type is `etcdraft`. Undefined for a config
 * without an Orderer group or without a ConsensusType value in it.
 */
export function decodeOrdering(channelGroup: common.ConfigGroup): Ordering | undefined {
  const ordererGroup = channelGroup.getGroupsMap().get('Orderer');
  const value = ordererGroup?.getValuesMap().get('ConsensusType');
  if (!ordererGroup || !value) return undefined;
  const consensus = orderer.ConsensusType.deserializeBinary(value.getValue_asU8());
  const state = STATES[consensus.getState()];
  // Fabric defines only these two states; a config with another one is not understood, as a whole
  if (!state) throw new Error(`unknown consensus state ${consensus.getState()}`);
  const consensusType = consensus.getType();
  const metadata = consensus.getMetadata_asU8();
  return {
    consensusType,
    state,
    consenters:
      consensusType === 'etcdraft' && metadata.length > 0
        ? orderer.etcdraft.ConfigMetadata.deserializeBinary(metadata)
            .getConsentersList()
            .map((consenter) => ({ host: consenter.getHost(), port: consenter.getPort() }))
        : [],
    kafkaBrokers: consensusType === 'kafka' ? kafkaBrokers(ordererGroup, channelGroup) : [],
  };
}
