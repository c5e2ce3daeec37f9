// SPDX-License-Identifier: Apache-2.0
/**
 * A committed chaincode definition's endorsement policy, read back from the channel, and how it
 * changes when an organization joins or leaves. A policy that refers to the channel's
 * Endorsement policy (the default: a majority of the members) follows the membership by itself;
 * a signature policy names organizations and moves on to a new definition sequence.
 */
import fs from 'node:fs';
import path from 'node:path';

import { queryCommitted } from '../chaincode/lifecycle';
import { UserError } from '../errors';
import { text } from '../fabric/config-signatures';
import type { Json } from '../fabric/config-update';
import { withScratchDir } from '../fabric/config-update';
import type { NetworkContext } from '../fabric/network';
import { runFabric } from '../fabric/tools';

export type EndorsementPolicy = { reference: string } | { signature: Json };

export interface CommittedDefinition {
  name: string;
  sequence: number;
  version: string;
  policy: EndorsementPolicy;
  /** True when the definition configures explicit private data collections. */
  hasCollections: boolean;
}

/** The chaincode's committed definition on the channel, as the first org's admin sees it. */
export async function committedDefinition(
  context: Pick<NetworkContext, 'home' | 'topology'>,
  name: string,
): Promise<CommittedDefinition> {
  const { home } = context;
  const output = await queryCommitted(context, name);
  const committed = JSON.parse(
    output.slice(output.indexOf('{'), output.lastIndexOf('}') + 1),
  ) as Json;
  const parameter = Buffer.from(text(committed.validation_parameter), 'base64');
  const decoded = await withScratchDir('policy', async (dir) => {
    fs.writeFileSync(path.join(dir, 'policy.pb'), parameter);
    await runFabric(
      'configtxlator',
      [
        'proto_decode',
        '--type',
        'protos.ApplicationPolicy',
        '--input',
        path.join(dir, 'policy.pb'),
        '--output',
        path.join(dir, 'policy.json'),
      ],
      { home },
    );
    return JSON.parse(fs.readFileSync(path.join(dir, 'policy.json'), 'utf8')) as Json;
  });
  const reference = text(decoded.channel_config_policy_reference);
  const collections = (committed.collections as Json | undefined)?.config as Json[] | undefined;
  return {
    name,
    sequence: Number(committed.sequence ?? 0),
    version: text(committed.version),
    policy: reference ? { reference } : { signature: (decoded.signature_policy as Json) ?? {} },
    hasCollections: (collections ?? []).length > 0,
  };
}

const ROLES = ['MEMBER', 'ADMIN', 'CLIENT', 'PEER', 'ORDERER'];

/**
 * An MSPRole from its protobuf bytes (field 1: MSP id, field 2: role), which configtxlator leaves
 * encoded inside an ApplicationPolicy (it decodes them only inside a channel config).
 */
export function decodeMspRole(bytes: Buffer): { msp_identifier: string; role: string } {
  let msp = '';
  let role = 0;
  let offset = 0;
  const varint = () => {
    let value = 0;
    let shift = 0;
    for (;;) {
      const byte = bytes[offset++] ?? 0;
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80 || offset >= bytes.length) return value;
      shift += 7;
    }
  };
  while (offset < bytes.length) {
    const key = varint();
    if (key === 0x0a) {
      const length = varint();
      msp = bytes.subarray(offset, offset + length).toString('utf8');
      offset += length;
    } else if (key === 0x10) {
      role = varint();
    } else {
      break;
    }
  }
  return { msp_identifier: msp, role: ROLES[role] ?? 'MEMBER' };
}

function principal(identities: Json[], index: number): { msp: string; role: string } {
  const encoded = identities[index]?.principal;
  const identity =
    typeof encoded === 'string'
      ? decodeMspRole(Buffer.from(encoded, 'base64'))
      : ((encoded as Json | undefined) ?? {});
  return {
    msp: text(identity.msp_identifier),
    role: text(identity.role, 'MEMBER').toLowerCase(),
  };
}

/** A signature policy envelope (decoded) as the peer CLI's policy language writes it. */
export function renderSignaturePolicy(envelope: Json): string {
  const identities = (envelope.identities as Json[] | undefined) ?? [];
  const render = (rule: Json): string => {
    const nOutOf = rule.n_out_of as Json | undefined;
    if (!nOutOf) {
      const { msp, role } = principal(identities, Number(rule.signed_by ?? 0));
      return `'${msp}.${role}'`;
    }
    const rules = ((nOutOf.rules as Json[] | undefined) ?? []).map(render);
    return `OutOf(${Number(nOutOf.n ?? 0)}, ${rules.join(', ')})`;
  };
  return render((envelope.rule as Json | undefined) ?? {});
}

/**
 * The signature policy after `mspId` joins (`add`) or leaves: for a policy of one principal per
 * organization (OR, AND or k-out-of), the same role for the new member set, where "all" stays all,
 * "any" stays any and anything in between becomes a majority. Undefined when nothing changes (a
 * leaving org the policy does not name). Other shapes are refused with what to do instead.
 */
export function policyAfter(
  envelope: Json,
  mspId: string,
  change: 'add' | 'remove',
): string | undefined {
  const identities = (envelope.identities as Json[] | undefined) ?? [];
  const nOutOf = (envelope.rule as Json | undefined)?.n_out_of as Json | undefined;
  const rules = (nOutOf?.rules as Json[] | undefined) ?? [];
  const principals = rules.map((rule) =>
    rule.n_out_of === undefined ? principal(identities, Number(rule.signed_by ?? 0)) : undefined,
  );
  const msps = principals.map((entry) => entry?.msp);
  const role = principals[0]?.role;
  if (
    !nOutOf ||
    principals.some((entry) => entry === undefined) ||
    new Set(msps).size !== msps.length ||
    !role
  ) {
    throw new UserError(
      `the endorsement policy ${renderSignaturePolicy(envelope)} is not one principal per organization, so it cannot be moved on for ${mspId}`,
      'deploy the chaincode with the policy you want (`consortia deploy-chaincode --policy ...`)',
    );
  }
  const current = msps as string[];
  if (change === 'remove' && !current.includes(mspId)) return undefined;
  if (change === 'add' && current.includes(mspId)) return undefined;
  const members = change === 'add' ? [...current, mspId] : current.filter((msp) => msp !== mspId);
  const n = Number(nOutOf.n ?? 0);
  const wanted =
    n >= current.length ? members.length : n <= 1 ? 1 : Math.floor(members.length / 2) + 1;
  return `OutOf(${wanted}, ${members.map((msp) => `'${msp}.${role}'`).join(', ')})`;
}
