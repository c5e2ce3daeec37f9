// SPDX-License-Identifier: Apache-2.0
import { common, msp, orderer, peer } from '@hyperledger/fabric-protos';

import { TEST_CERTIFICATE } from './blocks';

function mspValue(mspId: string): common.ConfigValue {
  const fabric = new msp.FabricMSPConfig();
  fabric.setName(mspId);
  fabric.setRootCertsList([Buffer.from(TEST_CERTIFICATE)]);
  const config = new msp.MSPConfig();
  config.setType(0);
  config.setConfig(fabric.serializeBinary());
  const value = new common.ConfigValue();
  value.setValue(config.serializeBinary());
  return value;
}

function orgGroup(mspId: string, values: Record<string, Uint8Array>): common.ConfigGroup {
  const group = new common.ConfigGroup();
  group.getValuesMap().set('MSP', mspValue(mspId));
  for (const [name, bytes] of Object.entries(values)) {
    const value = new common.ConfigValue();
    value.setValue(bytes);
    group.getValuesMap().set(name, value);
  }
  return group;
}

/** How a constructed config has the channel ordered. */
export interface OrderingSpec {
  /** The ConsensusType's type: `kafka`, `etcdraft`, `solo`. */
  type: string;
  state?: 'normal' | 'maintenance';
  /** etcdraft consenters, as host:port, written into the ConsensusType's metadata. */
  consenters?: string[];
  /** The Orderer group's KafkaBrokers value; left out when not given. */
  kafkaBrokers?: string[];
}

function hostPort(address: string): [string, number] {
  const colon = address.lastIndexOf(':');
  return [address.slice(0, colon), Number(address.slice(colon + 1))];
}

function setValue(group: common.ConfigGroup, name: string, bytes: Uint8Array): void {
  const value = new common.ConfigValue();
  value.setValue(bytes);
  group.getValuesMap().set(name, value);
}

/** The Orderer group's ConsensusType (and KafkaBrokers) values a running orderer would write. */
function setOrdering(group: common.ConfigGroup, spec: OrderingSpec): void {
  const consensus = new orderer.ConsensusType();
  consensus.setType(spec.type);
  consensus.setState(
    spec.state === 'maintenance'
      ? orderer.ConsensusType.State.STATE_MAINTENANCE
      : orderer.ConsensusType.State.STATE_NORMAL,
  );
  if (spec.consenters) {
    const metadata = new orderer.etcdraft.ConfigMetadata();
    metadata.setConsentersList(
      spec.consenters.map((address) => {
        const [host, port] = hostPort(address);
        const consenter = new orderer.etcdraft.Consenter();
        consenter.setHost(host);
        consenter.setPort(port);
        consenter.setClientTlsCert(Buffer.from(TEST_CERTIFICATE));
        consenter.setServerTlsCert(Buffer.from(TEST_CERTIFICATE));
        return consenter;
      }),
    );
    const options = new orderer.etcdraft.Options();
    options.setTickInterval('500ms');
    options.setElectionTick(10);
    options.setHeartbeatTick(1);
    metadata.setOptions(options);
    consensus.setMetadata(metadata.serializeBinary());
  }
  setValue(group, 'ConsensusType', consensus.serializeBinary());
  if (spec.kafkaBrokers) {
    const brokers = new orderer.KafkaBrokers();
    brokers.setBrokersList(spec.kafkaBrokers);
    setValue(group, 'KafkaBrokers', brokers.serializeBinary());
  }
}

/**
 * A channel config naming these application organizations (each MSP id with an anchor peer
 * `peer0.<msp id lower-case>:7051`, its root certificate TEST_CERTIFICATE) and one ordering
 * organization, OrdererMSP, for `configBlock`'s last argument. With `ordering`, its Orderer group
 * also has the ConsensusType value (and KafkaBrokers) that spec describes; without, it has none.
 */
export function membershipConfig(
  mspIds: readonly string[],
  ordering?: OrderingSpec,
): common.Config {
  const application = new common.ConfigGroup();
  for (const mspId of mspIds) {
    const anchor = new peer.AnchorPeer();
    anchor.setHost(`peer0.${mspId.toLowerCase()}`);
    anchor.setPort(7051);
    const anchors = new peer.AnchorPeers();
    anchors.setAnchorPeersList([anchor]);
    application
      .getGroupsMap()
      .set(mspId, orgGroup(mspId, { AnchorPeers: anchors.serializeBinary() }));
  }
  const addresses = new common.OrdererAddresses();
  addresses.setAddressesList(['orderer0:7050']);
  const ordererGroup = new common.ConfigGroup();
  ordererGroup
    .getGroupsMap()
    .set('OrdererOrg', orgGroup('OrdererMSP', { Endpoints: addresses.serializeBinary() }));
  if (ordering) setOrdering(ordererGroup, ordering);
  const root = new common.ConfigGroup();
  root.getGroupsMap().set('Application', application);
  root.getGroupsMap().set('Orderer', ordererGroup);
  const config = new common.Config();
  config.setChannelGroup(root);
  return config;
}
