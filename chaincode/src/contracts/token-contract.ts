// TokenContract: the consortium's fungible token.
//
// State design (see README): a credit never reads the recipient's state; it
// writes a fresh key `credit` + [account, txId]. Only the account's owner reads
// its own keys (balance + credits) when debiting, and folds them back into the
// `balance` key at that moment. So any number of concurrent transfers to one
// account commit together.
// eslint-disable-next-line @typescript-eslint/consistent-type-imports -- the Context class must exist at run time for decorator metadata
import { Context, Contract, Info, Param, Returns, Transaction } from 'fabric-contract-api';
import type { Iterators } from 'fabric-shim';
import { callerAccountId, callerAttribute, callerMspId, requireCallerMsp } from '../common/access';
import {
  MAX_AMOUNT,
  formatAmount,
  parseAmount,
  parseBaseUnits,
  validateDecimals,
} from '../common/amounts';
import {
  ChaincodeError,
  ErrorCode,
  alreadyExists,
  forbidden,
  invalidArgument,
} from '../common/errors';
import { claimRequestId } from '../common/idempotency';
import { decodeUtf8, drain, emitEvent, getJson, putJson } from '../common/ledger';
import { requireIdentifier, requireText } from '../common/validation';
// Side-effect import: registers the @Object types the metadata refers to.
import '../model/token';
import type { MinterRule, TokenInfo } from '../model/token';

export const TOKEN_OBJECT_TYPE = 'token';
export const BALANCE_OBJECT_TYPE = 'balance';
export const CREDIT_OBJECT_TYPE = 'credit';
export const BURN_OBJECT_TYPE = 'burn';
export const ALLOWANCE_OBJECT_TYPE = 'allowance';

const ACCOUNT_ID = /^[0-9a-f]{64}$/;
const SYMBOL = /^[A-Za-z0-9]{1,16}$/;
const MAX_MINTER_MSPS = 64;

export const TokenEvents = {
  initialized: 'TokenInitialized',
  adminChanged: 'AdminOrgChanged',
  minterRuleChanged: 'MinterRuleChanged',
  minted: 'TokensMinted',
  burned: 'TokensBurned',
  transferred: 'TokensTransferred',
  approved: 'AllowanceApproved',
} as const;

/** Immutable after Initialize, so every transfer may read it without conflicts. */
interface TokenConfig {
  name: string;
  symbol: string;
  decimals: number;
  /** Base units. */
  cap: string;
}

interface AdminRecord {
  mspId: string;
}

function requireAccountId(field: string, value: unknown): string {
  if (typeof value !== 'string' || !ACCOUNT_ID.test(value)) {
    throw invalidArgument(field, `${field} must be an account id (64 lower-case hex characters)`);
  }
  return value;
}

@Info({
  title: 'TokenContract',
  description: 'Fungible consortium token with exact decimal amounts and conflict-free credits',
})
export class TokenContract extends Contract {
  constructor() {
    super('TokenContract');
  }

  override async unknownTransaction(ctx: Context): Promise<void> {
    const { fcn } = ctx.stub.getFunctionAndParameters();
    throw new ChaincodeError(ErrorCode.UNKNOWN_FUNCTION, `TokenContract has no function ${fcn}`);
  }

  /**
   * Sets up the token once. The caller's organization becomes the admin org
   * and the only minter until the admin changes the minter rule.
   */
  @Transaction()
  @Param('name', 'string', 'Token name')
  @Param('symbol', 'string', 'Ticker, 1-16 letters or digits')
  @Param('decimals', 'number', 'Fractional digits, 0-36')
  @Param('cap', 'string', 'Maximum cumulative amount ever minted, or "" for 2^255-1 base units')
  @Returns('TokenInfo')
  async Initialize(
    ctx: Context,
    name: string,
    symbol: string,
    decimals: number,
    cap: string,
  ): Promise<TokenInfo> {
    requireText('name', name, 64);
    if (typeof symbol !== 'string' || !SYMBOL.test(symbol)) {
      throw invalidArgument('symbol', 'symbol must be 1-16 letters or digits');
    }
    validateDecimals(decimals);
    const capBase = cap === '' ? MAX_AMOUNT : parseAmount(cap, decimals, { field: 'cap' });
    const requestId = await claimRequestId(ctx, 'Initialize');
    if (await getJson<TokenConfig>(ctx, this.key(ctx, 'config'))) {
      throw alreadyExists('token is already initialized');
    }
    const config: TokenConfig = { name, symbol, decimals, cap: capBase.toString() };
    const admin: AdminRecord = { mspId: callerMspId(ctx) };
    const rule: MinterRule = { mspIds: [admin.mspId], attributeName: '', attributeValue: '' };
    await putJson(ctx, this.key(ctx, 'config'), config);
    await putJson(ctx, this.key(ctx, 'admin'), admin);
    await putJson(ctx, this.key(ctx, 'minterRule'), rule);
    const info = this.info(config, admin, rule, 0n);
    emitEvent(ctx, TokenEvents.initialized, { requestId, token: info });
    return info;
  }

  /** Hands the admin role to another organization (admin org only). */
  @Transaction()
  @Param('newAdminMspId', 'string', 'MSP id of the new admin organization')
  async SetAdminOrg(ctx: Context, newAdminMspId: string): Promise<void> {
    requireIdentifier('newAdminMspId', newAdminMspId);
    const requestId = await claimRequestId(ctx, 'SetAdminOrg');
    await this.loadConfig(ctx);
    const admin = await this.requireAdmin(ctx, 'SetAdminOrg');
    await putJson(ctx, this.key(ctx, 'admin'), { mspId: newAdminMspId });
    emitEvent(ctx, TokenEvents.adminChanged, {
      from: admin.mspId,
      requestId,
      to: newAdminMspId,
    });
  }

  /**
   * Replaces the minter rule (admin org only). A caller may mint and burn when
   * its MSP id is listed (or the list is empty) and, if attributeName is set,
   * its certificate carries attributeName=attributeValue.
   */
  @Transaction()
  @Param('mspIds', 'string[]', 'Allowed MSP ids; [] allows any organization')
  @Param('attributeName', 'string', 'Required certificate attribute, or ""')
  @Param('attributeValue', 'string', 'Required attribute value, or "" when no attribute')
  @Returns('MinterRule')
  async SetMinterRule(
    ctx: Context,
    mspIds: string[],
    attributeName: string,
    attributeValue: string,
  ): Promise<MinterRule> {
    const rule = this.validateRule(mspIds, attributeName, attributeValue);
    const requestId = await claimRequestId(ctx, 'SetMinterRule');
    await this.loadConfig(ctx);
    await this.requireAdmin(ctx, 'SetMinterRule');
    await putJson(ctx, this.key(ctx, 'minterRule'), rule);
    emitEvent(ctx, TokenEvents.minterRuleChanged, { requestId, rule });
    return rule;
  }

  /** Creates tokens for a recipient (minters only). */
  @Transaction()
  @Param('recipient', 'string', 'Recipient account id')
  @Param('amount', 'string', 'Decimal amount, e.g. "10.5"')
  async Mint(ctx: Context, recipient: string, amount: string): Promise<void> {
    requireAccountId('recipient', recipient);
    const requestId = await claimRequestId(ctx, 'Mint');
    const config = await this.loadConfig(ctx);
    const value = parseAmount(amount, config.decimals);
    await this.requireMinter(ctx, 'Mint');
    // The cap bounds cumulative issuance, so only this key is read: burns never
    // touch it and mints are the only writers that can conflict with each other.
    const mintedKey = this.key(ctx, 'minted');
    const minted = await this.readBaseUnits(ctx, mintedKey);
    const next = minted + value;
    if (next > BigInt(config.cap)) {
      throw new ChaincodeError(
        ErrorCode.CAP_EXCEEDED,
        `minting ${amount} would exceed the cap of ${formatAmount(BigInt(config.cap), config.decimals)}`,
        'amount',
      );
    }
    await ctx.stub.putState(mintedKey, Buffer.from(next.toString()));
    await this.credit(ctx, recipient, value);
    emitEvent(ctx, TokenEvents.minted, {
      amount: formatAmount(value, config.decimals),
      minter: callerAccountId(ctx),
      requestId,
      to: recipient,
    });
  }

  /** Destroys tokens from the caller's own account (minters only). */
  @Transaction()
  @Param('amount', 'string', 'Decimal amount')
  async Burn(ctx: Context, amount: string): Promise<void> {
    const requestId = await claimRequestId(ctx, 'Burn');
    const config = await this.loadConfig(ctx);
    const value = parseAmount(amount, config.decimals);
    await this.requireMinter(ctx, 'Burn');
    const account = callerAccountId(ctx);
    await this.debit(ctx, account, value, config.decimals);
    // A per-transaction key: burns never contend with each other or with mints.
    await ctx.stub.putState(
      ctx.stub.createCompositeKey(BURN_OBJECT_TYPE, [ctx.stub.getTxID()]),
      Buffer.from(value.toString()),
    );
    emitEvent(ctx, TokenEvents.burned, {
      amount: formatAmount(value, config.decimals),
      from: account,
      requestId,
    });
  }

  @Transaction()
  @Param('recipient', 'string', 'Recipient account id')
  @Param('amount', 'string', 'Decimal amount')
  async Transfer(ctx: Context, recipient: string, amount: string): Promise<void> {
    requireAccountId('recipient', recipient);
    const requestId = await claimRequestId(ctx, 'Transfer');
    const config = await this.loadConfig(ctx);
    const value = parseAmount(amount, config.decimals);
    const sender = callerAccountId(ctx);
    if (sender === recipient) {
      throw invalidArgument('recipient', 'cannot transfer to the sending account');
    }
    await this.debit(ctx, sender, value, config.decimals);
    await this.credit(ctx, recipient, value);
    emitEvent(ctx, TokenEvents.transferred, {
      amount: formatAmount(value, config.decimals),
      from: sender,
      requestId,
      to: recipient,
    });
  }

  /** Lets a spender move up to `amount` from the caller's account; replaces any previous allowance. */
  @Transaction()
  @Param('spender', 'string', 'Spender account id')
  @Param('amount', 'string', 'Decimal amount; "0" revokes')
  async Approve(ctx: Context, spender: string, amount: string): Promise<void> {
    requireAccountId('spender', spender);
    const requestId = await claimRequestId(ctx, 'Approve');
    const config = await this.loadConfig(ctx);
    const value = parseAmount(amount, config.decimals, { allowZero: true });
    const owner = callerAccountId(ctx);
    if (owner === spender) {
      throw invalidArgument('spender', 'an account cannot approve itself');
    }
    const key = ctx.stub.createCompositeKey(ALLOWANCE_OBJECT_TYPE, [owner, spender]);
    if (value === 0n) {
      await ctx.stub.deleteState(key);
    } else {
      await ctx.stub.putState(key, Buffer.from(value.toString()));
    }
    emitEvent(ctx, TokenEvents.approved, {
      amount: formatAmount(value, config.decimals),
      owner,
      requestId,
      spender,
    });
  }

  /** Moves tokens from `from` to `to` on the strength of the caller's allowance. */
  @Transaction()
  @Param('from', 'string', 'Account the tokens leave')
  @Param('to', 'string', 'Recipient account id')
  @Param('amount', 'string', 'Decimal amount')
  async TransferFrom(ctx: Context, from: string, to: string, amount: string): Promise<void> {
    requireAccountId('from', from);
    requireAccountId('to', to);
    if (from === to) {
      throw invalidArgument('to', 'from and to must differ');
    }
    const requestId = await claimRequestId(ctx, 'TransferFrom');
    const config = await this.loadConfig(ctx);
    const value = parseAmount(amount, config.decimals);
    const spender = callerAccountId(ctx);
    const allowanceKey = ctx.stub.createCompositeKey(ALLOWANCE_OBJECT_TYPE, [from, spender]);
    const allowance = await this.readBaseUnits(ctx, allowanceKey);
    if (allowance < value) {
      throw new ChaincodeError(
        ErrorCode.INSUFFICIENT_ALLOWANCE,
        `allowance of ${formatAmount(allowance, config.decimals)} is below ${amount}`,
        'amount',
      );
    }
    await this.debit(ctx, from, value, config.decimals);
    await this.credit(ctx, to, value);
    const remaining = allowance - value;
    if (remaining === 0n) {
      await ctx.stub.deleteState(allowanceKey);
    } else {
      await ctx.stub.putState(allowanceKey, Buffer.from(remaining.toString()));
    }
    emitEvent(ctx, TokenEvents.transferred, {
      amount: formatAmount(value, config.decimals),
      from,
      requestId,
      spender,
      to,
    });
  }

  /** Balance = consolidated balance + pending credits (read-only, nothing is folded). */
  @Transaction(false)
  @Param('account', 'string', 'Account id')
  @Returns('string')
  async BalanceOf(ctx: Context, account: string): Promise<string> {
    requireAccountId('account', account);
    const config = await this.loadConfig(ctx);
    const { total } = await this.readAccount(ctx, account);
    return formatAmount(total, config.decimals);
  }

  /** The caller's own account id, to share with payers. */
  @Transaction(false)
  @Returns('string')
  async ClientAccountID(ctx: Context): Promise<string> {
    return callerAccountId(ctx);
  }

  @Transaction(false)
  @Param('owner', 'string', 'Owner account id')
  @Param('spender', 'string', 'Spender account id')
  @Returns('string')
  async Allowance(ctx: Context, owner: string, spender: string): Promise<string> {
    requireAccountId('owner', owner);
    requireAccountId('spender', spender);
    const config = await this.loadConfig(ctx);
    const key = ctx.stub.createCompositeKey(ALLOWANCE_OBJECT_TYPE, [owner, spender]);
    return formatAmount(await this.readBaseUnits(ctx, key), config.decimals);
  }

  @Transaction(false)
  @Returns('string')
  async TotalSupply(ctx: Context): Promise<string> {
    const config = await this.loadConfig(ctx);
    return formatAmount(await this.totalSupply(ctx), config.decimals);
  }

  @Transaction(false)
  @Returns('TokenInfo')
  async GetTokenInfo(ctx: Context): Promise<TokenInfo> {
    const config = await this.loadConfig(ctx);
    const admin = (await getJson<AdminRecord>(ctx, this.key(ctx, 'admin'))) as AdminRecord;
    const rule = (await getJson<MinterRule>(ctx, this.key(ctx, 'minterRule'))) as MinterRule;
    return this.info(config, admin, rule, await this.totalSupply(ctx));
  }

  private key(ctx: Context, name: 'config' | 'admin' | 'minterRule' | 'minted'): string {
    return ctx.stub.createCompositeKey(TOKEN_OBJECT_TYPE, [name]);
  }

  private info(
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

  private async loadConfig(ctx: Context): Promise<TokenConfig> {
    const config = await getJson<TokenConfig>(ctx, this.key(ctx, 'config'));
    if (!config) {
      throw new ChaincodeError(ErrorCode.NOT_INITIALIZED, 'token is not initialized');
    }
    return config;
  }

  private async requireAdmin(ctx: Context, action: string): Promise<AdminRecord> {
    const admin = (await getJson<AdminRecord>(ctx, this.key(ctx, 'admin'))) as AdminRecord;
    requireCallerMsp(ctx, admin.mspId, action);
    return admin;
  }

  private async requireMinter(ctx: Context, action: string): Promise<void> {
    const rule = (await getJson<MinterRule>(ctx, this.key(ctx, 'minterRule'))) as MinterRule;
    const msp = callerMspId(ctx);
    const mspAllowed = rule.mspIds.length === 0 || rule.mspIds.includes(msp);
    const attributeAllowed =
      rule.attributeName === '' || callerAttribute(ctx, rule.attributeName) === rule.attributeValue;
    if (!mspAllowed || !attributeAllowed) {
      throw forbidden(`${action} requires a minter; the caller does not satisfy the minter rule`);
    }
  }

  private validateRule(
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
    const ids = mspIds.map((id) => requireIdentifier('mspIds', id));
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

  private async readBaseUnits(ctx: Context, key: string): Promise<bigint> {
    const bytes = await ctx.stub.getState(key);
    return bytes && bytes.length > 0 ? parseBaseUnits(decodeUtf8(bytes)) : 0n;
  }

  /** Reads only the account's own keys: its balance and its pending credits. */
  private async readAccount(
    ctx: Context,
    account: string,
  ): Promise<{ balanceKey: string; credits: Iterators.KV[]; total: bigint }> {
    const balanceKey = ctx.stub.createCompositeKey(BALANCE_OBJECT_TYPE, [account]);
    let total = await this.readBaseUnits(ctx, balanceKey);
    const credits = await drain<Iterators.KV>(
      await ctx.stub.getStateByPartialCompositeKey(CREDIT_OBJECT_TYPE, [account]),
    );
    for (const credit of credits) {
      total += parseBaseUnits(decodeUtf8(credit.value));
    }
    return { balanceKey, credits, total };
  }

  /**
   * Takes `value` from an account and consolidates its pending credits into
   * the balance key. The range read is re-checked at validation (phantom
   * detection), so a debit racing a new credit fails and is retried; the
   * credit itself always commits.
   */
  private async debit(
    ctx: Context,
    account: string,
    value: bigint,
    decimals: number,
  ): Promise<void> {
    const { balanceKey, credits, total } = await this.readAccount(ctx, account);
    if (total < value) {
      throw new ChaincodeError(
        ErrorCode.INSUFFICIENT_FUNDS,
        `balance of ${formatAmount(total, decimals)} is below ${formatAmount(value, decimals)}`,
        'amount',
      );
    }
    for (const credit of credits) {
      await ctx.stub.deleteState(credit.key);
    }
    const remaining = total - value;
    if (remaining === 0n) {
      await ctx.stub.deleteState(balanceKey);
    } else {
      await ctx.stub.putState(balanceKey, Buffer.from(remaining.toString()));
    }
  }

  /**
   * Blind write of a key unique to this transaction: no read of the recipient,
   * hence no MVCC conflict however many transactions credit it at once. Each
   * transaction credits a given account at most once.
   */
  private async credit(ctx: Context, account: string, value: bigint): Promise<void> {
    const key = ctx.stub.createCompositeKey(CREDIT_OBJECT_TYPE, [account, ctx.stub.getTxID()]);
    await ctx.stub.putState(key, Buffer.from(value.toString()));
  }

  private async totalSupply(ctx: Context): Promise<bigint> {
    let supply = await this.readBaseUnits(ctx, this.key(ctx, 'minted'));
    const burns = await drain<Iterators.KV>(
      await ctx.stub.getStateByPartialCompositeKey(BURN_OBJECT_TYPE, []),
    );
    for (const burn of burns) {
      supply -= parseBaseUnits(decodeUtf8(burn.value));
    }
    return supply;
  }
}
