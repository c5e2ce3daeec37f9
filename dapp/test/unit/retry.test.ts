// SPDX-License-Identifier: Apache-2.0
// The retry policy, with a scripted submitter standing in for Fabric (no network in unit tests).
import assert from 'node:assert/strict';

import { FabricFailure, commitFailure } from '../../src/fabric/errors';
import type {
  CommittedTransaction,
  LedgerTransactionStatus,
  Submitter,
  TransactionCall,
} from '../../src/fabric/submitter';
import { backoffDelay, shouldRetry, submitWithRetry } from '../../src/queue/retry';
import type { RetryPolicy } from '../../src/queue/retry';
import { readConfig } from '../../src/config';
import { asyncRetryPolicyFrom, retryPolicyFrom } from '../../src/service';

const POLICY: RetryPolicy = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1_000 };
const TX = 'a'.repeat(64);
const ORIGINAL = 'b'.repeat(64);

const CALL: TransactionCall = {
  channel: 'consortium',
  chaincode: 'consortia',
  transactionName: 'TokenContract:Transfer',
  args: ['x', '1'],
  transient: {},
  requestId: 'r-1',
};

const committed: CommittedTransaction = {
  txId: TX,
  validationCode: 'VALID',
  blockNumber: '7',
  result: null,
};

const unavailable = () =>
  new FabricFailure({
    kind: 'unavailable',
    httpStatus: 503,
    code: 'PEER_UNAVAILABLE',
    message: 'down',
    retryable: true,
  });

const duplicate = () =>
  new FabricFailure({
    kind: 'duplicate',
    httpStatus: 409,
    code: 'DUPLICATE_REQUEST',
    message: `request r-1 was already processed by transaction ${ORIGINAL}`,
    retryable: false,
    originalTxId: ORIGINAL,
  });

/** Answers each submit with the next scripted outcome. */
class ScriptedSubmitter implements Submitter {
  submits = 0;
  constructor(private readonly script: (CommittedTransaction | Error)[]) {}
  async submit(): Promise<CommittedTransaction> {
    const next = this.script[this.submits];
    this.submits += 1;
    if (!next) throw new Error('script exhausted');
    if (next instanceof Error) throw next;
    return next;
  }
  async evaluate(): Promise<unknown> {
    return null;
  }
  async metadata(): Promise<unknown> {
    return {};
  }
  async transactionStatus(_channel: string, txId: string): Promise<LedgerTransactionStatus> {
    return { txId, validationCode: 'VALID', valid: true, blockNumber: '3' };
  }
  hasIdentity(name: string): boolean {
    return name === 'default';
  }
  async ready(): Promise<true> {
    return true;
  }
  close(): void {
    // nothing to release
  }
}

describe('retry policy', function () {
  const noSleep = { sleep: async () => undefined, random: () => 1 };

  it('backs off exponentially with full jitter, capped', function () {
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6].map((attempt) => backoffDelay(POLICY, attempt, () => 0.999999)),
      [99, 199, 399, 799, 999, 999],
    );
    assert.equal(
      backoffDelay(POLICY, 3, () => 0),
      0,
    );
    assert.equal(
      backoffDelay(POLICY, 2, () => 0.5),
      100,
    );
  });

  it('retries only retryable failures, and only while attempts remain', function () {
    assert.equal(shouldRetry(POLICY, unavailable(), 1), true);
    assert.equal(shouldRetry(POLICY, unavailable(), 4), false);
    assert.equal(shouldRetry(POLICY, commitFailure(11, TX), 2), true);
    assert.equal(shouldRetry(POLICY, commitFailure(10, TX), 1), false);
    assert.equal(shouldRetry(POLICY, duplicate(), 1), false);
  });

  it('retries an MVCC conflict and an unreachable peer, then commits', async function () {
    const submitter = new ScriptedSubmitter([commitFailure(11, TX), unavailable(), committed]);
    const delays: number[] = [];
    const outcome = await submitWithRetry(submitter, CALL, POLICY, {
      ...noSleep,
      onRetry: (_failure, _attempt, delay) => delays.push(delay),
    });
    assert.equal(outcome.status, 'committed');
    assert.equal(outcome.attempts, 3);
    assert.deepEqual(delays, [100, 200]);
  });

  it('gives up after the last attempt and says the retries ran out', async function () {
    const submitter = new ScriptedSubmitter([
      unavailable(),
      unavailable(),
      unavailable(),
      unavailable(),
    ]);
    const outcome = await submitWithRetry(submitter, CALL, POLICY, noSleep);
    assert.equal(outcome.status, 'failed');
    assert.equal(outcome.status === 'failed' && outcome.exhausted, true);
    assert.equal(outcome.attempts, 4);
    assert.equal(submitter.submits, 4);
  });

  it('does not retry a refusal by the chaincode', async function () {
    const refusal = new FabricFailure({
      kind: 'chaincode',
      httpStatus: 422,
      code: 'INSUFFICIENT_FUNDS',
      message: 'no',
      retryable: false,
    });
    const outcome = await submitWithRetry(new ScriptedSubmitter([refusal]), CALL, POLICY, noSleep);
    assert.equal(outcome.status, 'failed');
    assert.equal(outcome.status === 'failed' && outcome.exhausted, false);
    assert.equal(outcome.attempts, 1);
  });

  it('reads DUPLICATE_REQUEST after an earlier attempt as that attempt having committed', async function () {
    const submitter = new ScriptedSubmitter([unavailable(), duplicate()]);
    const outcome = await submitWithRetry(submitter, CALL, POLICY, noSleep);
    assert.equal(outcome.status, 'committed');
    if (outcome.status !== 'committed') return;
    assert.equal(outcome.duplicate, true);
    assert.equal(outcome.transaction.txId, ORIGINAL);
    assert.equal(outcome.transaction.blockNumber, '3');
  });

  it('reports a first-attempt duplicate as a reused id, unless the id is known to be ours', async function () {
    const reused = await submitWithRetry(
      new ScriptedSubmitter([duplicate()]),
      CALL,
      POLICY,
      noSleep,
    );
    assert.equal(reused.status, 'failed');
    assert.equal(reused.status === 'failed' && reused.failure.code, 'DUPLICATE_REQUEST');
    const ours = await submitWithRetry(new ScriptedSubmitter([duplicate()]), CALL, POLICY, {
      ...noSleep,
      duplicateOnFirstAttemptIsOurs: true,
    });
    assert.equal(ours.status, 'committed');
  });

  it('reports each attempt before it is made', async function () {
    const attempts: number[] = [];
    await submitWithRetry(new ScriptedSubmitter([unavailable(), committed]), CALL, POLICY, {
      ...noSleep,
      onAttempt: (attempt) => {
        attempts.push(attempt);
      },
    });
    assert.deepEqual(attempts, [1, 2]);
  });

  it('with a window, retries transient failures until the window closes, not a set number of times', async function () {
    const windowed: RetryPolicy = { ...POLICY, windowMs: 10_000 };
    let clock = 0;
    const timed = {
      now: () => clock,
      random: () => 1,
      sleep: async (ms: number) => {
        clock += ms;
      },
    };
    // A chaincode service down for ~5 s: far more failures than maxAttempts, then it commits.
    const outage = Array.from({ length: 9 }, () => unavailable());
    const recovered = await submitWithRetry(
      new ScriptedSubmitter([...outage, commitFailure(11, TX), committed]),
      CALL,
      windowed,
      timed,
    );
    assert.equal(recovered.status, 'committed');
    assert.equal(recovered.attempts, 11);

    clock = 0;
    const forever = Array.from({ length: 100 }, () => unavailable());
    const lost = await submitWithRetry(new ScriptedSubmitter(forever), CALL, windowed, timed);
    assert.equal(lost.status, 'failed');
    assert.equal(lost.status === 'failed' && lost.exhausted, true);
    assert.ok(clock >= 10_000 && clock < 11_000, `gave up after ${clock} ms`);
  });

  it('with a window, still fails a business refusal at once', async function () {
    const refusal = new FabricFailure({
      kind: 'chaincode',
      httpStatus: 409,
      code: 'OWNER_MISMATCH',
      message: 'no',
      retryable: false,
    });
    const outcome = await submitWithRetry(
      new ScriptedSubmitter([unavailable(), refusal]),
      CALL,
      { ...POLICY, windowMs: 60_000 },
      noSleep,
    );
    assert.equal(outcome.status, 'failed');
    assert.equal(outcome.attempts, 2);
    assert.equal(shouldRetry({ ...POLICY, windowMs: 60_000 }, unavailable(), 50, 59_999), true);
    assert.equal(shouldRetry({ ...POLICY, windowMs: 60_000 }, unavailable(), 2, 60_000), false);
  });

  it('gives queued requests the retry window and sync requests the attempt count', function () {
    const config = readConfig({ LOG_LEVEL: 'silent' });
    assert.equal(retryPolicyFrom(config).windowMs, undefined);
    assert.equal(retryPolicyFrom(config).maxAttempts, 6);
    assert.equal(asyncRetryPolicyFrom(config).windowMs, 120_000);
    const counted = readConfig({ LOG_LEVEL: 'silent', ASYNC_RETRY_WINDOW_MS: '0' });
    assert.equal(asyncRetryPolicyFrom(counted).windowMs, undefined);
  });

  it('waits the backoff delay between attempts with the real timer', async function () {
    const started = Date.now();
    await submitWithRetry(
      new ScriptedSubmitter([unavailable(), committed]),
      CALL,
      { maxAttempts: 2, baseDelayMs: 40, maxDelayMs: 40 },
      { random: () => 0.99 },
    );
    assert.ok(Date.now() - started >= 35);
  });
});
