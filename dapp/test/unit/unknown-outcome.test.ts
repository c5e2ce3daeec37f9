// SPDX-License-Identifier: Apache-2.0
// Outcomes in doubt: a transaction sent to the orderer without a verdict is never reported
// failed; the ledger is asked first. A scripted submitter stands in for Fabric (unit test).
import assert from 'node:assert/strict';

import { FabricFailure, commitFailure } from '../../src/fabric/errors';
import type {
  CommittedTransaction,
  LedgerTransactionStatus,
  SubmitHooks,
  Submitter,
  TransactionCall,
} from '../../src/fabric/submitter';
import { submitWithRetry } from '../../src/queue/retry';
import type { RetryPolicy } from '../../src/queue/retry';
import { chaincodeRefusal, peerUnavailable } from '../support/failures';

const CALL: TransactionCall = {
  channel: 'consortium',
  chaincode: 'consortia',
  transactionName: 'TokenContract:Transfer',
  args: ['x', '1'],
  transient: {},
  requestId: 'r-1',
};
const noSleep = { sleep: async () => undefined, random: () => 0 };
const tx = (digit: string) => digit.repeat(64);

const commitWaitTimeout = () =>
  new FabricFailure({
    kind: 'timeout',
    httpStatus: 504,
    code: 'FABRIC_TIMEOUT',
    message: '4 DEADLINE_EXCEEDED: waiting for commit status',
    retryable: true,
  });
/** One step per attempt: whether it is sent (with its txId), and how it ends. */
interface Step {
  sends?: string;
  then: CommittedTransaction | Error;
}

class InDoubtSubmitter implements Submitter {
  readonly ledger = new Map<string, LedgerTransactionStatus>();
  readonly sent: string[] = [];
  private next = 0;
  constructor(private readonly steps: Step[]) {}
  async submit(_call: TransactionCall, hooks: SubmitHooks = {}): Promise<CommittedTransaction> {
    const step = this.steps[this.next];
    this.next += 1;
    if (!step) throw new Error('script exhausted');
    if (step.sends) {
      await hooks.beforeOrdering?.(step.sends);
      this.sent.push(step.sends);
    }
    if (step.then instanceof Error) throw step.then;
    return step.then;
  }
  commits(txId: string, valid = true): void {
    this.ledger.set(txId, {
      txId,
      valid,
      validationCode: valid ? 'VALID' : 'MVCC_READ_CONFLICT',
      blockNumber: '9',
    });
  }
  async transactionStatus(_channel: string, txId: string) {
    return this.ledger.get(txId);
  }
  async evaluate(): Promise<unknown> {
    return null;
  }
  async metadata(): Promise<unknown> {
    return {};
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

describe('outcomes in doubt', function () {
  const ONE: RetryPolicy = { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 };
  const THREE: RetryPolicy = { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1 };

  it('reports a commit-status timeout on the last attempt as unknown, not failed', async function () {
    const submitter = new InDoubtSubmitter([{ sends: tx('a'), then: commitWaitTimeout() }]);
    const outcome = await submitWithRetry(submitter, CALL, ONE, noSleep);
    assert.equal(outcome.status, 'unknown');
    assert.deepEqual(outcome.status === 'unknown' && outcome.txIds, [tx('a')]);
  });

  it('asks the ledger, and reports the attempt committed when the ledger has it', async function () {
    const submitter = new InDoubtSubmitter([{ sends: tx('a'), then: commitWaitTimeout() }]);
    submitter.commits(tx('a'));
    const outcome = await submitWithRetry(submitter, CALL, ONE, noSleep);
    assert.equal(outcome.status, 'committed');
    assert.equal(outcome.status === 'committed' && outcome.transaction.txId, tx('a'));
    assert.equal(outcome.status === 'committed' && outcome.transaction.blockNumber, '9');
  });

  it('fails a request whose attempts never reached the orderer', async function () {
    const submitter = new InDoubtSubmitter([
      { then: peerUnavailable() },
      { then: peerUnavailable() },
      { then: peerUnavailable() },
    ]);
    const outcome = await submitWithRetry(submitter, CALL, THREE, noSleep);
    assert.equal(outcome.status, 'failed');
  });

  it('fails a request whose only sent attempt the ledger invalidated (a verdict, not a doubt)', async function () {
    const submitter = new InDoubtSubmitter([{ sends: tx('a'), then: commitFailure(10, tx('a')) }]);
    const outcome = await submitWithRetry(submitter, CALL, ONE, noSleep);
    assert.equal(outcome.status, 'failed');
  });

  it('stays unknown when a later attempt is refused while an earlier one may still commit', async function () {
    const submitter = new InDoubtSubmitter([
      { sends: tx('a'), then: commitWaitTimeout() },
      { then: chaincodeRefusal() },
    ]);
    const outcome = await submitWithRetry(submitter, CALL, THREE, noSleep);
    assert.equal(outcome.status, 'unknown');
    assert.equal(outcome.status === 'unknown' && outcome.failure.code, 'INSUFFICIENT_FUNDS');
  });

  it('retries an attempt in doubt with the same request id; DUPLICATE names the earlier one', async function () {
    const duplicate = new FabricFailure({
      kind: 'duplicate',
      httpStatus: 409,
      code: 'DUPLICATE_REQUEST',
      message: `request r-1 was already processed by transaction ${tx('a')}`,
      retryable: false,
      originalTxId: tx('a'),
    });
    const submitter = new InDoubtSubmitter([
      { sends: tx('a'), then: commitWaitTimeout() },
      { then: duplicate },
    ]);
    const recorded: [string, number][] = [];
    const outcome = await submitWithRetry(submitter, CALL, THREE, {
      ...noSleep,
      beforeOrdering: async (txId, attempt) => {
        recorded.push([txId, attempt]);
      },
    });
    assert.equal(outcome.status, 'committed');
    assert.equal(outcome.status === 'committed' && outcome.transaction.txId, tx('a'));
    assert.deepEqual(recorded, [[tx('a'), 1]]);
  });

  it('counts attempts of an earlier delivery that may still commit', async function () {
    const submitter = new InDoubtSubmitter([{ then: chaincodeRefusal() }]);
    const outcome = await submitWithRetry(submitter, CALL, ONE, {
      ...noSleep,
      inDoubt: [tx('c')],
    });
    assert.equal(outcome.status, 'unknown');
    const settled = new InDoubtSubmitter([{ then: chaincodeRefusal() }]);
    settled.commits(tx('c'));
    const again = await submitWithRetry(settled, CALL, ONE, { ...noSleep, inDoubt: [tx('c')] });
    assert.equal(again.status, 'committed', 'the earlier delivery committed');
  });

  it('does not send an attempt whose id could not be recorded', async function () {
    const submitter = new InDoubtSubmitter([{ sends: tx('a'), then: commitWaitTimeout() }]);
    const outcome = await submitWithRetry(submitter, CALL, ONE, {
      ...noSleep,
      beforeOrdering: async () => {
        throw new Error('database unavailable');
      },
    });
    assert.equal(outcome.status, 'failed');
    assert.deepEqual(submitter.sent, []);
  });
});
