// SPDX-License-Identifier: Apache-2.0
// Token balances and supply in the world state, laid out so that any number of
// payments to one account commit together while its owner keeps spending.
//
// Fabric checks every read again when a transaction commits: a key read at
// endorsement must still have the version it had (MVCC), and a range read must
// still return the same keys (phantom check). So two transactions that read
// and write one key cannot both commit, and a transaction that scanned a range
// fails if another one added a key inside it first. The layout follows from
// that (account = 64-hex account id):
//
//   balance + [account]        consolidated balance, in base units. Read and
//                              written only by that account's debits and
//                              consolidations.
//   credit + [account, txId]   one incoming payment, written blind (never read
//                              first) by the paying transaction; deleted when
//                              its account consolidates it.
//   token + [minted]           cumulative issuance; read and written by Mint.
//   burned + [account]         cumulative amount that account burned.
//
// Credits: a mint, transfer or transfer-from writes a key unique to its
// transaction and reads nothing of the recipient, so concurrent payments to
// one account never conflict with each other or with the account's debits.
//
// Debits spend from the balance key. Of the account's keys, a debit reads and
// writes only its balance key (which serializes that account's debits, as
// preventing a double spend requires) and, when that balance covers the
// amount, reads no credit key at all. So a debit never conflicts with an incoming payment: an
// account paid many times a second keeps spending.
//
// Consolidation moves credits into the balance key, always in a transaction of
// the account itself:
// - Consolidate with named credits (listed by PendingCredits) reads each credit
//   as a single key. A credit key is written once and only ever deleted by its
//   account's consolidation, so this never conflicts with new payments either:
//   it is how an account under a steady stream of payments collects them.
// - Consolidate without names, and a debit whose balance key alone does not
//   cover the amount, fold the credits found by a range read (at most
//   MAX_FOLD). Fabric re-runs that range at validation, so a payment committed
//   in between invalidates the transaction (phantom read) and the client
//   retries it. A debit takes this path only when its balance key alone would
//   have refused it, so folding never turns a debit that could commit into one
//   that conflicts; what it buys is that received tokens are spendable without
//   an explicit step on quiet accounts.
//
// Supply: Mint reads and writes token + [minted] so that the cap (and 2^255-1)
// holds exactly; mints therefore serialize, which suits a rare operation by few
// identities. A burn adds to its own account's burned key, which the burning
// account's balance key already serializes, so burns by different accounts
// never conflict. TotalSupply = minted - the sum of the burned keys: one key per
// account that ever burned (only minters may burn), not one per burn, and
// transfers touch none of these keys.
import type { Context } from 'fabric-contract-api';
import type { Iterators } from 'fabric-shim';
import { formatAmount, parseBaseUnits } from '../common/amounts';
import { ChaincodeError, ErrorCode, invalidArgument } from '../common/errors';
import { decodeUtf8, drain } from '../common/ledger';
import { optionalBookmark, requirePageSize } from '../common/validation';
import type { PendingCreditPage } from '../model/token';
import { BALANCE_OBJECT_TYPE, BURNED_OBJECT_TYPE, CREDIT_OBJECT_TYPE } from '../contract/keys';

export { BALANCE_OBJECT_TYPE, BURNED_OBJECT_TYPE, CREDIT_OBJECT_TYPE };
/** Most credits one transaction folds into a balance key. */
export const MAX_FOLD = 100;

const HEX_64 = /^[0-9a-f]{64}$/;

export function requireAccountId(field: string, value: unknown): string {
  if (typeof value !== 'string' || !HEX_64.test(value)) {
    throw invalidArgument(field, `${field} must be an account id (64 lower-case hex characters)`);
  }
  return value;
}

export async function readBaseUnits(ctx: Context, key: string): Promise<bigint> {
  const bytes = await ctx.stub.getState(key);
  return bytes && bytes.length > 0 ? parseBaseUnits(decodeUtf8(bytes)) : 0n;
}

/** Stores a non-negative amount; zero removes the key. */
async function writeBaseUnits(ctx: Context, key: string, value: bigint): Promise<void> {
  if (value === 0n) {
    await ctx.stub.deleteState(key);
  } else {
    await ctx.stub.putState(key, Buffer.from(value.toString()));
  }
}

function balanceKey(ctx: Context, account: string): string {
  return ctx.stub.createCompositeKey(BALANCE_OBJECT_TYPE, [account]);
}

/**
 * Blind write of a key unique to this transaction: no read of the recipient,
 * hence no MVCC conflict however many transactions credit it at once. Each
 * transaction credits a given account at most once.
 */
export async function credit(ctx: Context, account: string, value: bigint): Promise<void> {
  const key = ctx.stub.createCompositeKey(CREDIT_OBJECT_TYPE, [account, ctx.stub.getTxID()]);
  await ctx.stub.putState(key, Buffer.from(value.toString()));
}

interface Fold {
  amount: bigint;
  count: number;
  /** More credits are pending than one transaction folds. */
  more: boolean;
}

/** Range read of up to MAX_FOLD pending credits, deleted and summed (see the header). */
async function foldPendingCredits(ctx: Context, account: string): Promise<Fold> {
  const iterator = await ctx.stub.getStateByPartialCompositeKey(CREDIT_OBJECT_TYPE, [account]);
  const fold: Fold = { amount: 0n, count: 0, more: false };
  try {
    for (;;) {
      const item = await iterator.next();
      if (item.done) {
        break;
      }
      if (fold.count === MAX_FOLD) {
        fold.more = true;
        break;
      }
      fold.amount += parseBaseUnits(decodeUtf8(item.value.value));
      fold.count += 1;
      await ctx.stub.deleteState(item.value.key);
    }
  } finally {
    await iterator.close();
  }
  return fold;
}

/** Point reads of the named credits; unknown or already folded ones are skipped. */
async function foldNamedCredits(ctx: Context, account: string, txIds: string[]): Promise<Fold> {
  const fold: Fold = { amount: 0n, count: 0, more: false };
  for (const txId of txIds) {
    const key = ctx.stub.createCompositeKey(CREDIT_OBJECT_TYPE, [account, txId]);
    const bytes = await ctx.stub.getState(key);
    if (bytes && bytes.length > 0) {
      fold.amount += parseBaseUnits(decodeUtf8(bytes));
      fold.count += 1;
      await ctx.stub.deleteState(key);
    }
  }
  return fold;
}

/** Parses Consolidate's list: a JSON array of distinct credit txIds, at most MAX_FOLD. */
export function requireCreditIds(text: unknown): string[] {
  let value: unknown;
  try {
    value = typeof text === 'string' ? JSON.parse(text) : undefined;
  } catch {
    value = undefined;
  }
  if (!Array.isArray(value) || value.length > MAX_FOLD) {
    throw invalidArgument(
      'creditTxIdsJson',
      `creditTxIdsJson must be a JSON array of at most ${MAX_FOLD} credit ids`,
    );
  }
  for (const id of value) {
    if (typeof id !== 'string' || !HEX_64.test(id)) {
      throw invalidArgument('creditTxIdsJson', 'each credit id is a 64-hex transaction id');
    }
  }
  const ids = value as string[];
  if (new Set(ids).size !== ids.length) {
    throw invalidArgument('creditTxIdsJson', 'credit ids must not repeat');
  }
  return ids;
}

/**
 * Takes `value` from an account's balance key. Only when that balance is short
 * does it fold pending credits first (a range read: see the header).
 */
export async function debit(
  ctx: Context,
  account: string,
  value: bigint,
  decimals: number,
): Promise<void> {
  const key = balanceKey(ctx, account);
  let balance = await readBaseUnits(ctx, key);
  if (balance < value) {
    const fold = await foldPendingCredits(ctx, account);
    balance += fold.amount;
    if (balance < value) {
      const more = fold.more ? `; more than ${MAX_FOLD} credits are pending, consolidate them` : '';
      throw new ChaincodeError(
        ErrorCode.INSUFFICIENT_FUNDS,
        `balance of ${formatAmount(balance, decimals)} is below ${formatAmount(value, decimals)}${more}`,
        'amount',
      );
    }
  }
  await writeBaseUnits(ctx, key, balance - value);
}

/**
 * Folds the account's credits into its balance key: the named ones (point
 * reads, conflict-free), or with no names up to MAX_FOLD found by a range read.
 */
export async function consolidate(
  ctx: Context,
  account: string,
  creditTxIds: string[],
): Promise<Fold & { balance: bigint }> {
  const key = balanceKey(ctx, account);
  const fold =
    creditTxIds.length === 0
      ? await foldPendingCredits(ctx, account)
      : await foldNamedCredits(ctx, account, creditTxIds);
  let balance = await readBaseUnits(ctx, key);
  if (fold.count > 0) {
    balance += fold.amount;
    await writeBaseUnits(ctx, key, balance);
  }
  return { ...fold, balance };
}

/** Balance key plus every pending credit; for evaluations, which are never validated. */
export async function accountTotal(ctx: Context, account: string): Promise<bigint> {
  let total = await readBaseUnits(ctx, balanceKey(ctx, account));
  const credits = await drain<Iterators.KV>(
    await ctx.stub.getStateByPartialCompositeKey(CREDIT_OBJECT_TYPE, [account]),
  );
  for (const entry of credits) {
    total += parseBaseUnits(decodeUtf8(entry.value));
  }
  return total;
}

/** One page of an account's pending credits (evaluate only: paged reads cannot be submitted). */
export async function pendingCreditsPage(
  ctx: Context,
  account: string,
  pageSize: number,
  bookmark: string,
  decimals: number,
): Promise<PendingCreditPage> {
  const size = requirePageSize(pageSize, MAX_FOLD);
  const { iterator, metadata } = await ctx.stub.getStateByPartialCompositeKeyWithPagination(
    CREDIT_OBJECT_TYPE,
    [account],
    size,
    optionalBookmark(bookmark),
  );
  const records = (await drain<Iterators.KV>(iterator)).map((entry) => {
    const { attributes } = ctx.stub.splitCompositeKey(entry.key);
    return {
      txId: attributes[1] as string,
      amount: formatAmount(parseBaseUnits(decodeUtf8(entry.value)), decimals),
    };
  });
  return {
    records,
    fetchedRecordsCount: metadata.fetchedRecordsCount,
    bookmark: metadata.bookmark,
  };
}

/** Adds a burn to the burning account's running total (see the header). */
export async function recordBurn(ctx: Context, account: string, value: bigint): Promise<void> {
  const key = ctx.stub.createCompositeKey(BURNED_OBJECT_TYPE, [account]);
  await writeBaseUnits(ctx, key, (await readBaseUnits(ctx, key)) + value);
}

/** Minted minus burned: reads one key per account that ever burned, never one per burn. */
export async function totalSupply(ctx: Context, mintedKey: string): Promise<bigint> {
  let supply = await readBaseUnits(ctx, mintedKey);
  const burned = await drain<Iterators.KV>(
    await ctx.stub.getStateByPartialCompositeKey(BURNED_OBJECT_TYPE, []),
  );
  for (const entry of burned) {
    supply -= parseBaseUnits(decodeUtf8(entry.value));
  }
  return supply;
}
