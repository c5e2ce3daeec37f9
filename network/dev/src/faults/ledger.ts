// SPDX-License-Identifier: Apache-2.0
/**
 * The ledger's truth, read block by block from a peer through qscc: which valid transactions
 * carry each request's marker, and which chaincode events the outbox must have published.
 */
import { HOST } from '@consortia/network';
import type { PeerNode, Topology } from '@consortia/network';
import { connectGateway } from '@consortia/network/testing';
import type { GatewayConnection } from '@consortia/network/testing';

import { decodeBlock, decodeChainHeight } from './protobuf';

/** Request markers the load writes into asset ids and recipient accounts. */
const MARKERS = /fz-[0-9a-z]+-\d+|[0-9a-f]{64}/g;

export interface LedgerEvent {
  block: number;
  txIndex: number;
  txId: string;
}

export class LedgerIndex {
  /** Next block to read. */
  height = 0;
  /** marker → ids of the valid transactions whose writes carry it. */
  readonly markers = new Map<string, string[]>();
  /** Every valid transaction's chaincode event, for the outbox check. */
  readonly events: LedgerEvent[] = [];
  readonly validTxIds = new Set<string>();

  constructor(
    private readonly topology: Topology,
    private readonly chaincode: string,
  ) {}

  /**
   * Reads every block not read yet, from the peer with the greatest height (a peer that fell
   * behind must never hide what the others have committed).
   */
  async catchUp(): Promise<number> {
    const peers = this.topology.orgs.flatMap((org) => org.peers.map((peer) => ({ org, peer })));
    const heights = await Promise.all(peers.map(({ peer }) => peerHeight(this.topology, peer)));
    const order = peers
      .map((entry, index) => ({ ...entry, height: heights[index] ?? -1 }))
      .sort((a, b) => b.height - a.height);
    let lastError: unknown;
    for (const { org, peer } of order) {
      let connection: GatewayConnection | undefined;
      try {
        connection = connectGateway(this.topology, org, peer.index);
        const channel = this.topology.options.channel;
        const qscc = connection.gateway.getNetwork(channel).getContract('qscc');
        const height = decodeChainHeight(await qscc.evaluateTransaction('GetChainInfo', channel));
        // bounded: at most the blocks that exist now
        while (this.height < height) {
          const bytes = await qscc.evaluateTransaction(
            'GetBlockByNumber',
            channel,
            String(this.height),
          );
          this.index(decodeBlock(bytes));
          this.height++;
        }
        return this.height;
      } catch (error) {
        lastError = error;
      } finally {
        connection?.close();
      }
    }
    throw new Error(`no peer answered qscc: ${String(lastError)}`);
  }

  private index(block: ReturnType<typeof decodeBlock>): void {
    for (const tx of block.transactions) {
      if (!tx.valid) continue;
      this.validTxIds.add(tx.txId);
      const found = new Set<string>();
      for (const write of tx.writes) {
        if (write.namespace !== this.chaincode) continue;
        for (const match of `${write.key}\n${write.value}`.matchAll(MARKERS)) found.add(match[0]);
      }
      for (const marker of found) {
        const list = this.markers.get(marker) ?? [];
        list.push(tx.txId);
        this.markers.set(marker, list);
      }
      if (tx.eventName && tx.eventChaincode === this.chaincode)
        this.events.push({ block: block.number, txIndex: tx.index, txId: tx.txId });
    }
  }

  /** Valid transactions carrying the marker. */
  landed(marker: string): string[] {
    return this.markers.get(marker) ?? [];
  }
}

/** A peer's channel height from its operations endpoint (Prometheus), or undefined. */
export async function peerHeight(topology: Topology, peer: PeerNode): Promise<number | undefined> {
  try {
    const response = await fetch(`http://${HOST}:${peer.operationsPort}/metrics`, {
      signal: AbortSignal.timeout(2000),
    });
    const body = await response.text();
    const pattern = new RegExp(
      `^ledger_blockchain_height\\{channel="${topology.options.channel}"\\} (\\d+)`,
      'm',
    );
    const match = pattern.exec(body);
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Every peer's height, when they all answer and agree; otherwise undefined. */
export async function agreedHeight(topology: Topology): Promise<number | undefined> {
  const peers = topology.orgs.flatMap((org) => org.peers);
  const heights = await Promise.all(peers.map((peer) => peerHeight(topology, peer)));
  const first = heights[0];
  return first !== undefined && heights.every((height) => height === first) ? first : undefined;
}
