// SPDX-License-Identifier: Apache-2.0
// Token configuration and roles: the immutable config, the admin organization
// and the minter rule, all under `token` + [name] keys.
import type { Context } from 'fabric-contract-api';
import {
  callerAttribute,
  callerMspId,
  callerUser,
  requireCallerMsp,
  requireOrgWide,
} from '../common/access';
import { formatAmount } from '../common/amounts';
import { ChaincodeError, ErrorCode, forbidden, invalidArgument } from '../common/errors';
import { getJson } from '../common/ledger';
import { requireIdentifier, requireText } from '../common/validation';
import type { MinterRule, TokenInfo } from '../model/token';
import { TOKEN_OBJECT_TYPE } from '../contract/keys';

export { TOKEN_OBJECT_TYPE };

const MAX_MINTER_MSPS = 64;

/** Immutable after Initialize, so every transfer may read it without conflicts. */
export interface TokenConfig {
  name: string;
  symbol: string;
  decimals: number;
  /** Base units. */
  cap: string;
}

export interface AdminRecord {
  mspId: string;
}

export function tokenKey(ctx: Context, name: 'config' | 'admin' | 'minterRule' | 'minted'): string {
  return ctx.stub.createCompositeKey(TOKEN_OBJECT_TYPE, [name]);
}

export async function loadConfig(ctx: Context): Promise<TokenConfig> {
  const config = await getJson<TokenConfig>(ctx, tokenKey(ctx, 'config'));
  if (!config) {
    throw new ChaincodeError(ErrorCode.NOT_INITIALIZED, 'token is not initialized');
  }
  return config;
}

/** Admin record and minter rule exist whenever the config does (Initialize writes all three). */
export async function loadAdmin(ctx: Context): Promise<AdminRecord> {
  return (await getJson<AdminRecord>(ctx, tokenKey(ctx, 'admin'))) as AdminRecord;
}

export async function loadMinterRule(ctx: Context): Promise<MinterRule> {
  return (await getJson<MinterRule>(ctx, tokenKey(ctx, 'minterRule'))) as MinterRule;
}

export async function requireAdmin(ctx: Context, action: string): Promise<AdminRecord> {
  const admin = await loadAdmin(ctx);
  requireCallerMsp(ctx, admin.mspId, action);
  requireOrgWide(ctx, action);
  return admin;
}

export async function requireMinter(ctx: Context, action: string): Promise<void> {
  const rule = await loadMinterRule(ctx);
  const msp = callerMspId(ctx);
  const mspAllowed = rule.mspIds.length === 0 || rule.mspIds.includes(msp);
  const attributeAllowed =
    rule.attributeName === '' || callerAttribute(ctx, rule.attributeName) === rule.attributeValue;
  // a user's own certificate mints only when the rule names an attribute, never by MSP alone
  const userAllowed = rule.attributeName !== '' || callerUser(ctx) === undefined;
  if (!mspAllowed || !attributeAllowed || !userAllowed) {
    throw forbidden(`${action} requires a minter; the caller does not satisfy the minter rule`);
  }
}

/**
 * fabric-contract-api 2.5 hands each item of a string[] parameter over still
 * JSON-quoted ('"Org1MSP"'); identifiers never contain quotes, so unquoting is
 * unambiguous and direct callers (tests) may pass plain strings.
 */
function unquote(item: unknown): unknown {
  if (typeof item === 'string' && item.length >= 2 && item.startsWith('"') && item.endsWith('"')) {
    try {
      return JSON.parse(item) as unknown;
    } catch {
      return item;
    }
  }
  return item;
}

export function validateRule(
  mspIds: unknown,
  attributeName: unknown,
  attributeValue: unknown,
): MinterRule {
  if (!Array.isArray(mspIds) || mspIds.length > MAX_MINTER_MSPS) {
    throw invalidArgument(
      'mspIds',
      `mspIds must be an array of at most ${MAX_MINTER_MSPS} MSP ids`,
    );
  }
  const ids = mspIds.map((id) => requireIdentifier('mspIds', unquote(id)));
  if (new Set(ids).size !== ids.length) {
    throw invalidArgument('mspIds', 'mspIds must not repeat');
  }
  if (typeof attributeName !== 'string' || typeof attributeValue !== 'string') {
    throw invalidArgument('attributeName', 'attributeName and attributeValue must be strings');
  }
  if (attributeName === '') {
    if (attributeValue !== '') {
      throw invalidArgument('attributeValue', 'attributeValue needs an attributeName');
    }
    if (ids.length === 0) {
      // Otherwise every member of every organization could mint.
      throw invalidArgument('mspIds', 'a rule needs MSP ids, an attribute, or both');
    }
  } else {
    requireIdentifier('attributeName', attributeName);
    requireText('attributeValue', attributeValue, 256);
  }
  // Sorted so the stored rule does not depend on the caller's ordering.
  return { mspIds: [...ids].sort(), attributeName, attributeValue };
}

export function tokenInfo(
  config: TokenConfig,
  admin: AdminRecord,
  rule: MinterRule,
  supply: bigint,
): TokenInfo {
  return {
    name: config.name,
    symbol: config.symbol,
    decimals: config.decimals,
    cap: formatAmount(BigInt(config.cap), config.decimals),
    totalSupply: formatAmount(supply, config.decimals),
    adminMspId: admin.mspId,
    minterRule: rule,
  };
}
