// SPDX-License-Identifier: Apache-2.0
import { status as GrpcStatus } from '@grpc/grpc-js';
import { CommitError, GatewayError, StatusCode } from '@hyperledger/fabric-gateway';
import type { ErrorDetail } from '@hyperledger/fabric-gateway';

import { ErrorCode, parseChaincodeError } from '@consortia/chaincode/contract';
import type { ChaincodeErrorBody } from '@consortia/chaincode/contract';

/** The chaincode's structured error, `{"code","field","message"}`. */
export type { ChaincodeErrorBody } from '@consortia/chaincode/contract';
/** Finds the chaincode's JSON error inside whatever text a peer or the gateway wraps around it. */
export { parseChaincodeError } from '@consortia/chaincode/contract';

export type FailureKind =
  | 'chaincode'
  | 'duplicate'
  | 'endorsement'
  | 'ordering'
  | 'unavailable'
  | 'timeout'
  | 'conflict'
  | 'invalid-transaction'
  | 'not-found'
  | 'forbidden'
  | 'internal';

/** One peer's or orderer's answer, as an endorsement failure reports it. */
export interface NodeMessage {
  address: string;
  mspId: string;
  message: string;
  chaincodeError?: ChaincodeErrorBody;
}

/**
 * A Fabric call that did not succeed, classified once so that the HTTP layer, the retry policy
 * and the worker agree on what it means.
 */
export class FabricFailure extends Error {
  readonly kind: FailureKind;
  readonly httpStatus: number;
  readonly code: string;
  readonly retryable: boolean;
  readonly txId: string | undefined;
  readonly chaincodeError: ChaincodeErrorBody | undefined;
  readonly nodes: NodeMessage[];
  /** For `duplicate`: the transaction that already carries the request id. */
  readonly originalTxId: string | undefined;
  readonly validationCode: string | undefined;

  constructor(properties: {
    kind: FailureKind;
    httpStatus: number;
    code: string;
    message: string;
    retryable: boolean;
    txId?: string;
    chaincodeError?: ChaincodeErrorBody;
    nodes?: NodeMessage[];
    originalTxId?: string;
    validationCode?: string;
  }) {
    super(properties.message);
    this.name = 'FabricFailure';
    this.kind = properties.kind;
    this.httpStatus = properties.httpStatus;
    this.code = properties.code;
    this.retryable = properties.retryable;
    this.txId = properties.txId;
    this.chaincodeError = properties.chaincodeError;
    this.nodes = properties.nodes ?? [];
    this.originalTxId = properties.originalTxId;
    this.validationCode = properties.validationCode;
  }

  /** What a caller, the results topic and the request store are told. */
  toJSON(): Record<string, unknown> {
    const body: Record<string, unknown> = { code: this.code, message: this.message };
    if (this.txId) body.txId = this.txId;
    if (this.validationCode) body.validationCode = this.validationCode;
    if (this.originalTxId) body.originalTxId = this.originalTxId;
    if (this.chaincodeError) body.chaincode = this.chaincodeError;
    if (this.nodes.length > 0) body.details = this.nodes;
    return body;
  }
}

/** Every code the chaincode defines has its status (a new code fails to compile here). */
const CHAINCODE_STATUS: Record<ErrorCode, number> = {
  INVALID_ARGUMENT: 400,
  UNKNOWN_FUNCTION: 400,
  NOT_FOUND: 404,
  FORBIDDEN: 403,
  ALREADY_EXISTS: 409,
  DUPLICATE_REQUEST: 409,
  // The caller's id was used before, by this caller, for another call: never retried.
  REQUEST_ID_CONFLICT: 409,
  // The asset's owner changed since the request was authorized: never retried.
  OWNER_MISMATCH: 409,
  INSUFFICIENT_FUNDS: 422,
  INSUFFICIENT_ALLOWANCE: 422,
  CAP_EXCEEDED: 422,
  NOT_INITIALIZED: 409,
};

const TX_ID_IN_DUPLICATE = /transaction ([0-9a-f]{64})/;

/** Codes where another attempt (through another peer, after a pause) may well succeed. */
const TRANSIENT_GRPC = new Set<number>([
  GrpcStatus.UNAVAILABLE,
  GrpcStatus.DEADLINE_EXCEEDED,
  GrpcStatus.RESOURCE_EXHAUSTED,
  GrpcStatus.ABORTED,
]);

/**
 * Endorsement failures that pass: peers answering differently while one lags behind, and a
 * chaincode service that is restarting or unreachable.
 */
const TRANSIENT_ENDORSEMENT =
  /ProposalResponsePayloads do not match|could not launch chaincode|chaincode .*(?:unavailable|not running|connection)|connection refused|error sending/i;

function nodeMessages(details: readonly ErrorDetail[]): NodeMessage[] {
  return details.map((detail) => {
    const node: NodeMessage = {
      address: detail.address,
      mspId: detail.mspId,
      message: detail.message,
    };
    const chaincodeError = parseChaincodeError(detail.message);
    if (chaincodeError) node.chaincodeError = chaincodeError;
    return node;
  });
}

const VALIDATION_NAMES = new Map<number, string>(
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-conversion -- a numeric enum's entries also hold its name-to-number reverse pairs
  Object.entries(StatusCode).map(([name, code]) => [Number(code), name]),
);

/** Fabric's name for a transaction validation code, e.g. 11 → MVCC_READ_CONFLICT. */
export function validationName(code: number): string {
  return VALIDATION_NAMES.get(code) ?? `CODE_${code}`;
}

/** A transaction that was ordered but invalidated at commit. */
export function commitFailure(code: number, txId: string): FabricFailure {
  const name = validationName(code);
  const conflict = name === 'MVCC_READ_CONFLICT' || name === 'PHANTOM_READ_CONFLICT';
  return new FabricFailure({
    kind: conflict ? 'conflict' : 'invalid-transaction',
    httpStatus: conflict ? 409 : 502,
    code: name,
    message: conflict
      ? `transaction ${txId} lost a read conflict (${name}) to a concurrent transaction`
      : `transaction ${txId} was ordered but invalidated with ${name}`,
    retryable: conflict,
    txId,
    validationCode: name,
  });
}

function chaincodeFailure(
  body: ChaincodeErrorBody,
  nodes: NodeMessage[],
  txId: string | undefined,
): FabricFailure {
  if (body.code === ErrorCode.DUPLICATE_REQUEST) {
    return new FabricFailure({
      kind: 'duplicate',
      httpStatus: 409,
      code: ErrorCode.DUPLICATE_REQUEST,
      message: body.message,
      retryable: false,
      txId,
      chaincodeError: body,
      nodes,
      originalTxId: TX_ID_IN_DUPLICATE.exec(body.message)?.[1],
    });
  }
  return new FabricFailure({
    kind: 'chaincode',
    httpStatus: (CHAINCODE_STATUS as Partial<Record<string, number>>)[body.code] ?? 422,
    code: body.code,
    message: body.message,
    retryable: false,
    txId,
    chaincodeError: body,
    nodes,
  });
}

function grpcCodeOf(error: unknown): number | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = error.code;
    return typeof code === 'number' ? code : undefined;
  }
  return undefined;
}

function unavailable(message: string, nodes: NodeMessage[], txId?: string): FabricFailure {
  return new FabricFailure({
    kind: 'unavailable',
    httpStatus: 503,
    code: 'PEER_UNAVAILABLE',
    message: `no peer could be reached: ${message}`,
    retryable: true,
    txId,
    nodes,
  });
}

/** Classifies anything a fabric-gateway call threw. */
export function classifyFabricError(error: unknown): FabricFailure {
  if (error instanceof FabricFailure) return error;
  if (error instanceof CommitError) return commitFailure(error.code, error.transactionId);
  const message = error instanceof Error ? error.message : String(error);
  const txId =
    typeof error === 'object' && error !== null && 'transactionId' in error
      ? String(error.transactionId)
      : undefined;
  const nodes = error instanceof GatewayError ? nodeMessages(error.details) : [];
  const chaincodeError =
    nodes.find((node) => node.chaincodeError)?.chaincodeError ?? parseChaincodeError(message);
  if (chaincodeError) return chaincodeFailure(chaincodeError, nodes, txId);

  const code = grpcCodeOf(error);
  const where = error instanceof Error ? error.name : 'Error';
  if (where === 'CommitStatusError') {
    // Sent to the orderer already: only the ledger can say whether it commits.
    return new FabricFailure({
      kind: code === GrpcStatus.UNAVAILABLE ? 'unavailable' : 'timeout',
      httpStatus: 504,
      code: 'COMMIT_STATUS_UNKNOWN',
      message: `the transaction was sent, but its commit status could not be read: ${message}`,
      retryable: true,
      txId,
      nodes,
    });
  }
  if (code === GrpcStatus.UNAVAILABLE) return unavailable(message, nodes, txId);
  if (code === GrpcStatus.DEADLINE_EXCEEDED) {
    return new FabricFailure({
      kind: 'timeout',
      httpStatus: 504,
      code: 'FABRIC_TIMEOUT',
      message: `Fabric did not answer in time: ${message}`,
      retryable: true,
      txId,
      nodes,
    });
  }
  const everything = [message, ...nodes.map((node) => node.message)].join('\n');
  if (
    /chaincode .*not found|could not find chaincode|chaincode definition for .* not found|make sure the chaincode .* has been successfully defined/i.test(
      everything,
    )
  ) {
    return new FabricFailure({
      kind: 'not-found',
      httpStatus: 404,
      code: 'UNKNOWN_CHAINCODE',
      message: `the chaincode is not deployed on this channel: ${message}`,
      retryable: false,
      txId,
      nodes,
    });
  }
  if (/channel .*not found|cannot find channel|unknown channel|no such channel/i.test(everything)) {
    return new FabricFailure({
      kind: 'not-found',
      httpStatus: 404,
      code: 'UNKNOWN_CHANNEL',
      message: `the peers do not know this channel: ${message}`,
      retryable: false,
      txId,
      nodes,
    });
  }
  if (code === GrpcStatus.PERMISSION_DENIED) {
    return new FabricFailure({
      kind: 'forbidden',
      httpStatus: 403,
      code: 'ACCESS_DENIED',
      message: `the peer refused this identity: ${message}`,
      retryable: false,
      txId,
      nodes,
    });
  }
  if (where === 'EndorseError' || (nodes.length > 0 && where !== 'SubmitError')) {
    return new FabricFailure({
      kind: 'endorsement',
      httpStatus: 502,
      code: 'ENDORSEMENT_FAILED',
      message: `endorsement failed: ${message}`,
      retryable:
        (code !== undefined && TRANSIENT_GRPC.has(code)) || TRANSIENT_ENDORSEMENT.test(everything),
      txId,
      nodes,
    });
  }
  if (where === 'SubmitError') {
    return new FabricFailure({
      kind: 'ordering',
      httpStatus: 503,
      code: 'ORDERING_FAILED',
      message: `the orderer did not accept the transaction: ${message}`,
      retryable: code === undefined || TRANSIENT_GRPC.has(code),
      txId,
      nodes,
    });
  }
  if (code !== undefined && TRANSIENT_GRPC.has(code)) {
    return new FabricFailure({
      kind: 'unavailable',
      httpStatus: 503,
      code: 'FABRIC_BUSY',
      message,
      retryable: true,
      txId,
      nodes,
    });
  }
  return new FabricFailure({
    kind: 'internal',
    httpStatus: 502,
    code: 'FABRIC_ERROR',
    message,
    retryable: false,
    txId,
    nodes,
  });
}
