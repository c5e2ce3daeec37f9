// SPDX-License-Identifier: Apache-2.0
import { Router } from 'express';

import type { BalanceSort, MirrorReader } from '../../mirror/reader';
import { ACCOUNT } from '../api/kit';
import { BalanceParams, TokenTransfer } from '../api/tokens';
import { bodyOf, paramsOf } from '../api/typed';
import { callerOf } from '../context';
import { ApiError } from '../errors';
import type { RouteDependencies } from './support';
import { freshRead, pageSize, queryText, relayWrite, sortOf } from './support';

async function decimals(mirror: MirrorReader): Promise<number> {
  return (await mirror.tokenInfo()).decimals;
}

async function balanceOf(mirror: MirrorReader, account: string) {
  const places = await decimals(mirror);
  const page = await mirror.listBalances(
    { account, sort: 'account', descending: false, limit: 1 },
    places,
  );
  return (
    page.items[0] ?? {
      account,
      balance: '0',
      balanceBaseUnits: '0',
      pendingCredits: '0',
      pendingCreditCount: 0,
      lastBlock: -1,
    }
  );
}

export function tokenRoutes(deps: RouteDependencies): Router {
  const router = Router();
  // A token account is derived from the signing identity's certificate and never changes.
  const accounts = new Map<string, string>();

  router.get('/v1/tokens', async (request, response) => {
    const mirror = await freshRead(deps, request, response);
    response.json({ token: await deps.mirror.tokenInfo(), mirror });
  });

  router.get('/v1/tokens/account', async (request, response) => {
    const caller = callerOf(response);
    const identityKey = caller.fabricIdentity ?? '';
    let account = accounts.get(identityKey);
    if (!account) {
      const result = await deps.dapp.query(
        'TokenContract:ClientAccountID',
        [],
        caller.fabricIdentity,
      );
      if (typeof result !== 'string' || !ACCOUNT.test(result)) {
        throw new ApiError(502, 'UNEXPECTED_ANSWER', 'the chaincode did not answer an account id');
      }
      account = result;
      accounts.set(identityKey, account);
    }
    const mirror = await freshRead(deps, request, response);
    response.json({
      account,
      fabricIdentity: caller.fabricIdentity ?? null,
      balance: await balanceOf(deps.mirror, account),
      mirror,
    });
  });

  router.get('/v1/tokens/balances', async (request, response) => {
    const mirror = await freshRead(deps, request, response);
    const { sort, descending } = sortOf<BalanceSort>(request, '-balance');
    const limit = pageSize(request);
    const page = await deps.mirror.listBalances(
      {
        account: queryText(request, 'account'),
        minBalance: queryText(request, 'minBalance'),
        sort,
        descending,
        limit,
        cursor: queryText(request, 'cursor'),
      },
      await decimals(deps.mirror),
    );
    response.json({ items: page.items, page: { limit, nextCursor: page.nextCursor }, mirror });
  });

  router.get('/v1/tokens/balances/:account', async (request, response) => {
    const mirror = await freshRead(deps, request, response);
    response.json({
      balance: await balanceOf(deps.mirror, paramsOf(request, BalanceParams).account),
      mirror,
    });
  });

  router.post('/v1/tokens/transfers', async (request, response) => {
    const caller = callerOf(response);
    const body = bodyOf(request, TokenTransfer);
    await relayWrite(deps, request, response, {
      action: 'transferTokens',
      function: 'TokenContract:Transfer',
      args: [body.to, body.amount],
      target: body.to,
      // A sender's debits are ordered; they would conflict with each other anyway.
      key: `identity:${caller.fabricIdentity ?? 'default'}`,
      created: true,
    });
  });

  router.post('/v1/tokens/mint', async (request, response) => {
    const caller = callerOf(response);
    const body = bodyOf(request, TokenTransfer);
    await relayWrite(deps, request, response, {
      action: 'mintTokens',
      function: 'TokenContract:Mint',
      args: [body.to, body.amount],
      target: body.to,
      key: `identity:${caller.fabricIdentity ?? 'default'}`,
      created: true,
    });
  });

  return router;
}
