// SPDX-License-Identifier: Apache-2.0
import type { CheckResult } from '@consortia/common';

/** A transaction to endorse, order and commit, named as the chaincode dispatches it. */
export interface TransactionCall {
  channel: string;
  chaincode: string;
  /** `Contract:Function`. */
  transactionName: string;
  args: string[];
  /** Transient fields as text; `requestId` and `correlationId` are added by the DAPP. */
  transient: Record<string, string>;
  /** Which configured signing identity submits it; the default one when absent. */
  identity?: string;
  requestId: string;
  correlationId?: string;
  /** How the result bytes read: text for a contract that returns a string, else JSON. */
  resultFormat?: ResultFormat;
  /**
   * MSP ids of the organizations that endorse (or, for an evaluate, answer) the call. Normally
   * absent: the DAPP chooses (dapp/src/fabric/endorsement.ts). Setting it overrides that choice,
   * and the caller then answers for who receives its transient data.
   */
  endorsingOrganizations?: string[];
}

export type ResultFormat = 'json' | 'text';

export type EvaluateCall = Omit<TransactionCall, 'requestId'>;

export interface CommittedTransaction {
  txId: string;
  validationCode: string;
  blockNumber: string;
  /** The function's return value: parsed JSON, text, or null when empty or unknown. */
  result: unknown;
}

export interface LedgerTransactionStatus {
  txId: string;
  validationCode: string;
  valid: boolean;
  blockNumber: string;
}

/** Called between endorsement and ordering, so a transaction's id is on record before it is sent. */
export interface SubmitHooks {
  /**
   * Receives the id of the endorsed transaction just before it goes to the orderer. A failure
   * after this call may hide a transaction that still commits; if it throws, nothing is sent.
   */
  beforeOrdering?: (txId: string) => Promise<void>;
}

/**
 * What the DAPP needs from Fabric. The real one goes through fabric-gateway; tests that run
 * without a Fabric network substitute their own and say so.
 */
export interface Submitter {
  /** Endorses, orders and waits for the commit; throws FabricFailure otherwise. */
  submit(call: TransactionCall, hooks?: SubmitHooks): Promise<CommittedTransaction>;
  evaluate(call: EvaluateCall): Promise<unknown>;
  /** The chaincode's contract metadata (`org.hyperledger.fabric:GetMetadata`). */
  metadata(channel: string, chaincode: string): Promise<unknown>;
  /** The ledger's record of a transaction, or undefined when the channel has none. */
  transactionStatus(channel: string, txId: string): Promise<LedgerTransactionStatus | undefined>;
  /** Whether it can sign as the identity of that name. */
  hasIdentity(name: string): boolean;
  ready(): Promise<CheckResult>;
  close(): void;
}

const decoder = new TextDecoder();

/**
 * Chaincode results are bytes. A contract declared to return a string sends the string itself
 * (so "1.50" must stay text, not become the number 1.5); anything else is JSON, or plain text
 * when it does not parse.
 */
export function decodeResult(bytes: Uint8Array, format: ResultFormat = 'json'): unknown {
  if (bytes.length === 0) return format === 'text' ? '' : null;
  const text = decoder.decode(bytes);
  if (format === 'text') return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
