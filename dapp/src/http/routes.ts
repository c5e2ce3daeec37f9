import { randomUUID } from 'node:crypto';

import type { Logger } from '@consortia/common';
import { currentCorrelationId } from '@consortia/common';
import { Router } from 'express';
import type { Request } from 'express';

import type { Caller, CallerPolicy } from '../access/callers';
import { chaincodeRequestId } from '../access/callers';
import type { ContractCatalog, PreparedCall } from '../fabric/metadata';
import { ValidationError } from '../fabric/metadata';
import type { Submitter } from '../fabric/submitter';
import type { DappMetrics } from '../metrics';
import type { QueuePublisher } from '../queue/kafka';
import type { QueuedRequest } from '../queue/messages';
import type { RetryPolicy } from '../queue/retry';
import { submitWithRetry, unknownReason } from '../queue/retry';
import type {
  FailureReason,
  NewRequest,
  RequestRecord,
  RequestStore,
} from '../store/request-store';
import type { TransientVault } from '../store/transient-vault';
import { ApiError } from './errors';
import type { BodyValidator, SchemaName } from './openapi';
import {
  alreadyKnown,
  callerOf,
  presentBlockNumber,
  presentRecord,
  requireIdentity,
} from './ownership';

export const IDENTITY_HEADER = 'x-fabric-identity';

export interface RouteDependencies {
  channels: readonly string[];
  chaincodes: readonly string[];
  defaultChannel: string;
  catalogs: { get(channel: string, chaincode: string): Promise<ContractCatalog> };
  submitter: Submitter;
  store: RequestStore;
  /** The request store's id, written into queued messages so only its workers run them. */
  storeId: string;
  /** Settles an `unknown` request from the ledger when its status is read. */
  ledger?: { settleCommitted(record: RequestRecord): Promise<boolean> };
  /** Absent when no Kafka is configured: async requests are then refused. */
  publisher: QueuePublisher | undefined;
  retryPolicy: RetryPolicy;
  /** Which Fabric identities each caller may use. */
  policy: CallerPolicy;
  /** Seals transient data of queued requests; hashes request content. */
  vault: TransientVault;
  bodies: BodyValidator;
  metrics: DappMetrics;
  logger: Logger;
}

interface TransactionBody {
  function: string;
  args?: unknown;
  transient?: Record<string, unknown>;
  requestId?: string;
  mode?: 'sync' | 'async';
  key?: string;
}

function checkedBody<T>(bodies: BodyValidator, schema: SchemaName, body: unknown): T {
  const problems = bodies.problems(schema, body);
  if (problems.length > 0) throw new ValidationError('INVALID_REQUEST', problems);
  return body as T;
}

function transientText(transient: Record<string, unknown> | undefined): Record<string, string> {
  return Object.fromEntries(
    Object.entries(transient ?? {}).map(([name, value]) => [
      name,
      typeof value === 'string' ? value : JSON.stringify(value),
    ]),
  );
}

function param(request: Request, name: string): string {
  const value = request.params[name];
  return typeof value === 'string' ? value : '';
}

export function apiRoutes(deps: RouteDependencies): Router {
  const router = Router();

  /** The channel, chaincode and identity, each refused before anything is sent to Fabric. */
  async function target(
    request: Request,
    caller: Caller,
  ): Promise<{
    channel: string;
    chaincode: string;
    identity: string | undefined;
    catalog: ContractCatalog;
  }> {
    const channel = param(request, 'channel');
    const chaincode = param(request, 'chaincode');
    if (!deps.channels.includes(channel)) {
      throw new ApiError(404, 'UNKNOWN_CHANNEL', `this DAPP does not serve channel '${channel}'`, {
        channels: deps.channels,
      });
    }
    if (!deps.chaincodes.includes(chaincode)) {
      throw new ApiError(
        404,
        'UNKNOWN_CHAINCODE',
        `this DAPP does not serve chaincode '${chaincode}'`,
        { chaincodes: deps.chaincodes },
      );
    }
    const identity = request.get(IDENTITY_HEADER) || undefined;
    requireIdentity(deps.policy, caller, identity);
    return { channel, chaincode, identity, catalog: await deps.catalogs.get(channel, chaincode) };
  }

  router.post(
    '/channels/:channel/chaincodes/:chaincode/transactions',
    async (request, response) => {
      const body = checkedBody<TransactionBody>(deps.bodies, 'TransactionRequest', request.body);
      const caller = callerOf(response);
      const { channel, chaincode, identity, catalog } = await target(request, caller);
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
          if (created.created) await deps.store.discard(requestId).catch(() => undefined);
          deps.logger.error({ err: error, requestId }, 'Kafka did not take the request');
          throw new ApiError(
            503,
            'QUEUE_UNAVAILABLE',
            'Kafka did not acknowledge the request; it was not accepted, retry it',
          );
        }
        deps.logger.info({ requestId, function: call.transactionName }, 'request queued');
        response
          .status(202)
          .location(statusUrl)
          .json({ requestId: ownId, status: 'queued', statusUrl });
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
          beforeOrdering: (txId) => deps.store.recordAttempt(requestId, txId),
          onRetry: (failure, attempt, delayMs) => {
            deps.metrics.retries.inc({ reason: failure.code });
            deps.logger.warn({ requestId, attempt, delayMs, code: failure.code }, 'retrying');
          },
        },
      );
      deps.metrics.fabricDuration.observe(
        { operation: 'submit', outcome: outcome.status },
        Number(process.hrtime.bigint() - started) / 1e9,
      );
      deps.metrics.outcomes.inc({ mode: 'sync', status: outcome.status });
      if (outcome.status === 'unknown') {
        // Sent, but no verdict: never `failed`. The reconciler asks the ledger; the caller polls.
        await deps.store.recordUnknown(requestId, {
          reason: unknownReason(outcome.failure, outcome.txIds),
          attempts: outcome.attempts,
        });
        deps.logger.warn(
          { requestId, txIds: outcome.txIds },
          'outcome unknown; the ledger will tell',
        );
        response
          .status(202)
          .location(statusUrl)
          .json({ requestId: ownId, status: 'unknown', txId: outcome.txIds.at(-1), statusUrl });
        return;
      }
      if (outcome.status === 'failed') {
        const reason: FailureReason = {
          ...(outcome.failure.toJSON() as { code: string; message: string }),
          retriesExhausted: outcome.exhausted,
        };
        await deps.store.recordOutcome(record, {
          status: 'failed',
          txId: outcome.failure.txId,
          validationCode: outcome.failure.validationCode,
          reason,
          attempts: outcome.attempts,
        });
        throw outcome.failure;
      }
      const { transaction } = outcome;
      await deps.store.recordOutcome(record, {
        status: 'committed',
        txId: transaction.txId,
        validationCode: transaction.validationCode,
        blockNumber: transaction.blockNumber,
        result: transaction.result,
        attempts: outcome.attempts,
      });
      response.json({
        requestId: ownId,
        status: 'committed',
        txId: transaction.txId,
        validationCode: transaction.validationCode,
        blockNumber: presentBlockNumber(transaction.blockNumber),
        result: transaction.result,
      });
    },
  );

  router.post('/channels/:channel/chaincodes/:chaincode/queries', async (request, response) => {
    const body = checkedBody<TransactionBody>(deps.bodies, 'QueryRequest', request.body);
    const { channel, chaincode, identity, catalog } = await target(request, callerOf(response));
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
      response.json({ result });
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
    response.json(presentRecord(record));
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
    response.json({ channel, ...status, blockNumber: presentBlockNumber(status.blockNumber) });
  });

  return router;
}
