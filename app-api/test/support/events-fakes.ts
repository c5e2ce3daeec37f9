// SPDX-License-Identifier: Apache-2.0
// Stand-ins for the mirror and the subscription store, for event stream unit tests.
import type { ChaincodeEventRow, MirrorDb } from '@consortia/datasync/read';

import type { EventPosition, Subscription } from '../../src/events/model';
import { beforeBlock, compare } from '../../src/events/model';
import { EventSource } from '../../src/events/source';

export const SUBSCRIPTION: Subscription = {
  id: '11111111-1111-4111-8111-111111111111',
  name: 'test',
  owner: 'user',
  ownerUserId: 'u1',
  ownerUsername: 'one',
  channel: 'consortium',
  chaincode: 'consortia',
  eventFilter: '*',
  filterKind: 'pattern',
  payloadFilters: {},
  delivery: 'webhook',
  webhookUrl: 'https://receiver.example/hook',
  batchSize: 3,
  batchWaitMs: 50,
  state: 'active',
  stateReason: null,
  lastError: null,
  lastErrorAt: null,
  checkpoint: beforeBlock(0),
  deliveredEvents: 0,
  createdAt: new Date(0).toISOString(),
  updatedAt: new Date(0).toISOString(),
};

export const row = (block: number, txIndex: number, name = 'AssetCreated'): ChaincodeEventRow => ({
  block_number: String(block),
  tx_index: txIndex,
  event_index: 0,
  tx_id: `tx-${block}-${txIndex}`,
  chaincode: 'consortia',
  event_name: name,
  payload: Buffer.from('{}'),
  payload_json: { block },
  timestamp: null,
  creator_msp: 'Org1MSP',
});

/** A mirror of `rows` (ordered) with a movable head, read without Postgres. */
export class FakeSource extends EventSource {
  rows: ChaincodeEventRow[] = [];
  heads = new Map([['consortium', 10]]);
  constructor() {
    super({} as MirrorDb, 10);
    (this.watcher as unknown as { readHeads: () => Promise<Map<string, number>> }).readHeads =
      async () => this.heads;
  }
  override async read(_subscription: Subscription, after: EventPosition, limit: number) {
    return this.rows
      .filter(
        (r) =>
          compare(
            { block: Number(r.block_number), txIndex: r.tx_index, eventIndex: r.event_index },
            after,
          ) > 0,
      )
      .slice(0, limit);
  }
}

export const ALL = {
  disabled: false,
  permissions: new Set(['assets:read', 'tokens:read', 'transactions:read']),
};

/** A store of one subscription that records what delivery does to it. */
export function fakeStore(subscription: Subscription) {
  const calls: string[] = [];
  let current = { ...subscription };
  const store = {
    calls,
    /** Runs before a pause is written, as a slow database write would let other work in. */
    beforePause: async (): Promise<void> => undefined,
    get: async () => current,
    webhookSecret: async () => 'secret',
    ownerAccess: async () => ALL,
    lease: async () => current.state === 'active',
    release: async () => undefined,
    webhooksToDeliver: async () => (current.state === 'active' ? [current.id] : []),
    recordError: async (_id: string, error: string) => {
      calls.push(`error ${error}`);
      current = { ...current, lastError: error };
    },
    setState: async (_id: string, state: Subscription['state'], reason: string | null) => {
      if (state === 'paused') await store.beforePause();
      calls.push(`state ${state} ${reason}`);
      current = { ...current, state, stateReason: reason };
    },
    pauseUnacknowledged: async (_id: string, at: EventPosition, reason: string, error: string) => {
      await store.beforePause();
      if (current.state !== 'active' || compare(current.checkpoint, at) !== 0) return false;
      calls.push(`state paused ${reason}`);
      current = { ...current, state: 'paused', stateReason: reason, lastError: error };
      return true;
    },
    resumePaused: async (_id: string, reason: string) => {
      if (current.state !== 'paused' || current.stateReason !== reason) return false;
      calls.push('state active null');
      current = { ...current, state: 'active', stateReason: null, lastError: null };
      return true;
    },
    advance: async (_id: string, from: EventPosition, to: EventPosition, delivered: number) => {
      if (compare(current.checkpoint, from) !== 0) return false;
      calls.push(`advance ${to.block}.${to.txIndex} +${delivered}`);
      current = { ...current, checkpoint: to };
      return true;
    },
  };
  return store;
}
