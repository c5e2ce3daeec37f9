// SPDX-License-Identifier: Apache-2.0
/**
 * Which signatures a channel config update needs, worked out from the decoded channel config and
 * update the way the orderer checks them: every element of the write set whose version moves on
 * must satisfy its modification policy in the current config (a group's own policy for a group,
 * the enclosing group's for a value or policy). Policies are evaluated against the signers'
 * MSP ids and roles, so `org update status` and a refused submit can name the organizations that
 * still must sign.
 */
import crypto from 'node:crypto';

export type Json = Record<string, unknown>;

/** A decoded config field that should be a string, or `fallback` when it is not one. */
export function text(value: unknown, fallback = ''): string {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : fallback;
}

/** One signature on a config update: who made it. */
export interface Signer {
  mspId: string;
  /** Whether the certificate carries the admin role (NodeOU `admin`). */
  admin: boolean;
  subject: string;
}

/** The signer of one ConfigSignature as configtxlator decodes it. */
export function signerOf(signature: Json, index = 0): Signer {
  const header = signature.signature_header as Json | undefined;
  const creator = header?.creator as Json | undefined;
  const mspId = typeof creator?.mspid === 'string' ? creator.mspid : '';
  if (!mspId) throw new Error(`signature ${index + 1} names no MSP`);
  let subject: string;
  try {
    const pem = Buffer.from(text(creator?.id_bytes), 'base64').toString('utf8');
    subject = new crypto.X509Certificate(pem).subject;
  } catch {
    subject = '';
  }
  return { mspId, admin: /^OU=admin$/m.test(subject), subject };
}

/** One modification policy an update must satisfy, and whether the signatures do. */
export interface PolicyCheck {
  /** The policy's path, e.g. /Channel/Application/Admins. */
  policy: string;
  /** What it asks for, e.g. "MAJORITY of Admins of Org1MSP, Org2MSP". */
  rule: string;
  satisfied: boolean;
  /** When unsatisfied: how many more signatures, and whose would count. */
  needed: number;
  candidates: string[];
}

interface Evaluation {
  satisfied: boolean;
  rule: string;
  needed: number;
  candidates: string[];
}

const ROLE_OU: Record<string, string> = { PEER: 'peer', CLIENT: 'client', ORDERER: 'orderer' };

function satisfiesPrincipal(signer: Signer, identity: Json): boolean {
  if (
    identity.principal_classification !== undefined &&
    identity.principal_classification !== 'ROLE'
  ) {
    return false;
  }
  const principal = (identity.principal as Json | undefined) ?? {};
  if (principal.msp_identifier !== signer.mspId) return false;
  const role = text(principal.role, 'MEMBER');
  if (role === 'MEMBER') return true;
  if (role === 'ADMIN') return signer.admin;
  const ou = ROLE_OU[role];
  return ou !== undefined && new RegExp(`^OU=${ou}$`, 'm').test(signer.subject);
}

function principalMsp(identity: Json): string {
  return text((identity.principal as Json | undefined)?.msp_identifier, '?');
}

function evaluateRule(rule: Json, identities: Json[], signers: Signer[]): Evaluation {
  const nOutOf = rule.n_out_of as Json | undefined;
  if (!nOutOf) {
    const identity = identities[Number(rule.signed_by ?? 0)] ?? {};
    const msp = principalMsp(identity);
    const role = text((identity.principal as Json | undefined)?.role, 'MEMBER');
    const satisfied = signers.some((signer) => satisfiesPrincipal(signer, identity));
    return {
      satisfied,
      rule: `${msp}.${role.toLowerCase()}`,
      needed: satisfied ? 0 : 1,
      candidates: [msp],
    };
  }
  const rules = ((nOutOf.rules as Json[] | undefined) ?? []).map((sub) =>
    evaluateRule(sub, identities, signers),
  );
  const n = Number(nOutOf.n ?? 0);
  const met = rules.filter((sub) => sub.satisfied).length;
  const missing = rules.filter((sub) => !sub.satisfied);
  return {
    satisfied: met >= n,
    rule: `${n} of (${rules.map((sub) => sub.rule).join(', ')})`,
    needed: Math.max(0, n - met),
    candidates: unique(missing.flatMap((sub) => sub.candidates)),
  };
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

function groupAt(config: Json, groupPath: string[]): Json | undefined {
  let group = config.channel_group as Json | undefined;
  for (const name of groupPath.slice(1)) {
    group = (group?.groups as Json | undefined)?.[name] as Json | undefined;
  }
  return group;
}

function evaluatePolicy(
  config: Json,
  groupPath: string[],
  name: string,
  signers: Signer[],
): Evaluation {
  const group = groupAt(config, groupPath);
  const policy = ((group?.policies as Json | undefined)?.[name] as Json | undefined)?.policy as
    Json | undefined;
  const where = `/${[...groupPath, name].join('/')}`;
  if (!policy) return { satisfied: false, rule: `${where} (missing)`, needed: 1, candidates: [] };
  const value = (policy.value as Json | undefined) ?? {};
  if (Number(policy.type) === 1) {
    return evaluateRule(
      (value.rule as Json | undefined) ?? {},
      (value.identities as Json[]) ?? [],
      signers,
    );
  }
  if (Number(policy.type) === 3) {
    const subPolicy = text(value.sub_policy, '');
    const children = Object.keys((group?.groups as Json | undefined) ?? {}).sort();
    const results = children.map((child) =>
      evaluatePolicy(config, [...groupPath, child], subPolicy, signers),
    );
    const kind = text(value.rule, 'ANY');
    const threshold =
      kind === 'ALL'
        ? children.length
        : kind === 'MAJORITY'
          ? Math.floor(children.length / 2) + 1
          : 1;
    const met = results.filter((result) => result.satisfied).length;
    const missing = results.filter((result) => !result.satisfied);
    return {
      satisfied: met >= threshold,
      rule: `${kind} of ${subPolicy} of ${children.join(', ')}`,
      needed: Math.max(0, threshold - met),
      candidates: unique(missing.flatMap((result) => result.candidates)),
    };
  }
  return {
    satisfied: false,
    rule: `${where} (policy type ${text(policy.type, '?')})`,
    needed: 1,
    candidates: [],
  };
}

function version(element: Json | undefined): number {
  return Number(element?.version ?? 0);
}

/** The paths of the modification policies the update's changes fall under. */
export function modificationPolicies(config: Json, update: Json): string[] {
  const policies = new Set<string>();
  const resolve = (groupPath: string[], modPolicy: unknown) => {
    const name = text(modPolicy, '');
    policies.add(name.startsWith('/') ? name : `/${[...groupPath, name].join('/')}`);
  };
  const walk = (groupPath: string[], written: Json, existing: Json | undefined) => {
    if (existing && version(written) !== version(existing)) resolve(groupPath, existing.mod_policy);
    for (const kind of ['values', 'policies'] as const) {
      const items = (written[kind] as Json | undefined) ?? {};
      const current = (existing?.[kind] as Json | undefined) ?? {};
      for (const [name, item] of Object.entries(items)) {
        const before = current[name] as Json | undefined;
        if (before && version(item as Json) !== version(before))
          resolve(groupPath, before.mod_policy);
      }
    }
    const currentGroups = (existing?.groups as Json | undefined) ?? {};
    for (const [name, child] of Object.entries((written.groups as Json | undefined) ?? {})) {
      const before = currentGroups[name] as Json | undefined;
      // a new group is covered by its parent's version bump; nothing inside it is checked
      if (before) walk([...groupPath, name], child as Json, before);
    }
  };
  const writeSet = update.write_set as Json | undefined;
  if (writeSet) walk(['Channel'], writeSet, config.channel_group as Json | undefined);
  return [...policies].sort();
}

/** Each modification policy the update needs, evaluated against the signers present. */
export function signatureChecks(config: Json, update: Json, signers: Signer[]): PolicyCheck[] {
  return modificationPolicies(config, update).map((policy) => {
    const parts = policy.split('/').filter(Boolean);
    const name = parts.pop() ?? '';
    const result = evaluatePolicy(config, parts, name, signers);
    return { policy, ...result };
  });
}

/** Says who still must sign, or nothing when every check passes. */
export function missingSignatures(checks: PolicyCheck[]): string | undefined {
  const unmet = checks.filter((check) => !check.satisfied);
  if (unmet.length === 0) return undefined;
  return unmet
    .map((check) => {
      const plural = check.needed === 1 ? '' : 's';
      const whom =
        check.candidates.length === 0
          ? 'nobody who can sign'
          : check.needed >= check.candidates.length
            ? `each of ${check.candidates.join(', ')}`
            : `any ${check.needed} of ${check.candidates.join(', ')}`;
      return `${check.policy} (${check.rule}) needs ${check.needed} more admin signature${plural}, from ${whom}`;
    })
    .join('; ');
}

/** The organizations still able to complete every unmet check. */
export function organizationsToSign(checks: PolicyCheck[]): string[] {
  return unique(checks.filter((check) => !check.satisfied).flatMap((check) => check.candidates));
}
