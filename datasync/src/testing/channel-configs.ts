// SPDX-License-Identifier: Apache-2.0
import { common, msp, peer } from '@hyperledger/fabric-protos';

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

/**
 * A channel config naming these application organizations (each MSP id with an anchor peer
 * `peer0.<msp id lower-case>:7051`, its root certificate TEST_CERTIFICATE) and one ordering
 * organization, OrdererMSP, for `configBlock`'s last argument.
 */
export function membershipConfig(mspIds: readonly string[]): common.Config {
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
  const orderer = new common.ConfigGroup();
  orderer
    .getGroupsMap()
    .set('OrdererOrg', orgGroup('OrdererMSP', { Endpoints: addresses.serializeBinary() }));
  const root = new common.ConfigGroup();
  root.getGroupsMap().set('Application', application);
  root.getGroupsMap().set('Orderer', orderer);
  const config = new common.Config();
  config.setChannelGroup(root);
  return config;
}
