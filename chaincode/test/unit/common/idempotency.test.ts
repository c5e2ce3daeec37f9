import assert from 'node:assert/strict';
import { claimRequestId } from '../../../src/common/idempotency';
import { WorldState, identity } from '../../support/world-state';
import { rejectsWith } from '../../support/assertions';

describe('request ids', () => {
  const alice = identity('Org1MSP', 'alice');

  it('does nothing without a requestId transient field', async () => {
    const world = new WorldState();
    const { result, tx } = await world.submit(alice, (ctx) => claimRequestId(ctx, 'Fn'));
    assert.equal(result, undefined);
    assert.equal(tx.writes.size, 0);
  });

  it('records the first use and rejects the second with DUPLICATE_REQUEST', async () => {
    const world = new WorldState();
    const options = { transient: { requestId: 'req-1' } };
    const { result, tx } = await world.submit(alice, (ctx) => claimRequestId(ctx, 'Fn'), options);
    assert.equal(result, 'req-1');
    const stored = JSON.parse(
      world.get(tx.ctx.stub.createCompositeKey('request', ['req-1'])) ?? '',
    );
    assert.equal(stored.txId, tx.txId);
    assert.equal(stored.function, 'Fn');
    assert.equal(stored.mspId, 'Org1MSP');

    const body = await rejectsWith(
      world.submit(alice, (ctx) => claimRequestId(ctx, 'Fn'), options),
      'DUPLICATE_REQUEST',
      'requestId',
    );
    assert.match(body.message, new RegExp(`already processed by transaction ${tx.txId}`));
  });

  it('lets only one of two concurrent transactions with the same id commit', async () => {
    const world = new WorldState();
    const options = { transient: { requestId: 'req-2' } };
    const first = world.begin(alice, options);
    const second = world.begin(alice, options);
    await claimRequestId(first.ctx, 'Fn');
    await claimRequestId(second.ctx, 'Fn');
    assert.equal(world.commit(first), 'VALID');
    assert.equal(world.commit(second), 'MVCC_READ_CONFLICT');
  });

  it('validates the request id', async () => {
    const world = new WorldState();
    await rejectsWith(
      world.submit(alice, (ctx) => claimRequestId(ctx, 'Fn'), {
        transient: { requestId: 'bad id' },
      }),
      'INVALID_ARGUMENT',
      'requestId',
    );
  });
});
