// SPDX-License-Identifier: Apache-2.0
// Private details travel only in transactions their organization can endorse alone: the stage
// writes nothing but the caller organization's implicit collection, and the consortium-endorsed
// functions write no private data at all (they only read its hash, which every peer holds).
import assert from 'node:assert/strict';
import { AssetContract } from '../../../src/contracts/asset-contract';
import {
  detailsKey,
  hashDetails,
  implicitCollection,
} from '../../../src/contracts/asset-private-details';
import type { Asset } from '../../../src/model/asset';
import { rejectsWith } from '../../support/assertions';
import { WorldState, identity, type SimulatedTx } from '../../support/world-state';

const org1Alice = identity('Org1MSP', 'alice');
const org1Bob = identity('Org1MSP', 'bob');
const org2Carol = identity('Org2MSP', 'carol');

const appraisal = { appraisedValue: 900 };
const appraisalJson = JSON.stringify(appraisal);

/** Organizations whose policies a transaction's writes fall under, as Fabric validates them. */
function writePolicies(tx: SimulatedTx): string[] {
  const policies = new Set<string>();
  if (tx.writes.size > 0) policies.add('chaincode');
  for (const collection of tx.privateWrites.keys()) policies.add(collection);
  return [...policies].sort();
}

describe('AssetContract private details', () => {
  let world: WorldState;
  let contract: AssetContract;

  const stage = (id: string, details = appraisalJson, caller = org1Alice) =>
    world.submit(caller, (ctx) => contract.StageAssetPrivateDetails(ctx, id), {
      transient: { privateDetails: details },
    });

  const create = (id: string, transient: Record<string, string> = {}, caller = org1Alice) =>
    world.submit(
      caller,
      (ctx) =>
        contract.CreateAsset(ctx, id, 'container', caller === org2Carol ? 'carol' : 'alice', '{}'),
      { transient },
    );

  const update = (id: string, transient: Record<string, string>, caller = org1Alice) =>
    world.submit(caller, (ctx) => contract.UpdateAsset(ctx, id, '{"v":2}', 'ACTIVE', ''), {
      transient,
    });

  const readDetails = (id: string, caller = org1Bob, peerMspId?: string) =>
    world.evaluate(caller, (ctx) => contract.ReadAssetPrivateDetails(ctx, id), { peerMspId });

  const read = (id: string): Promise<Asset> =>
    world.evaluate(org1Alice, (ctx) => contract.ReadAsset(ctx, id));

  beforeEach(() => {
    world = new WorldState();
    contract = new AssetContract();
  });

  it('stages into the caller organization collection only, under a key named by their hash', async () => {
    const { result, tx } = await stage('A1');
    assert.equal(result, hashDetails(appraisal));
    assert.deepEqual(writePolicies(tx), [implicitCollection('Org1MSP')]);
    assert.equal(
      world.privateState
        .get(implicitCollection('Org1MSP'))
        ?.get(detailsKey(tx.ctx, 'A1', result))
        ?.toString(),
      appraisalJson,
    );
    assert.deepEqual(tx.event, {
      name: 'AssetPrivateDetailsStaged',
      payload: { assetId: 'A1', hash: result, mspId: 'Org1MSP' },
    });
    // Idempotent by content: staging again writes the same value to the same key.
    assert.equal((await stage('A1')).result, result);
  });

  it('creates and updates with staged details through consortium transactions that write no private data', async () => {
    const hash = (await stage('A1')).result;
    const created = await create('A1', { privateDetailsHash: hash });
    assert.equal(created.result.privateDetailsHash, hash);
    assert.deepEqual(writePolicies(created.tx), ['chaincode']);
    assert.deepEqual(await readDetails('A1'), { assetId: 'A1', details: appraisal, hash });

    const next = (await stage('A1', '{"appraisedValue":950}')).result;
    const updated = await update('A1', { privateDetailsHash: next });
    assert.equal(updated.result.privateDetailsHash, next);
    assert.deepEqual(writePolicies(updated.tx), ['chaincode']);
    assert.deepEqual((await readDetails('A1')).details, { appraisedValue: 950 });
    // Without a hash, an update keeps the details it had.
    assert.equal((await update('A1', {})).result.privateDetailsHash, next);
  });

  it('refuses details sent with a consortium-endorsed function', async () => {
    const body = await rejectsWith(
      create('A1', { privateDetails: appraisalJson }),
      'INVALID_ARGUMENT',
      'privateDetails',
    );
    assert.match(body.message, /StageAssetPrivateDetails/);
    await create('A2');
    await rejectsWith(
      update('A2', { privateDetails: appraisalJson }),
      'INVALID_ARGUMENT',
      'privateDetails',
    );
  });

  it('refuses a hash that was not staged, or was staged by another organization', async () => {
    await rejectsWith(create('A1', { privateDetailsHash: 'ab'.repeat(32) }), 'NOT_FOUND');
    await rejectsWith(
      create('A1', { privateDetailsHash: 'nope' }),
      'INVALID_ARGUMENT',
      'privateDetailsHash',
    );
    const hash = (await stage('A1')).result;
    // Org2 cannot point its asset at Org1's details: the hash is looked up in Org2's collection.
    await rejectsWith(create('A1', { privateDetailsHash: hash }, org2Carol), 'NOT_FOUND');
    // A hash staged for another asset id does not fit either.
    await rejectsWith(create('A3', { privateDetailsHash: hash }), 'NOT_FOUND');
  });

  it('lets only the owner organization stage details of an existing asset', async () => {
    await create('A1');
    await rejectsWith(stage('A1', appraisalJson, org2Carol), 'FORBIDDEN');
    await rejectsWith(
      world.submit(org1Alice, (ctx) => contract.StageAssetPrivateDetails(ctx, 'A1')),
      'INVALID_ARGUMENT',
      'privateDetails',
    );
    await rejectsWith(stage('A1', '[1]'), 'INVALID_ARGUMENT', 'privateDetails');
  });

  it('are readable by the owner organization only, on its own peers', async () => {
    await create('A1', { privateDetailsHash: (await stage('A1')).result });
    await rejectsWith(readDetails('A1', org2Carol), 'FORBIDDEN');
    await rejectsWith(readDetails('A1', org2Carol, 'Org1MSP'), 'FORBIDDEN');
    await rejectsWith(readDetails('A1', org1Alice, 'Org2MSP'), 'FORBIDDEN');
  });

  it('are left behind by a transfer to another organization, which then stages its own', async () => {
    const hash = (await stage('A1')).result;
    await create('A1', { privateDetailsHash: hash });
    const moved = await world.submit(org1Alice, (ctx) =>
      contract.TransferAsset(ctx, 'A1', 'Org2MSP', 'carol', ''),
    );
    assert.equal(moved.result.privateDetailsHash, '');
    assert.deepEqual(writePolicies(moved.tx), ['chaincode']);
    await rejectsWith(readDetails('A1', org1Alice), 'FORBIDDEN');
    await rejectsWith(readDetails('A1', org2Carol), 'NOT_FOUND');

    const theirs = (await stage('A1', '{"appraisedValue":1000}', org2Carol)).result;
    await update('A1', { privateDetailsHash: theirs }, org2Carol);
    assert.deepEqual((await readDetails('A1', org2Carol)).details, { appraisedValue: 1000 });
    assert.equal((await read('A1')).privateDetailsHash, theirs);

    // The old owner removes the version it no longer needs, in its own collection only.
    const purged = await world.submit(org1Alice, (ctx) =>
      contract.PurgeAssetPrivateDetails(ctx, 'A1', hash),
    );
    assert.deepEqual(writePolicies(purged.tx), [implicitCollection('Org1MSP')]);
    assert.equal(world.privateState.get(implicitCollection('Org1MSP'))?.size, 0);
  });

  it('cannot purge the version the asset still points to', async () => {
    const hash = (await stage('A1')).result;
    await create('A1', { privateDetailsHash: hash });
    await rejectsWith(
      world.submit(org1Alice, (ctx) => contract.PurgeAssetPrivateDetails(ctx, 'A1', hash)),
      'INVALID_ARGUMENT',
      'hash',
    );
    await rejectsWith(
      world.submit(org1Alice, (ctx) => contract.PurgeAssetPrivateDetails(ctx, 'A1', 'x')),
      'INVALID_ARGUMENT',
      'hash',
    );
  });

  it('are kept out of a delete, which needs only the consortium', async () => {
    await create('A1', { privateDetailsHash: (await stage('A1')).result });
    const removed = await world.submit(org1Alice, (ctx) => contract.DeleteAsset(ctx, 'A1', ''));
    assert.deepEqual(writePolicies(removed.tx), ['chaincode']);
  });
});
