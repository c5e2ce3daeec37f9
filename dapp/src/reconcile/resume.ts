// SPDX-License-Identifier: Apache-2.0
import type { Logger } from '@consortia/common';

import type { Submitter } from '../fabric/submitter';
import type { DappMetrics } from '../metrics';
import type { QueuedRequest } from '../queue/messages';
import { OutcomeRecorder } from '../queue/outcome-recorder';
import type { RetryPolicy } from '../queue/retry';
import { submitWithRetry } from '../queue/retry';
import type { QueuedRequestVerifier } from '../queue/verify';
import { UnverifiedMessage } from '../queue/verify';
import type { FailureReason, RequestRecord, RequestStore } from '../store/request-store';
import { submittedBase } from '../store/request-store';

export interface ResumerOptions {
  store: RequestStore;
  submitter: Submitter;
  verifier: QueuedRequestVerifier;
  retryPolicy: RetryPolicy;
  logger: Logger;
  metrics?: DappMetrics;
}

export type ResumeOutcome = 'committed' | 'failed' | 'unknown';

/**
 * Finishes a sync request whose front door stopped (the process was killed, or its caller went
 * away) before the ledger had it: the call kept with the request is checked against the stored
 * request exactly as a worker checks a queued message, then sent under the same request id. The
 * chaincode lets at most one transaction per request id commit, so this can never add a second
 * one, whoever else still sends it.
 */
export class SyncRequestResumer {
  private readonly logger: Logger;
  private readonly recorder: OutcomeRecorder;

  constructor(private readonly options: ResumerOptions) {
    this.logger = options.logger.child({ component: 'resume' });
    this.recorder = new OutcomeRecorder(options.store, options.metrics);
  }

  async resume(record: RequestRecord, call: QueuedRequest): Promise<ResumeOutcome> {
    const { store, submitter, metrics } = this.options;
    const base = submittedBase(record);
    let transient: Record<string, string>;
    try {
      transient = await this.options.verifier.verify(call, record);
    } catch (error) {
      if (!(error instanceof UnverifiedMessage)) throw error;
      // Only a call this DAPP stored can get here; refusing it leaves the request to the ledger.
      const reason: FailureReason = { code: error.code, message: error.message };
      this.logger.error({ requestId: record.requestId, reason }, 'kept call refused; not sent');
      return 'unknown';
    }
    this.logger.info({ requestId: record.requestId }, 'resuming a request its front door dropped');
    const outcome = await submitWithRetry(
      submitter,
      {
        channel: call.channel,
        chaincode: call.chaincode,
        transactionName: call.transactionName,
        args: call.args,
        transient,
        identity: call.identity,
        requestId: call.requestId,
        correlationId: call.correlationId,
        resultFormat: call.resultFormat,
      },
      this.options.retryPolicy,
      {
        duplicateOnFirstAttemptIsOurs: true,
        inDoubt: record.attemptTxIds,
        onAttempt: (attempt) => store.markSubmitted(base, record.attempts + attempt),
        beforeOrdering: this.recorder.beforeOrdering(record.requestId),
        onRetry: (failure) => metrics?.retries.inc({ reason: failure.code }),
      },
    );
    const recorded = await this.recorder.record(outcome, {
      request: base,
      // Still an outage: nothing is settled, so the next round tries again.
      unsent: 'keep',
      priorAttempts: record.attempts,
    });
    if (recorded.status === 'committed') {
      this.logger.info(
        { requestId: record.requestId, txId: recorded.transaction.txId },
        'committed',
      );
    } else if (recorded.status === 'unsent') {
      this.logger.warn(
        { requestId: record.requestId, code: recorded.failure.code },
        'not sent yet',
      );
      return 'unknown';
    } else if (recorded.status === 'failed') {
      this.logger.warn({ requestId: record.requestId, reason: recorded.reason }, 'failed');
    }
    return recorded.status;
  }
}
