// SPDX-License-Identifier: Apache-2.0
import { randomUUID } from 'node:crypto';

import { currentCorrelationId } from '@consortia/common';
import type { RequestHandler } from 'express';

import { chaincodeRequestId } from '../access/callers';
import type { PreparedCall } from '../fabric/metadata';
import type { QueuedRequest } from '../queue/messages';
import { OutcomeRecorder } from '../queue/outcome-recorder';
import { submitWithRetry } from '../queue/retry';
import type { NewRequest } from '../store/request-store';
import { ApiError } from './errors';
import { alreadyKnown, callerOf, presentBlockNumber } from './ownership';
import type { SendAnswer } from './responses';
import type { RouteDependencies } from './route-support';
import { checkedBody, target, transientText } from './route-support';

/**
 * POST /v1/channels/{channel}/chaincodes/{chaincode}/transactions: sync (sent, then answered
 * once committed, failed, or 202 `unknown`) or async (kept in the store and queued in Kafka).
 */
export function submitTransaction(deps: RouteDependencies, send: SendAnswer): RequestHandler {
  const recorder = new OutcomeRecorder(deps.store, deps.metrics);
  return async (request, response) => {
    const body = checkedBody(deps.bodies, 'TransactionRequest', request.body);
    const caller = callerOf(response);
    const { channel, chaincode, identity, catalog } = await target(deps, request, caller);
    const call: PreparedCall = catalog.prepare(body.function, body.args, 'submit');
    // The caller's own id, and the id stored and sent to the chaincode: `<caller>:<own id>`.
    const ownId = body.requestId ?? randomUUID();
    const requestId = chaincodeRequestId(caller.id, ownId);
    const statusUrl = `/v1/requests/${encodeURIComponent(ownId)}`;
    const transient = transientText(body.transient);
    const content = {
      channel,
      chaincode,
      transactionName: call.transactionName,
      args: call.args,
      identity,
      transient,
    };
    const correlationId = currentCorrelationId();
    const mode = body.mode ?? 'sync';
    const record: NewRequest = {
      requestId,
      mode,
      status: mode === 'async' ? 'queued' : 'submitted',
      channel,
      chaincode,
      function: call.transactionName,
      identity,
      partitionKey: body.key ?? requestId,
      correlationId,
      requestHash: deps.vault.requestHash(content),
    };
    const hasTransient = Object.keys(transient).length > 0;
    // The call as a worker (async) or the reconciler (a sync request its front door dropped)
    // runs it; transient data stays sealed in the store, never in the message.
    const message: QueuedRequest = {
      requestId,
      caller: caller.id,
      channel,
      chaincode,
      transactionName: call.transactionName,
      function: call.function,
      args: call.args,
      resultFormat: call.resultFormat,
      ...(hasTransient ? { transientRef: requestId } : {}),
      identity,
      partitionKey: record.partitionKey ?? requestId,
      correlationId,
      acceptedAt: new Date().toISOString(),
      store: deps.storeId,
    };

    if (mode === 'async') {
      const publisher = deps.publisher;
      if (!publisher) {
        throw new ApiError(503, 'QUEUE_DISABLED', 'async requests need KAFKA_BROKERS to be set');
      }
      // Transient data never goes to Kafka: it is kept sealed in the store, with the request.
      if (hasTransient && !deps.vault.enabled) {
        throw new ApiError(
          503,
          'TRANSIENT_STORE_DISABLED',
          'async requests with transient data need DAPP_TRANSIENT_KEY to be set',
        );
      }
      const created = await deps.store.create(
        record,
        hasTransient ? deps.vault.seal(requestId, transient) : undefined,
        message,
      );
      if (!created.created) {
        // Only an identical retry of a request stuck in `queued` (never acknowledged to its
        // caller) is accepted again; a different body under a reused id never is.
        const same = deps.vault.matches(created.existing.requestHash, content);
        if (!same || created.existing.status !== 'queued') {
          throw alreadyKnown(created.existing, same);
        }
      }
      try {
        await publisher.publishRequest(message);
      } catch (error) {
        // The request stays stored as `queued`: a retry that got through may already have
        // queued it (deleting it would leave its message without a request), and otherwise
        // the reconciler queues it again once Kafka answers.
        deps.logger.error({ err: error, requestId }, 'Kafka did not take the request');
        throw new ApiError(
          503,
          'QUEUE_UNAVAILABLE',
          'Kafka did not acknowledge the request; it is kept and queued again when Kafka answers (retry with the same requestId to follow it)',
        );
      }
      deps.logger.info({ requestId, function: call.transactionName }, 'request queued');
      send(response.location(statusUrl), 202, 'AcceptedRequest', {
        requestId: ownId,
        status: 'queued',
        statusUrl,
      });
      return;
    }

    // Kept so the reconciler can finish the request if this process stops before sending it;
    // without a vault key, a call with transient data cannot be kept and is not resumable.
    const resumable = !hasTransient || deps.vault.enabled;
    const created = await deps.store.create(
      record,
      hasTransient && resumable ? deps.vault.seal(requestId, transient) : undefined,
      resumable ? message : undefined,
    );
    if (!created.created) {
      throw alreadyKnown(
        created.existing,
        deps.vault.matches(created.existing.requestHash, content),
      );
    }
    const started = process.hrtime.bigint();
    const outcome = await submitWithRetry(
      deps.submitter,
      {
        channel,
        chaincode,
        transactionName: call.transactionName,
        args: call.args,
        transient,
        identity,
        requestId,
        resultFormat: call.resultFormat,
        correlationId,
      },
      deps.retryPolicy,
      {
        // The id is namespaced by this caller and the chaincode matches submitter and call,
        // so a DUPLICATE_REQUEST names this very request's transaction.
        duplicateOnFirstAttemptIsOurs: true,
        // Each retry shows the reconciler that the request is still handled (RECONCILE_GRACE_MS).
        onAttempt: (attempt) => (attempt > 1 ? deps.store.touch(requestId) : undefined),
        beforeOrdering: recorder.beforeOrdering(requestId),
        onRetry: (failure, attempt, delayMs) => {
          deps.metrics.retries.inc({ reason: failure.code });
          deps.logger.warn({ requestId, attempt, delayMs, code: failure.code }, 'retrying');
        },
      },
    );
    const recorded = await recorder.record(outcome, {
      request: record,
      // Outages only, and nothing of it reached the ledger: the caller is told to retry (5xx), so
      // the request is not kept as failed; a retry under the same id is sent afresh.
      unsent: 'discard',
      startedAt: started,
    });
    if (recorded.status === 'unknown') {
      // Sent, but no verdict: never `failed`. The reconciler asks the ledger; the caller polls.
      deps.logger.warn(
        { requestId, txIds: recorded.txIds },
        'outcome unknown; the ledger will tell',
      );
      send(response.location(statusUrl), 202, 'AcceptedRequest', {
        requestId: ownId,
        status: 'unknown',
        txId: recorded.txIds.at(-1),
        statusUrl,
      });
      return;
    }
    // Failed (recorded), or unsent (forgotten): the error answer says which, and whether to retry.
    if (recorded.status !== 'committed') throw recorded.failure;
    const { transaction } = recorded;
    // as the queue worker logs its commits: the request's correlation id comes with the line
    deps.logger.info({ requestId, txId: transaction.txId }, 'request committed');
    send(response, 200, 'CommittedTransaction', {
      requestId: ownId,
      status: 'committed',
      txId: transaction.txId,
      validationCode: transaction.validationCode,
      blockNumber: presentBlockNumber(transaction.blockNumber),
      result: transaction.result,
    });
  };
}
