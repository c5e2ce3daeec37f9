// SPDX-License-Identifier: Apache-2.0
// A stand-in for the Fabric submitter, for tests that run without a Fabric network (Fabric cannot
// be installed everywhere). It is NOT the network: it imitates only what the DAPP relies on: the
// chaincode's request-id check (one "commit" per request id, kept in a Postgres table so it
// survives a killed process, DUPLICATE_REQUEST naming the first txId afterwards), and failures
// selected by the request's arguments.
import crypto from 'node:crypto';

import pg from 'pg';

import { FabricFailure } from '../../src/fabric/errors';
import type { ChaincodeMetadata } from '../../src/fabric/metadata';
import type {
  CommittedTransaction,
  EvaluateCall,
  LedgerTransactionStatus,
  SubmitHooks,
  Submitter,
  TransactionCall,
} from '../../src/fabric/submitter';

/** An amount argument of this value makes every attempt fail as if no peer answered. */
export const UNREACHABLE_AMOUNT = '13';
/** An amount argument of this value makes the chaincode refuse with INSUFFICIENT_FUNDS. */
export const REFUSED_AMOUNT = '99999';
/** The transaction commits, but waiting for its commit status times out. */
export const COMMIT_TIMEOUT_AMOUNT = '17';
/** The first attempt per request id is sent and lost by the orderer (never commits); it times out. */
export const LOST_ONCE_AMOUNT = '19';
/** The wait for the commit status times out, and the transaction commits a moment later. */
export const LATE_COMMIT_AMOUNT = '23';
/** How long after the timeout a LATE_COMMIT_AMOUNT transaction commits. */
export const LATE_COMMIT_MS = 1_500;

const commitWaitTimeout = (txId: string) =>
  new FabricFailure({
    kind: 'timeout',
    httpStatus: 504,
    code: 'FABRIC_TIMEOUT',
    message: 'Fabric did not answer in time: 4 DEADLINE_EXCEEDED: waiting for commit status',
    retryable: true,
    txId,
  });

export class StubLedgerSubmitter implements Submitter {
  readonly pool: pg.Pool;
  readonly calls: TransactionCall[] = [];
  private readonly lost = new Set<string>();

  constructor(
    connectionString: string,
    private readonly metadataDocument: ChaincodeMetadata | undefined,
    private readonly delayMs = 5,
    /** How long "waiting for the commit status" takes after the commit. */
    private readonly commitWaitMs = delayMs,
  ) {
    this.pool = new pg.Pool({ connectionString, max: 10 });
    this.pool.on('error', () => undefined);
  }

  async init(): Promise<void> {
    await this.pool.query(
      `CREATE TABLE IF NOT EXISTS stub_ledger (
         request_id text PRIMARY KEY, tx_id text NOT NULL, block bigserial, function_name text,
         correlation_id text, duplicate_hits integer NOT NULL DEFAULT 0)`,
    );
  }

  hasIdentity(name: string): boolean {
    return name === 'default' || name === 'auditor';
  }

  async submit(call: TransactionCall, hooks: SubmitHooks = {}): Promise<CommittedTransaction> {
    this.calls.push(call);
    await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    if (call.args.includes(UNREACHABLE_AMOUNT)) {
      throw new FabricFailure({
        kind: 'unavailable',
        httpStatus: 503,
        code: 'PEER_UNAVAILABLE',
        message: 'no peer could be reached: 14 UNAVAILABLE: connect ECONNREFUSED',
        retryable: true,
      });
    }
    if (call.args.includes(REFUSED_AMOUNT)) {
      throw new FabricFailure({
        kind: 'chaincode',
        httpStatus: 422,
        code: 'INSUFFICIENT_FUNDS',
        message: 'balance 0 is less than 99999',
        retryable: false,
        chaincodeError: { code: 'INSUFFICIENT_FUNDS', message: 'balance 0 is less than 99999' },
      });
    }
    const txId = crypto.randomBytes(32).toString('hex');
    const { rows: claimed } = await this.pool.query<{ tx_id: string }>(
      'UPDATE stub_ledger SET duplicate_hits = duplicate_hits + 1 WHERE request_id = $1 RETURNING tx_id',
      [call.requestId],
    );
    // Endorsement already sees the claim: DUPLICATE_REQUEST without sending anything.
    if (claimed[0]) throw this.duplicate(call.requestId, claimed[0].tx_id);
    await hooks.beforeOrdering?.(txId);
    if (call.args.includes(LOST_ONCE_AMOUNT) && !this.lost.has(call.requestId)) {
      this.lost.add(call.requestId);
      throw commitWaitTimeout(txId);
    }
    if (call.args.includes(LATE_COMMIT_AMOUNT)) {
      setTimeout(() => void this.commit(call, txId).catch(() => undefined), LATE_COMMIT_MS);
      throw commitWaitTimeout(txId);
    }
    const inserted = await this.commit(call, txId);
    const block = inserted.rows[0]?.block;
    if (block === undefined) {
      const { rows } = await this.pool.query<{ tx_id: string }>(
        'UPDATE stub_ledger SET duplicate_hits = duplicate_hits + 1 WHERE request_id = $1 RETURNING tx_id',
        [call.requestId],
      );
      throw this.duplicate(call.requestId, rows[0]?.tx_id ?? '');
    }
    if (call.args.includes(COMMIT_TIMEOUT_AMOUNT)) throw commitWaitTimeout(txId);
    // The commit happened above; waiting for its status takes a while, as on a real network, and
    // a process killed now leaves a committed request without a recorded outcome.
    await new Promise((resolve) => setTimeout(resolve, this.commitWaitMs));
    return { txId, validationCode: 'VALID', blockNumber: block, result: null };
  }

  /** The chaincode's claim: the first transaction for a request id commits, later ones do not. */
  private commit(call: TransactionCall, txId: string) {
    return this.pool.query<{ block: string }>(
      `INSERT INTO stub_ledger (request_id, tx_id, function_name, correlation_id) VALUES ($1, $2, $3, $4)
       ON CONFLICT (request_id) DO NOTHING RETURNING block`,
      [call.requestId, txId, call.transactionName, call.correlationId ?? null],
    );
  }

  private duplicate(requestId: string, txId: string): FabricFailure {
    const message = `request ${requestId} was already processed by transaction ${txId}`;
    return new FabricFailure({
      kind: 'duplicate',
      httpStatus: 409,
      code: 'DUPLICATE_REQUEST',
      message,
      retryable: false,
      chaincodeError: { code: 'DUPLICATE_REQUEST', message, field: 'requestId' },
      originalTxId: txId,
    });
  }

  async evaluate(call: EvaluateCall): Promise<unknown> {
    return { evaluated: call.transactionName, args: call.args };
  }

  async metadata(): Promise<unknown> {
    if (!this.metadataDocument) throw new Error('this stub has no metadata');
    return this.metadataDocument;
  }

  async transactionStatus(
    _channel: string,
    txId: string,
  ): Promise<LedgerTransactionStatus | undefined> {
    const { rows } = await this.pool.query<{ block: string }>(
      'SELECT block FROM stub_ledger WHERE tx_id = $1',
      [txId],
    );
    const block = rows[0]?.block;
    return block === undefined
      ? undefined
      : { txId, validationCode: 'VALID', valid: true, blockNumber: block };
  }

  async ready(): Promise<true> {
    return true;
  }

  private closed = false;

  /** Each service stops its submitter; several may share this one. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    void this.pool.end();
  }
}
