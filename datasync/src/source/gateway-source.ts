// SPDX-License-Identifier: Apache-2.0
import crypto from 'node:crypto';
import fs from 'node:fs';

import type { GatewayConnection } from '@consortia/common/fabric';
import { openGateway } from '@consortia/common/fabric';
import type { Gateway } from '@hyperledger/fabric-gateway';
import type { ledger } from '@hyperledger/fabric-protos';
import { common, peer } from '@hyperledger/fabric-protos';

import type { BlockSource, LedgerQueries, SourcedBlock } from './block-source';

export interface GatewayOptions {
  mspId: string;
  /** host:port of the org's peers; the first that answers is used. */
  peerEndpoints: readonly string[];
  certFile: string;
  keyFile: string;
  tlsCaFile: string;
  /** TLS server name when it differs from the endpoint's host (e.g. behind a proxy). */
  tlsServerName?: string;
  /** Ask for blocks with the private write sets this org is entitled to. */
  privateData: boolean;
}

const QSCC = 'qscc';

/**
 * Blocks and ledger queries from the org's peer through the Fabric Gateway. The gateway's
 * protobuf classes come from its own fabric-protos version, so blocks cross over as bytes.
 */
export class GatewayBlockSource implements BlockSource, LedgerQueries {
  #connection?: GatewayConnection & { endpoint: string };
  #nextEndpoint = 0;

  constructor(private readonly options: GatewayOptions) {}

  /** The endpoint currently in use, for logs and readiness. */
  get endpoint(): string | undefined {
    return this.#connection?.endpoint;
  }

  #gateway(): Gateway {
    if (this.#connection) return this.#connection.gateway;
    const { options } = this;
    if (options.peerEndpoints.length === 0) throw new Error('no peer endpoint configured');
    // rotate, so a reconnect after a failure tries the next peer
    const endpoint = String(
      options.peerEndpoints[this.#nextEndpoint % options.peerEndpoints.length],
    );
    this.#nextEndpoint++;
    const connection = openGateway(
      {
        address: endpoint,
        tlsCaCertificate: fs.readFileSync(options.tlsCaFile),
        tlsServerName: options.tlsServerName,
      },
      {
        mspId: options.mspId,
        certificate: fs.readFileSync(options.certFile),
        privateKey: crypto.createPrivateKey(fs.readFileSync(options.keyFile)),
      },
      { evaluateMs: 15_000 },
    );
    this.#connection = { ...connection, endpoint };
    return connection.gateway;
  }

  async #evaluate(channel: string, name: string, args: string[]): Promise<Uint8Array> {
    try {
      return await this.#gateway()
        .getNetwork(channel)
        .getContract(QSCC)
        .evaluateTransaction(name, channel, ...args);
    } catch (error) {
      await this.close();
      throw error;
    }
  }

  async height(channel: string): Promise<number> {
    const info = common.BlockchainInfo.deserializeBinary(
      await this.#evaluate(channel, 'GetChainInfo', []),
    );
    return info.getHeight();
  }

  async blockByNumber(channel: string, number: number): Promise<common.Block> {
    return common.Block.deserializeBinary(
      await this.#evaluate(channel, 'GetBlockByNumber', [String(number)]),
    );
  }

  async transactionById(
    channel: string,
    txId: string,
  ): Promise<{ envelope: Uint8Array; validationCode: number }> {
    const processed = peer.ProcessedTransaction.deserializeBinary(
      await this.#evaluate(channel, 'GetTransactionByID', [txId]),
    );
    return {
      envelope: processed.getTransactionenvelope()?.serializeBinary() ?? new Uint8Array(),
      validationCode: processed.getValidationcode(),
    };
  }

  async *blocks(
    channel: string,
    startBlock: number,
    signal: AbortSignal,
  ): AsyncIterable<SourcedBlock> {
    const network = this.#gateway().getNetwork(channel);
    const options = { startBlock: BigInt(startBlock) };
    const events = this.options.privateData
      ? await network.getBlockAndPrivateDataEvents(options)
      : await network.getBlockEvents(options);
    const stop = () => events.close();
    signal.addEventListener('abort', stop, { once: true });
    try {
      for await (const event of events) {
        if (signal.aborted) return;
        yield this.options.privateData
          ? fromBlockAndPrivateData(event.serializeBinary())
          : { block: common.Block.deserializeBinary(event.serializeBinary()) };
      }
    } catch (error) {
      if (signal.aborted) return;
      await this.close();
      throw error;
    } finally {
      signal.removeEventListener('abort', stop);
      events.close();
    }
  }

  async close(): Promise<void> {
    const connection = this.#connection;
    this.#connection = undefined;
    connection?.close();
  }
}

function fromBlockAndPrivateData(bytes: Uint8Array): SourcedBlock {
  const event = peer.BlockAndPrivateData.deserializeBinary(bytes);
  const block = event.getBlock();
  if (!block) throw new Error('block and private data event without a block');
  const privateData = new Map<number, ledger.rwset.TxPvtReadWriteSet>();
  event.getPrivateDataMapMap().forEach((value, key) => privateData.set(key, value));
  return { block, privateData };
}
