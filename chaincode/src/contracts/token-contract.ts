// SPDX-License-Identifier: Apache-2.0
// TokenContract: the consortium's fungible token.
//
// State design (token-ledger.ts explains it in full; README "Token state
// design"): payments to an account are blind writes of keys unique to each
// paying transaction, and an account spends from its own consolidated balance
// key, so incoming payments never conflict with each other or with the
// account's spending. Credits reach the balance key only in the account's own
// transactions: Consolidate, or a debit the balance key alone cannot cover.
// Roles and configuration live in token-admin.ts.
// the Context class must exist at run time for decorator metadata, so it is a value import
import { Context, Info, Param, Returns, Transaction } from 'fabric-contract-api';
import { callerAccountId, callerMspId, requireCallerMsp, requireOrgWide } from '../common/access';
import { MAX_AMOUNT, formatAmount, parseAmount, validateDecimals } from '../common/amounts';
import { requireTokenAdminMsp } from '../common/config';
import { ConsortiaContract } from '../common/consortia-contract';
import { ChaincodeError, ErrorCode, alreadyExists, invalidArgument } from '../common/errors';
import { claimRequestId } from '../common/idempotency';
import { emitEvent, getJson, putJson } from '../common/ledger';
import { requireIdentifier, requireText } from '../common/validation';
// Side-effect import: registers the @Object types the metadata refers to.
import '../model/token';
import type { MinterRule, PendingCreditPage, TokenInfo } from '../model/token';
import {
  type AdminRecord,
  type TokenConfig,
  loadAdmin,
  loadConfig,
  loadMinterRule,
  requireAdmin,
  requireMinter,
  tokenInfo,
  tokenKey,
  validateRule,
} from './token-admin';
import {
  accountTotal,
  consolidate,
  credit,
  debit,
  pendingCreditsPage,
  readBaseUnits,
  recordBurn,
  requireAccountId,
  requireCreditIds,
  totalSupply,
} from './token-ledger';
import { TokenEvents } from '../contract/events';
import { ALLOWANCE_OBJECT_TYPE } from '../contract/keys';

export { TOKEN_OBJECT_TYPE } from './token-admin';
export {
  BALANCE_OBJECT_TYPE,
  BURNED_OBJECT_TYPE,
  CREDIT_OBJECT_TYPE,
  MAX_FOLD,
} from './token-ledger';
export { ALLOWANCE_OBJECT_TYPE };

const SYMBOL = /^[A-Za-z0-9]{1,16}$/;

export { TokenEvents };

@Info({
  title: 'TokenContract',
  description: 'Fungible consortium token with exact decimal amounts and conflict-free credits',
})
export class TokenContract extends ConsortiaContract {
  constructor() {
    super('TokenContract');
  }

  /**
   * Sets up the token once. Only a member of the organization named by the
   * chaincode service's TOKEN_ADMIN_MSP may call it; that organization becomes
   * the admin org and the only minter until the admin changes the minter rule.
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
    const requestId = await claimRequestId(ctx, 'Initialize', [name, symbol, decimals, cap]);
    // Before anything else: no other organization may even learn whether it ran.
    requireCallerMsp(ctx, requireTokenAdminMsp(), 'Initialize');
    requireOrgWide(ctx, 'Initialize');
    if (await getJson<TokenConfig>(ctx, tokenKey(ctx, 'config'))) {
      throw alreadyExists('token is already initialized');
    }
    const config: TokenConfig = { name, symbol, decimals, cap: capBase.toString() };
    const admin: AdminRecord = { mspId: callerMspId(ctx) };
    const rule: MinterRule = { mspIds: [admin.mspId], attributeName: '', attributeValue: '' };
    await putJson(ctx, tokenKey(ctx, 'config'), config);
    await putJson(ctx, tokenKey(ctx, 'admin'), admin);
    await putJson(ctx, tokenKey(ctx, 'minterRule'), rule);
    const info = tokenInfo(config, admin, rule, 0n);
    emitEvent(ctx, TokenEvents.initialized, { requestId, token: info });
    return info;
  }

  /** Hands the admin role to another organization (admin org only). */
  @Transaction()
  @Param('newAdminMspId', 'string', 'MSP id of the new admin organization')
  async SetAdminOrg(ctx: Context, newAdminMspId: string): Promise<void> {
    requireIdentifier('newAdminMspId', newAdminMspId);
    const requestId = await claimRequestId(ctx, 'SetAdminOrg', [newAdminMspId]);
    await loadConfig(ctx);
    const admin = await requireAdmin(ctx, 'SetAdminOrg');
    await putJson(ctx, tokenKey(ctx, 'admin'), { mspId: newAdminMspId });
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
    const rule = validateRule(mspIds, attributeName, attributeValue);
    const requestId = await claimRequestId(ctx, 'SetMinterRule', [
      mspIds,
      attributeName,
      attributeValue,
    ]);
    await loadConfig(ctx);
    await requireAdmin(ctx, 'SetMinterRule');
    await putJson(ctx, tokenKey(ctx, 'minterRule'), rule);
    emitEvent(ctx, TokenEvents.minterRuleChanged, { requestId, rule });
    return rule;
  }

  /** Creates tokens for a recipient (minters only). */
  @Transaction()
  @Param('recipient', 'string', 'Recipient account id')
  @Param('amount', 'string', 'Decimal amount, e.g. "10.5"')
  async Mint(ctx: Context, recipient: string, amount: string): Promise<void> {
    requireAccountId('recipient', recipient);
    const requestId = await claimRequestId(ctx, 'Mint', [recipient, amount]);
    const config = await loadConfig(ctx);
    const value = parseAmount(amount, config.decimals);
    await requireMinter(ctx, 'Mint');
    // The cap bounds cumulative issuance, so only this key is read: burns never
    // touch it and mints are the only writers that can conflict with each other.
    const mintedKey = tokenKey(ctx, 'minted');
    const next = (await readBaseUnits(ctx, mintedKey)) + value;
    if (next > BigInt(config.cap)) {
      throw new ChaincodeError(
        ErrorCode.CAP_EXCEEDED,
        `minting ${amount} would exceed the cap of ${formatAmount(BigInt(config.cap), config.decimals)}`,
        'amount',
      );
    }
    await ctx.stub.putState(mintedKey, Buffer.from(next.toString()));
    await credit(ctx, recipient, value);
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
    const requestId = await claimRequestId(ctx, 'Burn', [amount]);
    const config = await loadConfig(ctx);
    const value = parseAmount(amount, config.decimals);
    await requireMinter(ctx, 'Burn');
    const account = callerAccountId(ctx);
    await debit(ctx, account, value, config.decimals);
    await recordBurn(ctx, account, value);
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
    const requestId = await claimRequestId(ctx, 'Transfer', [recipient, amount]);
    const config = await loadConfig(ctx);
    const value = parseAmount(amount, config.decimals);
    const sender = callerAccountId(ctx);
    if (sender === recipient) {
      throw invalidArgument('recipient', 'cannot transfer to the sending account');
    }
    await debit(ctx, sender, value, config.decimals);
    await credit(ctx, recipient, value);
    emitEvent(ctx, TokenEvents.transferred, {
      amount: formatAmount(value, config.decimals),
      from: sender,
      requestId,
      to: recipient,
    });
  }

  /**
   * Folds the caller's pending credits into its balance key. Named credits
   * (txIds from PendingCredits) are read one key each and never conflict with
   * new payments; [] folds up to 100 found by a range read, which a payment
   * committed meanwhile invalidates. Returns the consolidated balance. The list
   * is JSON text: fabric-contract-api hands string[] items over still quoted.
   */
  @Transaction()
  @Param('creditTxIdsJson', 'string', 'JSON array of credit txIds from PendingCredits, or "[]"')
  @Returns('string')
  async Consolidate(ctx: Context, creditTxIdsJson: string): Promise<string> {
    const ids = requireCreditIds(creditTxIdsJson);
    const requestId = await claimRequestId(ctx, 'Consolidate', [creditTxIdsJson]);
    const config = await loadConfig(ctx);
    const account = callerAccountId(ctx);
    const result = await consolidate(ctx, account, ids);
    const balance = formatAmount(result.balance, config.decimals);
    emitEvent(ctx, TokenEvents.consolidated, {
      account,
      amount: formatAmount(result.amount, config.decimals),
      balance,
      credits: result.count,
      requestId,
    });
    return balance;
  }

  /** Lets a spender move up to `amount` from the caller's account; replaces any previous allowance. */
  @Transaction()
  @Param('spender', 'string', 'Spender account id')
  @Param('amount', 'string', 'Decimal amount; "0" revokes')
  async Approve(ctx: Context, spender: string, amount: string): Promise<void> {
    requireAccountId('spender', spender);
    const requestId = await claimRequestId(ctx, 'Approve', [spender, amount]);
    const config = await loadConfig(ctx);
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
    const requestId = await claimRequestId(ctx, 'TransferFrom', [from, to, amount]);
    const config = await loadConfig(ctx);
    const value = parseAmount(amount, config.decimals);
    const spender = callerAccountId(ctx);
    const allowanceKey = ctx.stub.createCompositeKey(ALLOWANCE_OBJECT_TYPE, [from, spender]);
    const allowance = await readBaseUnits(ctx, allowanceKey);
    if (allowance < value) {
      throw new ChaincodeError(
        ErrorCode.INSUFFICIENT_ALLOWANCE,
        `allowance of ${formatAmount(allowance, config.decimals)} is below ${amount}`,
        'amount',
      );
    }
    await debit(ctx, from, value, config.decimals);
    await credit(ctx, to, value);
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
    const config = await loadConfig(ctx);
    return formatAmount(await accountTotal(ctx, account), config.decimals);
  }

  /** Credits of an account not yet folded into its balance key, a page at a time. */
  @Transaction(false)
  @Param('account', 'string', 'Account id')
  @Param('pageSize', 'number', 'Credits per page, 1-100')
  @Param('bookmark', 'string', 'Bookmark of the previous page, or ""')
  @Returns('PendingCreditPage')
  async PendingCredits(
    ctx: Context,
    account: string,
    pageSize: number,
    bookmark: string,
  ): Promise<PendingCreditPage> {
    requireAccountId('account', account);
    const config = await loadConfig(ctx);
    return pendingCreditsPage(ctx, account, pageSize, bookmark, config.decimals);
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
    const config = await loadConfig(ctx);
    const key = ctx.stub.createCompositeKey(ALLOWANCE_OBJECT_TYPE, [owner, spender]);
    return formatAmount(await readBaseUnits(ctx, key), config.decimals);
  }

  @Transaction(false)
  @Returns('string')
  async TotalSupply(ctx: Context): Promise<string> {
    const config = await loadConfig(ctx);
    return formatAmount(await totalSupply(ctx, tokenKey(ctx, 'minted')), config.decimals);
  }

  @Transaction(false)
  @Returns('TokenInfo')
  async GetTokenInfo(ctx: Context): Promise<TokenInfo> {
    const config = await loadConfig(ctx);
    const admin = await loadAdmin(ctx);
    const rule = await loadMinterRule(ctx);
    return tokenInfo(config, admin, rule, await totalSupply(ctx, tokenKey(ctx, 'minted')));
  }
}
