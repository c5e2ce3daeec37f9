// SPDX-License-Identifier: Apache-2.0
import { Router } from 'express';

import { CursorError, decodeCursor, encodeCursor } from '../../mirror/cursor';
import type { AuditOutcome } from '../../store/audit';
import { RequestParams } from '../api/ledger';
import { paramsOf } from '../api/typed';
import type { RouteDependencies } from './support';
import { freshRead, pageSize, queryFlag, queryNumber, queryText, requestStatus } from './support';

export function ledgerRoutes(deps: RouteDependencies): Router {
  const router = Router();

  router.get('/v1/requests/:requestId', async (request, response) => {
    await requestStatus(deps, request, response, paramsOf(request, RequestParams).requestId);
  });

  router.get('/v1/transactions', async (request, response) => {
    const mirror = await freshRead(deps, request, response);
    const correlationId = queryText(request, 'correlationId');
    const limit = pageSize(request);
    const page = await deps.mirror.listTransactions({
      txId: queryText(request, 'txId'),
      function: queryText(request, 'function'),
      creatorMsp: queryText(request, 'creatorMsp'),
      valid: queryFlag(request, 'valid'),
      correlationId,
      // The ledger seldom keeps the correlation id; this API remembers the ones it relayed.
      correlatedTxIds: correlationId
        ? await deps.store.writes.txIdsForCorrelation(correlationId)
        : undefined,
      fromBlock: queryNumber(request, 'fromBlock'),
      toBlock: queryNumber(request, 'toBlock'),
      limit,
      cursor: queryText(request, 'cursor'),
    });
    response.json({ items: page.items, page: { limit, nextCursor: page.nextCursor }, mirror });
  });

  router.get('/v1/mirror/status', async (_request, response) => {
    const freshness = await deps.mirror.freshness();
    response.setHeader('X-Mirror-Block', String(freshness.syncedBlock));
    response.json(freshness);
  });

  router.get('/v1/audit', async (request, response) => {
    const limit = pageSize(request);
    const cursor = queryText(request, 'cursor');
    const filters = {
      username: queryText(request, 'username'),
      action: queryText(request, 'action'),
      outcome: queryText(request, 'outcome') as AuditOutcome | undefined,
      correlationId: queryText(request, 'correlationId'),
      from: queryText(request, 'from'),
      to: queryText(request, 'to'),
    };
    const before = cursor === undefined ? undefined : decodeCursor(cursor, 'newest', filters, 1)[0];
    if (before !== undefined && !/^\d{1,19}$/.test(before)) {
      throw new CursorError('the cursor is not one this API issued');
    }
    const items = await deps.store.audit.query({ ...filters, before, limit });
    const last = items.length === limit ? items.at(-1) : undefined;
    response.json({
      items,
      page: { limit, nextCursor: last ? encodeCursor('newest', [last.id], filters) : null },
    });
  });

  return router;
}
