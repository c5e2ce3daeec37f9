// SPDX-License-Identifier: Apache-2.0
// Blocks of chaincode events for the event stream tests without Fabric: each block holds asset,
// token and other events, so ordering, filters and role checks all have something to select.
import crypto from 'node:crypto';

import type { BuiltBlock, TxSpec } from '@consortia/datasync/testing';
import { configBlock, endorserBlock } from '@consortia/datasync/testing';

import { CHANNEL } from './ledger';

export { CHANNEL };

const txId = (label: string) => crypto.createHash('sha256').update(label).digest('hex');

/** The events of block `number`: an asset event, a token event and an event only auditors see. */
export function eventsOf(number: number): { name: string; payload: Record<string, unknown> }[] {
  return [
    {
      name: 'AssetCreated',
      payload: { assetId: `E${number}`, ownerMsp: number % 2 ? 'Org1MSP' : 'Org2MSP' },
    },
    { name: 'TokensTransferred', payload: { amount: String(number), to: 'Org1MSP' } },
    { name: 'ConsortiumNoticed', payload: { block: number } },
  ];
}

/** Builds blocks one after another, each linked to the previous one. */
export class EventLedger {
  #previous: BuiltBlock = configBlock(CHANNEL);
  readonly blocks = [this.#previous.block];

  get lastBlock(): number {
    return this.blocks.length - 1;
  }

  next(): BuiltBlock['block'] {
    const number = this.blocks.length;
    const txs: TxSpec[] = eventsOf(number).map((event, index) => ({
      txId: txId(`events/${number}/${index}`),
      args: ['EventContract:Emit', String(number)],
      timestamp: new Date(Date.parse('2026-02-01T00:00:00Z') + number * 1_000),
      event: { name: event.name, payload: JSON.stringify(event.payload) },
    }));
    this.#previous = endorserBlock(CHANNEL, number, this.#previous.hash, txs);
    this.blocks.push(this.#previous.block);
    return this.#previous.block;
  }
}
