// SPDX-License-Identifier: Apache-2.0
import {
  Freshness,
  idempotencyHeader,
  mirrorReadFailures,
  page,
  pagingQuery,
  readQuery,
  writeQuery,
  writeResponses,
} from './common';
import { accountId, amount, answer, body, operation, z } from './kit';
import type { OpenAPIRegistry } from './kit';

const TokenAnswer = z
  .object({
    token: z
      .object({
        initialized: z.boolean().optional(),
        name: z.string().nullable().optional(),
        symbol: z.string().nullable().optional(),
        decimals: z.number().int().optional(),
        cap: z.string().nullable().optional(),
        totalSupply: z.string().nullable().optional(),
        adminMspId: z.string().nullable().optional(),
      })
      .optional(),
    mirror: Freshness.optional(),
  })
  .openapi('TokenAnswer');

const Balance = z
  .object({
    account: z.string().optional(),
    balance: z.string().optional().openapi({ description: 'Decimal, with the token’s decimals' }),
    balanceBaseUnits: z.string().optional(),
    pendingCredits: z.string().optional(),
    pendingCreditCount: z.number().int().optional(),
    lastBlock: z.number().int().optional(),
  })
  .openapi('Balance');

const BalanceAnswer = z
  .object({ balance: Balance.optional(), mirror: Freshness.optional() })
  .openapi('BalanceAnswer');

const AccountAnswer = z
  .object({
    account: z.string().optional(),
    fabricIdentity: z.string().nullable().optional(),
    balance: Balance.optional(),
    mirror: Freshness.optional(),
  })
  .openapi('AccountAnswer');

export const TokenTransfer = z
  .strictObject({
    to: accountId('Recipient account id'),
    amount: amount('Decimal amount, e.g. `10.5`'),
  })
  .openapi('TokenTransfer');

export const BalanceParams = z.object({ account: accountId('Account id') });

const BalancesQuery = z.object({
  account: accountId('One account').optional(),
  minBalance: amount('Minimum balance').optional(),
  sort: z
    .enum(['account', '-account', 'balance', '-balance'])
    .default('-balance')
    .optional()
    .openapi({ description: 'Sort key; `-` for descending' }),
  ...pagingQuery,
  ...readQuery,
});

const readOnly = z.object(readQuery);

export function tokenOperations(registry: OpenAPIRegistry): void {
  operation(registry, {
    method: 'get',
    path: '/v1/tokens',
    operationId: 'getToken',
    summary: 'The token: name, symbol, decimals, cap, supply (from the mirror)',
    tag: 'tokens',
    permission: 'tokens:read',
    request: { query: readOnly },
    responses: { '200': answer('The token', TokenAnswer), ...mirrorReadFailures() },
  });
  operation(registry, {
    method: 'get',
    path: '/v1/tokens/account',
    operationId: 'getMyAccount',
    summary: 'The caller’s token account (of their Fabric identity) and its balance',
    tag: 'tokens',
    permission: 'tokens:read',
    request: { query: readOnly },
    responses: {
      '200': answer('The account', AccountAnswer),
      ...mirrorReadFailures({
        502: 'The DAPP failed, or did not answer an account id',
        503: 'The DAPP could not be reached',
        504: 'The DAPP did not answer in time, or `minBlock` was not reached (`MIRROR_BEHIND`)',
      }),
    },
  });
  operation(registry, {
    method: 'get',
    path: '/v1/tokens/balances',
    operationId: 'listBalances',
    summary: 'Token balances (from the mirror)',
    tag: 'tokens',
    permission: 'tokens:read',
    request: { query: BalancesQuery },
    responses: {
      '200': answer('A page of balances', page('BalancePage', Balance)),
      ...mirrorReadFailures(),
    },
  });
  operation(registry, {
    method: 'get',
    path: '/v1/tokens/balances/{account}',
    operationId: 'getBalance',
    summary: 'One account’s balance (from the mirror; 0 when it never held tokens)',
    tag: 'tokens',
    permission: 'tokens:read',
    request: { params: BalanceParams, query: readOnly },
    responses: { '200': answer('The balance', BalanceAnswer), ...mirrorReadFailures() },
  });
  operation(registry, {
    method: 'post',
    path: '/v1/tokens/transfers',
    operationId: 'transferTokens',
    summary: 'Transfer tokens from the caller’s account (TokenContract:Transfer)',
    tag: 'tokens',
    permission: 'tokens:transfer',
    request: { query: z.object(writeQuery), headers: idempotencyHeader, body: body(TokenTransfer) },
    responses: writeResponses(true, 'The account does not exist'),
  });
  operation(registry, {
    method: 'post',
    path: '/v1/tokens/mint',
    operationId: 'mintTokens',
    summary: 'Mint tokens to an account (TokenContract:Mint; needs a minter identity too)',
    tag: 'tokens',
    permission: 'tokens:mint',
    request: { query: z.object(writeQuery), headers: idempotencyHeader, body: body(TokenTransfer) },
    responses: writeResponses(true, 'The account does not exist'),
  });
}
