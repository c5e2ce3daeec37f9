// SPDX-License-Identifier: Apache-2.0
// Builds the chaincode with tsc (which, unlike the test transpiler, emits
// decorator metadata) and loads dist/ the way fabric-chaincode-node does, to
// check the metadata that org.hyperledger.fabric:GetMetadata will serve.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';

interface Schema {
  type?: string;
  $ref?: string;
  items?: Schema;
  properties?: Record<string, Schema>;
}

interface Transaction {
  name: string;
  tag?: string[];
  parameters?: { name: string; description: string; schema: Schema }[];
  returns?: Schema;
}

interface Metadata {
  contracts: Record<string, { info: { title: string }; transactions: Transaction[] }>;
  components: { schemas: Record<string, { properties: Record<string, Schema> }> };
}

const chaincodeDir = path.resolve(__dirname, '..', '..');

function childEnv(): NodeJS.ProcessEnv {
  // Coverage of the compiler and of dist/ is not what c8 measures here.
  const env = { ...process.env };
  delete env.NODE_V8_COVERAGE;
  return env;
}

const expected: Record<string, { submit: string[]; evaluate: string[] }> = {
  AssetContract: {
    submit: [
      'CreateAsset',
      'UpdateAsset',
      'TransferAsset',
      'DeleteAsset',
      'StageAssetPrivateDetails',
      'PurgeAssetPrivateDetails',
    ],
    evaluate: [
      'ReadAsset',
      'AssetExists',
      'GetAssetHistory',
      'QueryAssetsByOwner',
      'QueryAssetsByType',
      'QueryAssets',
      'ReadAssetPrivateDetails',
      'VerifyAssetPrivateDetails',
    ],
  },
  TokenContract: {
    submit: [
      'Initialize',
      'SetAdminOrg',
      'SetMinterRule',
      'Mint',
      'Burn',
      'Transfer',
      'Approve',
      'TransferFrom',
      'Consolidate',
    ],
    evaluate: [
      'BalanceOf',
      'PendingCredits',
      'ClientAccountID',
      'Allowance',
      'TotalSupply',
      'GetTokenInfo',
    ],
  },
};

describe('compiled chaincode metadata', function () {
  this.timeout(180_000);
  let metadata: Metadata;
  let schemaErrors: unknown[];

  before(() => {
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-b'], {
      cwd: chaincodeDir,
      env: childEnv(),
      stdio: 'inherit',
    });
    const output = execFileSync(
      process.execPath,
      [path.join(chaincodeDir, 'test/support/metadata-probe.cjs')],
      {
        cwd: chaincodeDir,
        env: childEnv(),
        encoding: 'utf8',
      },
    );
    ({ metadata, schemaErrors } = JSON.parse(output) as {
      metadata: Metadata;
      schemaErrors: unknown[];
    });
  });

  it('is valid against the contract metadata schema', () => {
    assert.deepEqual(schemaErrors, []);
  });

  it('lists both contracts and the system contract', () => {
    assert.deepEqual(Object.keys(metadata.contracts).sort(), [
      'AssetContract',
      'TokenContract',
      'org.hyperledger.fabric',
    ]);
    assert.equal(metadata.contracts.AssetContract?.info.title, 'AssetContract');
    assert.equal(metadata.contracts.TokenContract?.info.title, 'TokenContract');
  });

  for (const [contractName, { submit, evaluate }] of Object.entries(expected)) {
    it(`describes every ${contractName} function with the right submit/evaluate tag`, () => {
      const transactions = metadata.contracts[contractName]?.transactions ?? [];
      assert.deepEqual(transactions.map((tx) => tx.name).sort(), [...submit, ...evaluate].sort());
      for (const tx of transactions) {
        const tag = submit.includes(tx.name) ? 'SUBMIT' : 'EVALUATE';
        assert.ok(tx.tag?.includes(tag), `${tx.name} should be tagged ${tag}`);
      }
    });

    it(`gives every ${contractName} parameter a name, description and schema`, () => {
      for (const tx of metadata.contracts[contractName]?.transactions ?? []) {
        for (const parameter of tx.parameters ?? []) {
          assert.notEqual(parameter.name, 'ctx', `${tx.name} exposes its context`);
          assert.ok(
            parameter.description.length > 0,
            `${tx.name}.${parameter.name} has no description`,
          );
          assert.ok(
            parameter.schema.type ?? parameter.schema.$ref,
            `${tx.name}.${parameter.name} has no type`,
          );
        }
      }
    });
  }

  it('matches the parameters of the TypeScript signatures', () => {
    const asset = metadata.contracts.AssetContract?.transactions ?? [];
    const params = (name: string) =>
      asset.find((tx) => tx.name === name)?.parameters?.map((p) => p.name);
    assert.deepEqual(params('CreateAsset'), ['id', 'type', 'ownerId', 'attributesJson']);
    assert.deepEqual(params('UpdateAsset'), ['id', 'attributesJson', 'status', 'expectedOwnerId']);
    assert.deepEqual(params('TransferAsset'), [
      'id',
      'newOwnerMspId',
      'newOwnerId',
      'expectedOwnerId',
    ]);
    assert.deepEqual(params('DeleteAsset'), ['id', 'expectedOwnerId']);
    assert.deepEqual(params('StageAssetPrivateDetails'), ['id']);
    assert.deepEqual(params('PurgeAssetPrivateDetails'), ['id', 'hash']);
    assert.deepEqual(params('GetAssetHistory'), ['id', 'pageSize', 'bookmark']);
    assert.deepEqual(params('QueryAssetsByOwner'), [
      'ownerMspId',
      'ownerId',
      'pageSize',
      'bookmark',
    ]);
    const token = metadata.contracts.TokenContract?.transactions ?? [];
    const init = token.find((tx) => tx.name === 'Initialize');
    assert.deepEqual(
      init?.parameters?.map((p) => [p.name, p.schema.type]),
      [
        ['name', 'string'],
        ['symbol', 'string'],
        ['decimals', 'number'],
        ['cap', 'string'],
      ],
    );
    const rule = token.find((tx) => tx.name === 'SetMinterRule')?.parameters?.[0];
    assert.deepEqual(rule?.schema, { type: 'array', items: { type: 'string' } });
  });

  it('describes every returned and nested type', () => {
    const schemas = metadata.components.schemas;
    assert.deepEqual(Object.keys(schemas).sort(), [
      'Asset',
      'AssetHistoryEntry',
      'AssetHistoryPage',
      'AssetOwner',
      'AssetPage',
      'AssetPrivateDetails',
      'MinterRule',
      'PendingCredit',
      'PendingCreditPage',
      'TokenInfo',
    ]);
    assert.deepEqual(Object.keys(schemas.Asset?.properties ?? {}).sort(), [
      'attributes',
      'createdAt',
      'docType',
      'id',
      'owner',
      'privateDetailsHash',
      'status',
      'type',
      'updatedAt',
    ]);
    assert.deepEqual(schemas.Asset?.properties.attributes, { type: 'object' });
    const refs: string[] = [];
    const collect = (schema: Schema | undefined): void => {
      if (!schema) {
        return;
      }
      if (schema.$ref) {
        refs.push(schema.$ref.replace('#/components/schemas/', ''));
      }
      collect(schema.items);
      Object.values(schema.properties ?? {}).forEach(collect);
    };
    for (const contract of Object.values(metadata.contracts)) {
      for (const tx of contract.transactions) {
        collect(tx.returns);
        tx.parameters?.forEach((p) => collect(p.schema));
      }
    }
    Object.values(schemas).forEach((schema) => collect(schema));
    for (const ref of refs) {
      assert.ok(schemas[ref], `unresolved reference ${ref}`);
    }
  });
});
