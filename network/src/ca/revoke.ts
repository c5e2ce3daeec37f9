// SPDX-License-Identifier: Apache-2.0
import type { Org, Topology } from '../topology/topology';
import { UserError } from '../errors';
import { setChannelCrl } from './channel-crl';
import { registrarCredentials, restClient } from './client';
import { caOrgOf } from './layout';

/**
 * The member orgs named (by name or MSP id; all when none is named) of a network made with CAs.
 */
export function caMemberOrgs(topology: Topology, orgName?: string): Org[] {
  if (topology.options.crypto !== 'ca') {
    throw new UserError(
      'this network has no CAs (it was made with --crypto cryptogen)',
      'revocation needs a network made with --crypto ca',
    );
  }
  if (orgName === undefined) return topology.orgs;
  const org = topology.orgs.find(
    (candidate) =>
      candidate.name.toLowerCase() === orgName.toLowerCase() || candidate.mspId === orgName,
  );
  if (!org) {
    throw new UserError(
      `no organization '${orgName}' in this network`,
      `pass --org ${topology.orgs.map((candidate) => candidate.name).join(' or --org ')}`,
    );
  }
  return [org];
}

/**
 * Revokes an identity of a member org so the ledger refuses it: every certificate of it is
 * revoked at the org's intermediate CA, and the CA's new CRL goes into the org's channel MSP.
 */
export async function revokeIdentity(
  home: string,
  topology: Topology,
  orgName: string,
  enrollmentId: string,
  reason = 'unspecified',
): Promise<void> {
  const [org] = caMemberOrgs(topology, orgName) as [Org];
  const ca = caOrgOf(topology, org).intermediate;
  const crl = await restClient(ca).revoke(await registrarCredentials(ca), enrollmentId, reason);
  await setChannelCrl(home, topology, org, crl);
}
