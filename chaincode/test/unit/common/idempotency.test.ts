// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { callHash, claimRequestId, requestKey } from '../../../src/common/idempotency';
import { WorldState, identity } from '../../support/world-state';
import { rejectsWith } from '../../support/assertions';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('request ids', () => {
  const alice = identity('Org1MSP', 'alice');
  const bob = identity('Org1MSP', 'bob');
  // Same certificate names in another organization: a different submitter.
  const otherOrgAlice = { ...alice, mspId: 'Org2MSP' };

  it('does nothing without a requestId transient field', async () => {
    const world = new WorldState();
    const { result, tx } = await world.submit(alice, (ctx) => claimRequestId(ctx, 'Fn', []));
    assert.equal(result, undefined);
    assert.equal(tx.writes.size, 0);
  });

  it('records the first use under the submitter and rejects a retry with DUPLICATE_REQUEST', async () => {
    const world = new WorldState();
    const options = { transient: { requestId: 'req-1' } };
    const { result, tx } = await world.submit(
      alice,
      (ctx) => claimRequestId(ctx, 'Fn', ['a', 2]),
      options,
    );
    assert.equal(result, 'req-1');
    const key = tx.ctx.stub.createCompositeKey('request', ['Org1MSP', sha256(alice.id), 'req-1']);
    assert.equal(requestKey(tx.ctx, 'req-1'), key);
    assert.deepEqual(JSON.parse(world.get(key) ?? ''), {
      callHash: sha256('["Fn","a",2]'),
      function: 'Fn',
      mspId: 'Org1MSP',
      requestId: 'req-1',
      submitterHash: sha256(alice.id),
      timestamp: new Date(tx.timestamp.seconds * 1000 + 250).toISOString(),
      txId: tx.txId,
    });

    const body = await rejectsWith(
      world.submit(alice, (ctx) => claimRequestId(ctx, 'Fn', ['a', 2]), options),
      'DUPLICATE_REQUEST',
      'requestId',
    );
    // The DAPP reads the original transaction from "transaction <64 hex>".
    assert.match(body.message, new RegExp(`already processed by transaction ${tx.txId}`));
    assert.match(body.message, /transaction [0-9a-f]{64}/);
  });

  it('answers REQUEST_ID_CONFLICT when the same submitter reuses an id for another call', async () => {
    const world = new WorldState();
    const options = { transient: { requestId: 'req-1' } };
    const { tx } = await world.submit(alice, (ctx) => claimRequestId(ctx, 'Fn', ['a']), options);
    const otherArgs = await rejectsWith(
      world.submit(alice, (ctx) => claimRequestId(ctx, 'Fn', ['b']), options),
      'REQUEST_ID_CONFLICT',
      'requestId',
    );
    assert.match(
      otherArgs.message,
      new RegExp(`transaction ${tx.txId} for a different call \\(Fn\\)`),
    );
    await rejectsWith(
      world.submit(alice, (ctx) => claimRequestId(ctx, 'Other', ['a']), options),
      'REQUEST_ID_CONFLICT',
    );
  });

  it('keeps the ids of different submitters apart', async () => {
    const world = new WorldState();
    const options = { transient: { requestId: 'shared-id' } };
    await world.submit(alice, (ctx) => claimRequestId(ctx, 'Fn', ['a']), options);
    // Another client of the same organization, and another organization with
    // the same certificate names, each get their own claim.
    await world.submit(bob, (ctx) => claimRequestId(ctx, 'Fn', ['a']), options);
    await world.submit(otherOrgAlice, (ctx) => claimRequestId(ctx, 'Fn', ['a']), options);
    assert.equal(world.keys().length, 3);
  });

  it('lets only one of two concurrent transactions with the same id commit', async () => {
    const world = new WorldState();
    const options = { transient: { requestId: 'req-2' } };
    const first = world.begin(alice, options);
    const second = world.begin(alice, options);
    await claimRequestId(first.ctx, 'Fn', []);
    await claimRequestId(second.ctx, 'Fn', []);
    assert.equal(world.commit(first), 'VALID');
    assert.equal(world.commit(second), 'MVCC_READ_CONFLICT');
  });

  it('accepts the ids the DAPP sends and rejects malformed ones', async () => {
    const world = new WorldState();
    const claim = (requestId: string) =>
      world.submit(alice, (ctx) => claimRequestId(ctx, 'Fn', []), { transient: { requestId } });
    const dappId = `portal-key:${'x'.repeat(200)}`;
    assert.equal((await claim(dappId)).result, dappId);
    assert.equal((await claim('-starts.with:punctuation@')).result, '-starts.with:punctuation@');
    for (const bad of ['bad id', '', 'a'.repeat(257), 'ü']) {
      await rejectsWith(claim(bad), 'INVALID_ARGUMENT', 'requestId');
    }
  });

  it('hashes a call as sha256 over the canonical JSON of [function, ...args]', () => {
    assert.equal(
      callHash('SetMinterRule', [['Org1MSP'], '', '']),
      sha256('["SetMinterRule",["Org1MSP"],"",""]'),
    );
    assert.notEqual(callHash('Fn', ['a', 'b']), callHash('Fn', ['ab']));
  });
});
