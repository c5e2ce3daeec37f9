// SPDX-License-Identifier: Apache-2.0
import fs from 'node:fs';

import { ErrorCode } from '@consortia/chaincode/contract';
import type { CheckResult } from '@consortia/common';
import type { Gateway } from '@hyperledger/fabric-gateway';

import type { DappConfig } from '../config';
import type { EndorsementStep } from './endorsement';
import { planSubmit, withStagedHash } from './endorsement';
import { classifyFabricError, commitFailure, FabricFailure, validationName } from './errors';
import { GatewayPool } from './gateway-pool';
import type { SigningIdentity } from './identity';
import { DEFAULT_IDENTITY, loadIdentities } from './identity';
import { blockNumberOf, validationCodeOf } from './protobuf';
import type {
  CommittedTransaction,
  EvaluateCall,
  LedgerTransactionStatus,
  SubmitHooks,
  Submitter,
  TransactionCall,
} from './submitter';
import { decodeResult } from './submitter';

const encoder = new TextEncoder();
const GET_METADATA = 'org.hyperledger.fabric:GetMetadata';

function transientData(call: EvaluateCall & { requestId?: string }): Record<string, Uint8Array> {
  const data: Record<string, Uint8Array> = {};
  for (const [key, value] of Object.entries(call.transient)) data[key] = encoder.encode(value);
  if (call.requestId) data.requestId = encoder.encode(call.requestId);
  if (call.correlationId) data.correlationId = encoder.encode(call.correlationId);
  return data;
}

/** An endorsement option only when the DAPP names organizations; else the gateway chooses. */
const endorsingOption = (organizations: string[] | undefined) =>
  organizations ? { endorsingOrganizations: organizations } : {};

const SHA256_HEX = /^[0-9a-f]{64}$/;
/** Peers of other organizations may commit the stage's block a moment after the gateway's peer. */
const STAGE_VISIBLE_ATTEMPTS = 20;
const STAGE_VISIBLE_DELAY_MS = 250;
const stageNotVisible = (error: unknown): boolean => {
  const failure = classifyFabricError(error);
  return (
    failure.chaincodeError?.code === ErrorCode.NOT_FOUND &&
    failure.chaincodeError.message.includes('are staged for asset')
  );
};

const isUnavailable = (error: unknown): boolean => {
  const failure = classifyFabricError(error);
  return failure.kind === 'unavailable';
};

/** The Submitter that talks to real peers through fabric-gateway. */
export class FabricSubmitter implements Submitter {
  constructor(private readonly pool: GatewayPool) {}

  /** `identities` may grow and change later (per-user identities); the gateways follow it. */
  static fromConfig(
    config: DappConfig,
    identities: Map<string, SigningIdentity> = loadIdentities(config),
  ): FabricSubmitter {
    if (identities.size === 0) {
      throw new Error(
        'no Fabric identity: set FABRIC_CERT_FILE and FABRIC_KEY_FILE, or FABRIC_IDENTITY_DIR',
      );
    }
    return new FabricSubmitter(
      new GatewayPool({
        endpoints: config.FABRIC_PEER_ENDPOINTS,
        tlsCaCertificate: config.FABRIC_TLS_CA_FILE
          ? fs.readFileSync(config.FABRIC_TLS_CA_FILE)
          : undefined,
        tlsServerName: config.FABRIC_TLS_SERVER_NAME,
        identities,
        timeouts: {
          evaluateMs: config.FABRIC_EVALUATE_TIMEOUT_MS,
          endorseMs: config.FABRIC_ENDORSE_TIMEOUT_MS,
          submitMs: config.FABRIC_SUBMIT_TIMEOUT_MS,
          commitMs: config.FABRIC_COMMIT_TIMEOUT_MS,
        },
      }),
    );
  }

  hasIdentity(name: string): boolean {
    return this.pool.hasIdentity(name);
  }

  async submit(call: TransactionCall, hooks: SubmitHooks = {}): Promise<CommittedTransaction> {
    const identity = call.identity ?? DEFAULT_IDENTITY;
    try {
      const plan = planSubmit(call, this.pool.mspIdOf(identity));
      if (!plan.stage) return await this.submitStep(identity, plan.main, hooks);
      // The private details go first, to the signer's organization only; the request's own
      // transaction then names their hash and is endorsed as the chaincode's policy requires.
      const staged = await this.submitStep(identity, plan.stage, {});
      const hash = staged.result;
      if (typeof hash !== 'string' || !SHA256_HEX.test(hash)) {
        throw new Error(`${plan.stage.call.transactionName} returned no sha256 hash`);
      }
      const main: EndorsementStep = { ...plan.main, call: withStagedHash(plan, hash) };
      for (let attempt = 1; ; attempt += 1) {
        try {
          return await this.submitStep(identity, main, hooks);
        } catch (error) {
          if (attempt >= STAGE_VISIBLE_ATTEMPTS || !stageNotVisible(error)) throw error;
          await new Promise((resolve) => setTimeout(resolve, STAGE_VISIBLE_DELAY_MS));
        }
      }
    } catch (error) {
      throw classifyFabricError(error);
    }
  }

  private submitStep(
    identity: string,
    step: EndorsementStep,
    hooks: SubmitHooks,
  ): Promise<CommittedTransaction> {
    return this.pool.run(
      identity,
      (gateway) => this.submitThrough(gateway, step, hooks),
      isUnavailable,
      false,
    );
  }

  private async submitThrough(
    gateway: Gateway,
    step: EndorsementStep,
    hooks: SubmitHooks,
  ): Promise<CommittedTransaction> {
    const { call } = step;
    const contract = gateway.getNetwork(call.channel).getContract(call.chaincode);
    const proposal = contract.newProposal(call.transactionName, {
      arguments: call.args,
      transientData: transientData(call),
      ...endorsingOption(step.endorsingOrganizations),
    });
    const transaction = await proposal.endorse();
    // Recorded first: once sent, only the ledger can say whether this id committed.
    await hooks.beforeOrdering?.(transaction.getTransactionId());
    const commit = await transaction.submit();
    const status = await commit.getStatus();
    if (!status.successful) throw commitFailure(status.code, status.transactionId);
    return {
      txId: status.transactionId,
      validationCode: validationName(status.code),
      blockNumber: status.blockNumber.toString(),
      result: decodeResult(transaction.getResult(), call.resultFormat),
    };
  }

  private async evaluateRaw(
    identity: string | undefined,
    channel: string,
    chaincode: string,
    name: string,
    args: string[],
    transient: Record<string, Uint8Array> = {},
    organizations?: string[],
  ): Promise<Uint8Array> {
    try {
      return await this.pool.run(
        identity ?? DEFAULT_IDENTITY,
        (gateway) =>
          gateway
            .getNetwork(channel)
            .getContract(chaincode)
            .evaluate(name, {
              arguments: args,
              transientData: transient,
              ...endorsingOption(organizations),
            }),
        isUnavailable,
        true,
      );
    } catch (error) {
      throw classifyFabricError(error);
    }
  }

  /**
   * A read is answered by a peer of the signer's own organization (or of the organizations the
   * call names): its transient data stays there, and a member reads its organization's private
   * data even when the DAPP's gateway peer belongs to another organization.
   */
  async evaluate(call: EvaluateCall): Promise<unknown> {
    const identity = call.identity ?? DEFAULT_IDENTITY;
    let organizations: string[];
    try {
      organizations = call.endorsingOrganizations?.length
        ? call.endorsingOrganizations
        : [this.pool.mspIdOf(identity)];
    } catch (error) {
      throw classifyFabricError(error);
    }
    return decodeResult(
      await this.evaluateRaw(
        identity,
        call.channel,
        call.chaincode,
        call.transactionName,
        call.args,
        transientData(call),
        organizations,
      ),
      call.resultFormat,
    );
  }

  async metadata(channel: string, chaincode: string): Promise<unknown> {
    return decodeResult(await this.evaluateRaw(undefined, channel, chaincode, GET_METADATA, []));
  }

  async transactionStatus(
    channel: string,
    txId: string,
  ): Promise<LedgerTransactionStatus | undefined> {
    try {
      const [processed, block] = await Promise.all([
        this.evaluateRaw(undefined, channel, 'qscc', 'GetTransactionByID', [channel, txId]),
        this.evaluateRaw(undefined, channel, 'qscc', 'GetBlockByTxID', [channel, txId]),
      ]);
      const code = validationCodeOf(processed);
      const validationCode = validationName(code);
      return {
        txId,
        validationCode,
        valid: code === 0,
        blockNumber: blockNumberOf(block).toString(),
      };
    } catch (error) {
      if (
        error instanceof FabricFailure &&
        /no such transaction|not found|no transaction/i.test(
          [error.message, ...error.nodes.map((node) => node.message)].join(' '),
        ) &&
        error.kind !== 'unavailable'
      ) {
        return undefined;
      }
      throw error;
    }
  }

  ready(): Promise<CheckResult> {
    return this.pool.ready();
  }

  close(): void {
    this.pool.close();
  }
}
