// SPDX-License-Identifier: Apache-2.0
/**
 * The edits to a decoded channel configuration that make an organization a member or take it
 * out: its group under the application channel's Application section, and (under Kafka, or a
 * network that keeps a system channel) under the system channel's consortium, which governs
 * who may create channels.
 */
import { UserError } from '../errors';
import type { Json } from '../fabric/config-update';
import { CONSORTIUM } from '../templates/configtx';

function childGroups(config: Json, path: string[], what: string): Json {
  let group = config.channel_group as Json | undefined;
  for (const name of path) {
    group = (group?.groups as Json | undefined)?.[name] as Json | undefined;
    if (!group) throw new UserError(`the channel configuration has no ${what}`);
  }
  const groups = (group?.groups as Json | undefined) ?? {};
  if (group) group.groups = groups;
  return groups;
}

const APPLICATION = ['Application'];
const CONSORTIUM_PATH = ['Consortiums', CONSORTIUM];

/** The member organizations (MSP ids) of an application channel's configuration. */
export function applicationMembers(config: Json): string[] {
  return Object.keys(childGroups(config, APPLICATION, 'Application section')).sort();
}

/** Adds the org's group to the Application section. */
export function addApplicationMember(config: Json, mspId: string, definition: Json): void {
  const groups = childGroups(config, APPLICATION, 'Application section');
  if (groups[mspId]) throw new UserError(`${mspId} is already a member of the channel`);
  groups[mspId] = structuredClone(definition);
}

/** Removes the org's group from the Application section; the last member cannot leave. */
export function removeApplicationMember(config: Json, mspId: string): void {
  const groups = childGroups(config, APPLICATION, 'Application section');
  if (!groups[mspId]) {
    throw new UserError(
      `${mspId} is not a member of the channel`,
      `members: ${Object.keys(groups).sort().join(', ')}`,
    );
  }
  if (Object.keys(groups).length === 1) {
    throw new UserError(`${mspId} is the channel's last member and cannot leave it`);
  }
  // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- the group is keyed by MSP id
  delete groups[mspId];
}

/** A consortium member's group: the org's group without anchor peers, which channels hold. */
function consortiumGroup(definition: Json): Json {
  const group = structuredClone(definition);
  const values = { ...((group.values as Json | undefined) ?? {}) };
  delete values.AnchorPeers;
  group.values = values;
  return group;
}

/** Adds the org to the system channel's consortium; true when it changed anything. */
export function addConsortiumMember(config: Json, mspId: string, definition: Json): boolean {
  const groups = childGroups(config, CONSORTIUM_PATH, `consortium ${CONSORTIUM}`);
  if (groups[mspId]) return false;
  groups[mspId] = consortiumGroup(definition);
  return true;
}

/** Removes the org from the system channel's consortium; true when it changed anything. */
export function removeConsortiumMember(config: Json, mspId: string): boolean {
  const groups = childGroups(config, CONSORTIUM_PATH, `consortium ${CONSORTIUM}`);
  if (!groups[mspId]) return false;
  // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- the group is keyed by MSP id
  delete groups[mspId];
  return true;
}
