// SPDX-License-Identifier: Apache-2.0
import { currentCorrelationId } from '@consortia/common';
import { Router } from 'express';

import { chaincodeRequestId } from '../access/callers';
import { ApiError } from './errors';
import { identityRoutes } from './identity-routes';
import { callerOf, presentBlockNumber, presentRecord } from './ownership';
import { checkedAnswers } from './responses';
import type { RouteDependencies } from './route-support';
import { checkedBody, param, target, transientText } from './route-support';
import { submitTransaction } from './submit';

export type { RouteDependencies } from './route-support';
export { IDENTITY_HEADER } from './route-support';

/**
 * The /v1 routes. Each reads its body with the type of its schema in ./api/ and answers through
 * `send`, which withholds an answer its schema does not admit (500 RESPONSE_INVALID).
 */
export function apiRoutes(deps: RouteDependencies): Router {
  const router = Router();
  const send = checkedAnswers(deps.logger);

  router.post(
    '/channels/:channel/chaincodes/:chaincode/transactions',
    submitTransaction(deps, send),
  );

  router.post('/channels/:channel/chaincodes/:chaincode/queries', async (request, response) => {
    const body = checkedBody(deps.bodies, 'QueryRequest', request.body);
    const { channel, chaincode, identity, catalog } = await target(
      deps,
      request,
      callerOf(response),
    );
    const call = catalog.prepare(body.function, body.args, 'evaluate');
    const started = process.hrtime.bigint();
    let outcome = 'ok';
    try {
      const result = await deps.submitter.evaluate({
        channel,
        chaincode,
        transactionName: call.transactionName,
        args: call.args,
        transient: transientText(body.transient),
        identity,
        correlationId: currentCorrelationId(),
        resultFormat: call.resultFormat,
      });
      send(response, 200, 'QueryResult', { result });
    } catch (error) {
      outcome = 'error';
      throw error;
    } finally {
      deps.metrics.fabricDuration.observe(
        { operation: 'evaluate', outcome },
        Number(process.hrtime.bigint() - started) / 1e9,
      );
    }
  });

  router.use(identityRoutes(deps, send));

  router.get('/requests/:requestId', async (request, response) => {
    const requestId = param(request, 'requestId');
    // Looked up under the caller's own name: another caller's request is simply not found.
    const id = chaincodeRequestId(callerOf(response).id, requestId);
    let record = await deps.store.get(id);
    if (!record) {
      throw new ApiError(404, 'REQUEST_NOT_FOUND', `no request with id '${requestId}'`);
    }
    // The reader gets the ledger's answer now rather than at the next reconciliation round.
    if (record.status === 'unknown' && (await deps.ledger?.settleCommitted(record))) {
      record = (await deps.store.get(id)) ?? record;
    }
    send(response, 200, 'RequestStatus', presentRecord(record));
  });

  router.get('/transactions/:txId', async (request, response) => {
    const txId = param(request, 'txId');
    const channel =
      typeof request.query.channel === 'string' ? request.query.channel : deps.defaultChannel;
    if (!deps.channels.includes(channel)) {
      throw new ApiError(404, 'UNKNOWN_CHANNEL', `this DAPP does not serve channel '${channel}'`, {
        channels: deps.channels,
      });
    }
    const status = await deps.submitter.transactionStatus(channel, txId);
    if (!status) {
      throw new ApiError(
        404,
        'TRANSACTION_NOT_FOUND',
        `channel ${channel} has no transaction ${txId}`,
      );
    }
    send(response, 200, 'TransactionStatus', {
      channel,
      ...status,
      blockNumber: presentBlockNumber(status.blockNumber),
    });
  });

  return router;
}
