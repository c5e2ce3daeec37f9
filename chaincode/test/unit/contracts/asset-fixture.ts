// SPDX-License-Identifier: Apache-2.0
import { AssetContract } from '../../../src/contracts/asset-contract';
import type { Asset } from '../../../src/model/asset';
import { WorldState, identity, type SimulatedTx } from '../../support/world-state';

export const org1Alice = identity('Org1MSP', 'alice');
export const org1Bob = identity('Org1MSP', 'bob');
export const org2Carol = identity('Org2MSP', 'carol');

export const appraisal = JSON.stringify({ appraisedValue: 1200, currency: 'EUR' });

export function assetKey(tx: SimulatedTx, id: string): string {
  return tx.ctx.stub.createCompositeKey('asset', [id]);
}

/** A fresh world state and AssetContract for every test of the calling describe, and its calls. */
export function assetFixture() {
  const fixture = {
    world: new WorldState(),
    contract: new AssetContract(),
    /** With transient privateDetails: staged first, then named by their hash, as the DAPP does. */
    create: async (
      id: string,
      options: { type?: string; ownerId?: string; transient?: Record<string, string> } = {},
      caller = org1Alice,
    ) => {
      const { privateDetails, ...transient } = options.transient ?? {};
      if (privateDetails !== undefined) {
        const staged = await fixture.world.submit(
          caller,
          (ctx) => fixture.contract.StageAssetPrivateDetails(ctx, id),
          { transient: { privateDetails } },
        );
        transient.privateDetailsHash = staged.result;
      }
      return fixture.world.submit(
        caller,
        (ctx) =>
          fixture.contract.CreateAsset(
            ctx,
            id,
            options.type ?? 'container',
            options.ownerId ?? 'alice',
            '{"color":"blue","size":20}',
          ),
        { transient },
      );
    },
    read: (id: string, caller = org1Alice): Promise<Asset> =>
      fixture.world.evaluate(caller, (ctx) => fixture.contract.ReadAsset(ctx, id)),
  };

  beforeEach(() => {
    fixture.world = new WorldState();
    fixture.contract = new AssetContract();
  });

  return fixture;
}
