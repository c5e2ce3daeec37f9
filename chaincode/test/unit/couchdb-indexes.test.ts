// SPDX-License-Identifier: Apache-2.0
// The CouchDB indexes must name fields that stored assets actually have.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { AssetContract } from '../../src/contracts/asset-contract';
import { WorldState, identity } from '../support/world-state';

const indexDir = path.resolve(__dirname, '../../META-INF/statedb/couchdb/indexes');

interface IndexFile {
  index: { fields: string[] };
  ddoc: string;
  name: string;
  type: string;
}

describe('CouchDB index definitions', () => {
  const files = readdirSync(indexDir).filter((file) => file.endsWith('.json'));

  it('exist for owner and type queries', () => {
    assert.deepEqual(files.sort(), ['indexOwner.json', 'indexStatus.json', 'indexType.json']);
  });

  it('are well formed and use fields present on stored assets', async () => {
    const world = new WorldState();
    const { result } = await world.submit(identity('Org1MSP', 'alice'), (ctx) =>
      new AssetContract().CreateAsset(ctx, 'A1', 'container', 'alice', '{}'),
    );
    for (const file of files) {
      const index = JSON.parse(readFileSync(path.join(indexDir, file), 'utf8')) as IndexFile;
      assert.equal(index.type, 'json', file);
      assert.equal(`${index.name}.json`, file);
      assert.ok(index.ddoc.length > 0, file);
      assert.equal(index.index.fields[0], 'docType', file);
      for (const field of index.index.fields) {
        const value = field
          .split('.')
          .reduce<unknown>(
            (doc, part) => (doc as Record<string, unknown> | undefined)?.[part],
            result,
          );
        assert.equal(typeof value, 'string', `${file}: ${field}`);
      }
    }
  });
});
