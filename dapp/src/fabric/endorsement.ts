// SPDX-License-Identifier: Apache-2.0
// Which organizations endorse a call, so that a caller's transient data only reaches peers of
// organizations allowed to hold it.
//
// Transient data goes to every endorsing peer. The Fabric gateway refuses, by default, to send
// it to organizations outside a collection's distribution policy, but it cannot know which of
// a caller's transient fields are secret, nor satisfy a chaincode policy that needs other
// organizations. So the DAPP decides:
// - A call whose transient data is only the DAPP's own `requestId` and `correlationId`, or the
//   hash of staged private details (nothing secret), is left to the gateway, which picks
//   endorsers from the chaincode's policies.
// - A call with caller-supplied transient data is endorsed by the signing identity's own
//   organization only: the one organization the DAPP can trust with its caller's secrets.
// - Functions whose chaincode takes private details in a separate owner-endorsed step (see
//   chaincode/src/contracts/asset-private-details.ts) become two transactions: the stage,
//   endorsed by the caller's organization with the details, then the function itself, endorsed
//   as the consortium's policy requires, naming only their hash.
// An explicit `endorsingOrganizations` on the call overrides all of this.
import type { TransactionCall } from './submitter';

/** A function that takes private details through a stage transaction of the same chaincode. */
export interface StagedPrivateWrite {
  /** The stage function: `(assetId)` with the details as transient `detailsField`; returns their hash. */
  stageTransaction: string;
  /** Which argument of the function is the id the stage takes. */
  idArgument: number;
  /** Transient field with the secret details. */
  detailsField: string;
  /** Transient field that names the staged details' hash to the function. */
  hashField: string;
}

const ASSET_DETAILS: Omit<StagedPrivateWrite, 'idArgument'> = {
  stageTransaction: 'AssetContract:StageAssetPrivateDetails',
  detailsField: 'privateDetails',
  hashField: 'privateDetailsHash',
};

/** The chaincode functions that carry private details through a stage. */
export const STAGED_PRIVATE_WRITES: Readonly<Record<string, StagedPrivateWrite>> = {
  'AssetContract:CreateAsset': { ...ASSET_DETAILS, idArgument: 0 },
  'AssetContract:UpdateAsset': { ...ASSET_DETAILS, idArgument: 0 },
};

/** One transaction to endorse; `endorsingOrganizations` undefined lets the gateway choose. */
export interface EndorsementStep {
  call: TransactionCall;
  endorsingOrganizations: string[] | undefined;
}

export interface SubmitPlan {
  /** Sent first, without the request id; its result is the staged details' hash. */
  stage?: EndorsementStep;
  /** The request's own transaction; with a stage, `hashField` is filled in from its result. */
  main: EndorsementStep;
  hashField?: string;
}

/** Transient fields that only name a hash the ledger records anyway: never secret. */
const PUBLIC_TRANSIENT_FIELDS = new Set(
  Object.values(STAGED_PRIVATE_WRITES).map((staged) => staged.hashField),
);

const hasCallerTransient = (call: Pick<TransactionCall, 'transient'>): boolean =>
  Object.keys(call.transient).some((field) => !PUBLIC_TRANSIENT_FIELDS.has(field));

/** Organizations for a call with no stage: the explicit choice, the signer's own, or the gateway's. */
export function endorsersFor(
  call: Pick<TransactionCall, 'transient' | 'endorsingOrganizations'>,
  signerMspId: string,
): string[] | undefined {
  if (call.endorsingOrganizations && call.endorsingOrganizations.length > 0) {
    return [...call.endorsingOrganizations];
  }
  return hasCallerTransient(call) ? [signerMspId] : undefined;
}

/** How to submit `call` as an identity of `signerMspId`. */
export function planSubmit(call: TransactionCall, signerMspId: string): SubmitPlan {
  const staged = STAGED_PRIVATE_WRITES[call.transactionName];
  const details = staged ? call.transient[staged.detailsField] : undefined;
  if (!staged || details === undefined || call.endorsingOrganizations) {
    return { main: { call, endorsingOrganizations: endorsersFor(call, signerMspId) } };
  }
  const rest = Object.fromEntries(
    Object.entries(call.transient).filter(([field]) => field !== staged.detailsField),
  );
  const stageCall: TransactionCall = {
    channel: call.channel,
    chaincode: call.chaincode,
    transactionName: staged.stageTransaction,
    args: [call.args[staged.idArgument] ?? ''],
    transient: { [staged.detailsField]: details },
    identity: call.identity,
    // The stage is idempotent by content and is not the request's transaction: no request id,
    // no correlation id (the mirror ties the request to the function's own transaction).
    requestId: '',
    resultFormat: 'text',
  };
  const mainCall: TransactionCall = { ...call, transient: rest };
  return {
    stage: { call: stageCall, endorsingOrganizations: [signerMspId] },
    // The hash is not secret; any other caller field still keeps the call on the signer's org.
    main: { call: mainCall, endorsingOrganizations: endorsersFor(mainCall, signerMspId) },
    hashField: staged.hashField,
  };
}

/** The stage's result is the hash; the function then names it in its transient data. */
export function withStagedHash(plan: SubmitPlan, hash: string): TransactionCall {
  if (!plan.hashField) return plan.main.call;
  return {
    ...plan.main.call,
    transient: { ...plan.main.call.transient, [plan.hashField]: hash },
  };
}
