// SPDX-License-Identifier: Apache-2.0
import { X509Certificate } from 'node:crypto';

import { common, msp, peer } from '@hyperledger/fabric-protos';

import type { Ordering } from './ordering';
import { decodeOrdering } from './ordering';

export type { Consenter, ConsensusState, Ordering } from './ordering';

/** An application organization of a channel, as its config block defines it. */
export interface ChannelMember {
  /** The organization's group name in the channel config. */
  name: string;
  mspId: string;
  /** The peers other organizations' peers gossip with first (host:port as configured). */
  anchorPeers: { host: string; port: number }[];
  /** Subjects of the MSP's root CA certificates, which identify who the org trusts. */
  rootCertSubjects: string[];
}

/** An ordering organization of a channel. */
export interface OrdererOrg {
  name: string;
  mspId: string;
  endpoints: string[];
}

export interface ChannelConfig {
  members: ChannelMember[];
  ordererOrgs: OrdererOrg[];
  /** Consensus type and state, consenters or brokers; null without a ConsensusType value. */
  ordering: Ordering | null;
}

function certificateSubject(pem: Uint8Array): string {
  try {
    return new X509Certificate(Buffer.from(pem)).subject.replace(/\n/g, ',');
  } catch {
    return '(unreadable certificate)';
  }
}

/** The MSP id and root CA subjects of an organization group; undefined for a non-Fabric MSP. */
function orgMsp(group: common.ConfigGroup): { mspId: string; roots: string[] } | undefined {
  const value = group.getValuesMap().get('MSP');
  if (!value) return undefined;
  const config = msp.MSPConfig.deserializeBinary(value.getValue_asU8());
  // type 0 is a Fabric (X.509) MSP, the only kind whose config names the organization
  if (config.getType() !== 0) return undefined;
  const fabric = msp.FabricMSPConfig.deserializeBinary(config.getConfig_asU8());
  return { mspId: fabric.getName(), roots: fabric.getRootCertsList_asU8().map(certificateSubject) };
}

function groupsOf(group: common.ConfigGroup | undefined): [string, common.ConfigGroup][] {
  if (!group) return [];
  const entries: [string, common.ConfigGroup][] = [];
  group.getGroupsMap().forEach((child: common.ConfigGroup, name: string) => {
    entries.push([name, child]);
  });
  return entries.sort(([a], [b]) => a.localeCompare(b));
}

function applicationMember(name: string, group: common.ConfigGroup): ChannelMember | undefined {
  const identity = orgMsp(group);
  if (!identity) return undefined;
  const anchors = group.getValuesMap().get('AnchorPeers');
  const anchorPeers = anchors
    ? peer.AnchorPeers.deserializeBinary(anchors.getValue_asU8())
        .getAnchorPeersList()
        .map((anchor) => ({ host: anchor.getHost(), port: anchor.getPort() }))
    : [];
  return { name, mspId: identity.mspId, anchorPeers, rootCertSubjects: identity.roots };
}

function ordererOrg(name: string, group: common.ConfigGroup): OrdererOrg | undefined {
  const identity = orgMsp(group);
  if (!identity) return undefined;
  const endpoints = group.getValuesMap().get('Endpoints');
  return {
    name,
    mspId: identity.mspId,
    endpoints: endpoints
      ? common.OrdererAddresses.deserializeBinary(endpoints.getValue_asU8()).getAddressesList()
      : [],
  };
}

/**
 * The membership a config block sets: its application organizations (with anchor peers) and
 * ordering organizations, and how it has the channel ordered. Undefined for a block that is not a
 * config block.
 */
export function decodeChannelConfig(block: common.Block): ChannelConfig | undefined {
  const entries = block.getData()?.getDataList_asU8() ?? [];
  if (entries.length !== 1 || !entries[0]) return undefined;
  const payload = common.Payload.deserializeBinary(
    common.Envelope.deserializeBinary(entries[0]).getPayload_asU8(),
  );
  const header = common.ChannelHeader.deserializeBinary(
    payload.getHeader()?.getChannelHeader_asU8() ?? new Uint8Array(),
  );
  if (header.getType() !== common.HeaderType.CONFIG) return undefined;
  const root = common.ConfigEnvelope.deserializeBinary(payload.getData_asU8())
    .getConfig()
    ?.getChannelGroup();
  if (!root) return undefined;
  const top = root.getGroupsMap();
  return {
    members: groupsOf(top.get('Application'))
      .map(([name, group]) => applicationMember(name, group))
      .filter((member): member is ChannelMember => member !== undefined),
    ordererOrgs: groupsOf(top.get('Orderer'))
      .map(([name, group]) => ordererOrg(name, group))
      .filter((org): org is OrdererOrg => org !== undefined),
    ordering: decodeOrdering(root) ?? null,
  };
}
