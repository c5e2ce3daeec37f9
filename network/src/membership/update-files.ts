// SPDX-License-Identifier: Apache-2.0
/**
 * Membership changes as config update envelope files that travel between organizations: one
 * admin creates the file, each admin whose signature the channel's policies require signs it in
 * their own environment (here, or with `peer channel signconfigtx`), and one submits it. Before
 * a submit the signatures are checked against the current configuration, so a missing one is
 * named here instead of surfacing as the orderer's bare policy failure.
 */
import type { PolicyCheck, Signer } from '../fabric/config-signatures';
import {
  missingSignatures,
  organizationsToSign,
  signatureChecks,
} from '../fabric/config-signatures';
import type {
  ConfigAdmin,
  ConfigUpdateContext,
  DecodedEnvelope,
  Json,
} from '../fabric/config-update';
import {
  fetchChannelConfig,
  orgAdmin,
  ordererAdmin,
  readUpdateEnvelope,
  signUpdateEnvelope,
  submitUpdateEnvelope,
  writeUpdateEnvelope,
} from '../fabric/config-update';
import { UserError } from '../errors';
import { SYSTEM_CHANNEL } from '../templates/configtx';
import type { Topology } from '../topology/topology';
import { firstOrg, ORDERER_MSP_ID } from '../topology/topology';
import {
  addApplicationMember,
  addConsortiumMember,
  removeApplicationMember,
  removeConsortiumMember,
} from './channel-members';
import { definitionMspId } from './org-material';

/** `orderer`, an org's name (Org1) or its MSP id (Org1MSP): whose admin acts. */
export function adminNamed(topology: Topology, who: string): ConfigAdmin {
  if (who === 'orderer' || who === ORDERER_MSP_ID) return ordererAdmin(topology);
  const org = topology.orgs.find((candidate) => candidate.name === who || candidate.mspId === who);
  if (!org) {
    throw new UserError(
      `no organization ${who} in this network`,
      `use orderer or one of ${topology.orgs.map((candidate) => candidate.name).join(', ')}`,
    );
  }
  return orgAdmin(topology, org);
}

/** Who reads a channel's config by default: the orderer admin for the system channel. */
export function defaultReader(topology: Topology, channel: string): ConfigAdmin {
  return channel === SYSTEM_CHANNEL
    ? ordererAdmin(topology)
    : orgAdmin(topology, firstOrg(topology));
}

export type MembershipChange = { add: Json } | { remove: string };

/** Applies the change to a decoded config of the application channel or the system channel. */
export function applyMembershipChange(config: Json, channel: string, change: MembershipChange) {
  if (channel === SYSTEM_CHANNEL) {
    const changed =
      'add' in change
        ? addConsortiumMember(config, definitionMspId(change.add), change.add)
        : removeConsortiumMember(config, change.remove);
    if (!changed) throw new UserError(`the consortium already reflects that change`);
  } else if ('add' in change) {
    addApplicationMember(config, definitionMspId(change.add), change.add);
  } else {
    removeApplicationMember(config, change.remove);
  }
}

/** Writes an unsigned envelope that adds or removes an org on `channel`. */
export async function createMembershipUpdate(
  context: ConfigUpdateContext,
  request: { channel: string; change: MembershipChange; output: string; reader?: ConfigAdmin },
): Promise<void> {
  const { channel } = request;
  const original = await fetchChannelConfig(
    context,
    channel,
    request.reader ?? defaultReader(context.topology, channel),
  );
  const updated = structuredClone(original);
  applyMembershipChange(updated, channel, request.change);
  await writeUpdateEnvelope(context, channel, original, updated, request.output);
}

export interface EnvelopeStatus {
  channel: string;
  signers: Signer[];
  checks: PolicyCheck[];
  /** Organizations whose admins may still sign to complete the required policies. */
  stillToSign: string[];
  complete: boolean;
}

/**
 * The envelope's signatures against the channel's current policies; `extra` counts admins who
 * will sign on submit (the submitter).
 */
export async function envelopeStatus(
  context: ConfigUpdateContext,
  file: string,
  options: { reader?: ConfigAdmin; extra?: ConfigAdmin[] } = {},
): Promise<EnvelopeStatus> {
  const envelope = await readUpdateEnvelope(context, file);
  const config = await fetchChannelConfig(
    context,
    envelope.channel,
    options.reader ?? defaultReader(context.topology, envelope.channel),
  );
  return statusAgainst(
    config,
    envelope,
    (options.extra ?? []).map((admin) => admin.mspId),
  );
}

/**
 * The envelope's signatures, with the admins of `submitters` (who sign as they submit), against
 * the policies of `config`.
 */
export function statusAgainst(
  config: Json,
  envelope: DecodedEnvelope,
  submitters: readonly string[] = [],
): EnvelopeStatus {
  const signers = [
    ...envelope.signers,
    ...submitters.map((mspId) => ({ mspId, admin: true, subject: 'OU=admin' })),
  ];
  const checks = signatureChecks(config, envelope.update, signers);
  return {
    channel: envelope.channel,
    signers: envelope.signers,
    checks,
    stillToSign: organizationsToSign(checks),
    complete: missingSignatures(checks) === undefined,
  };
}

/** Signs the envelope as `admin`, after checking it is one (a malformed file is refused). */
export async function signEnvelopeFile(
  context: ConfigUpdateContext,
  file: string,
  admin: ConfigAdmin,
): Promise<EnvelopeStatus> {
  const before = await readUpdateEnvelope(context, file);
  if (before.signers.some((signer) => signer.mspId === admin.mspId && signer.admin)) {
    throw new UserError(`${file} already carries a signature of ${admin.mspId}'s admin`);
  }
  await signUpdateEnvelope(context, file, admin);
  return envelopeStatus(context, file);
}

/**
 * Submits the envelope as `admin` once its signatures, with the submitter's, satisfy every policy
 * the update needs; otherwise refuses, naming the organizations that still must sign.
 */
export async function submitEnvelopeFile(
  context: ConfigUpdateContext,
  file: string,
  admin: ConfigAdmin,
): Promise<EnvelopeStatus> {
  const status = await envelopeStatus(context, file, { extra: [admin] });
  if (!status.complete) {
    throw new UserError(
      `the config update in ${file} lacks required signatures: ${missingSignatures(status.checks) ?? ''}`,
      `have their admins run \`consortia org update sign --file ${file} --org <org>\` (or \`peer channel signconfigtx -f ${file}\`), then submit again`,
    );
  }
  await submitUpdateEnvelope(context, status.channel, file, admin);
  return status;
}
