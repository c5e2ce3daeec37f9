// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import type { Iterators } from 'fabric-shim';
import {
  drain,
  emitEvent,
  getJson,
  keyExists,
  putJson,
  toIsoTimestamp,
  txTimestamp,
} from '../../../src/common/ledger';
import { WorldState, identity } from '../../support/world-state';

describe('ledger helpers', () => {
  it('converts ledger timestamps of every shape to RFC 3339', () => {
    assert.equal(
      toIsoTimestamp({ seconds: 1_700_000_000, nanos: 123_456_789 }),
      '2023-11-14T22:13:20.123Z',
    );
    assert.equal(toIsoTimestamp({ seconds: '1700000000', nanos: 0 }), '2023-11-14T22:13:20.000Z');
    assert.equal(
      toIsoTimestamp({ seconds: { toNumber: () => 1_700_000_001 }, nanos: 999_999_999 }),
      '2023-11-14T22:13:21.999Z',
    );
  });

  it('reads the transaction timestamp, not the clock', () => {
    const tx = new WorldState().begin(identity('Org1MSP', 'alice'));
    assert.equal(txTimestamp(tx.ctx), toIsoTimestamp(tx.timestamp));
  });

  it('writes canonical JSON and reads it back after commit', async () => {
    const world = new WorldState();
    const alice = identity('Org1MSP', 'alice');
    await world.submit(alice, (ctx) => putJson(ctx, 'k', { b: 2, a: 1 }));
    assert.equal(world.get('k'), '{"a":1,"b":2}');
    assert.deepEqual(await world.evaluate(alice, (ctx) => getJson(ctx, 'k')), { a: 1, b: 2 });
    assert.equal(await world.evaluate(alice, (ctx) => getJson(ctx, 'missing')), undefined);
    assert.equal(await world.evaluate(alice, (ctx) => keyExists(ctx, 'k')), true);
    assert.equal(await world.evaluate(alice, (ctx) => keyExists(ctx, 'missing')), false);
  });

  it('closes an iterator even when reading fails', async () => {
    let closed = false;
    const failing: Iterators.CommonIterator<number> = {
      next: async () => {
        throw new Error('stream broke');
      },
      close: async () => {
        closed = true;
      },
    };
    await assert.rejects(drain(failing), /stream broke/);
    assert.equal(closed, true);
  });

  it('emits a canonical JSON event payload', () => {
    const tx = new WorldState().begin(identity('Org1MSP', 'alice'));
    emitEvent(tx.ctx, 'Thing', { z: 1, a: [2] });
    const payload = tx.stub.setEvent.firstCall.args[1];
    assert.equal(Buffer.from(payload).toString(), '{"a":[2],"z":1}');
  });
});
