// SPDX-License-Identifier: Apache-2.0
import type { Json } from '../fabric/config-update';
import { orgAdmin, updateChannelConfig } from '../fabric/config-update';
import type { Org, Topology } from '../topology/topology';

/** The org's MSP definition inside a decoded channel config. */
function orgMspConfig(config: Json, mspId: string): Json {
  const groups = (config.channel_group as Json).groups as Json;
  const org = ((groups.Application as Json).groups as Json)[mspId] as Json | undefined;
  if (!org) throw new Error(`the channel has no application org ${mspId}`);
  return ((((org.values as Json).MSP as Json).value as Json).config as Json) ?? {};
}

/**
 * The channel config with `crlPem` as the org's MSP CRL (a copy; `config` is left as it is). The
 * CRL replaces the org's previous one, since the CA's newest CRL lists every certificate it has
 * revoked.
 */
export function withChannelCrl(config: Json, mspId: string, crlPem: string): Json {
  const updated = structuredClone(config);
  orgMspConfig(updated, mspId).revocation_list = [Buffer.from(crlPem).toString('base64')];
  return updated;
}

/**
 * Puts a CRL into an org's MSP in the channel configuration, so every peer and orderer rejects
 * the certificates it lists. It is a config update of the org's own group, which the org's
 * Admins policy governs, so the org's admin alone fetches, signs and submits it. The CRL
 * replaces the org's previous one, since the CA's newest CRL lists every certificate it has
 * revoked.
 */
export async function setChannelCrl(
  home: string,
  topology: Topology,
  org: Org,
  crlPem: string,
): Promise<void> {
  await updateChannelConfig(
    { home, topology },
    {
      channel: topology.options.channel,
      submitter: orgAdmin(topology, org),
      edit: (config) => {
        orgMspConfig(config, org.mspId).revocation_list = [Buffer.from(crlPem).toString('base64')];
      },
    },
  );
}
