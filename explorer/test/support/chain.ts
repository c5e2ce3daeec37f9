// SPDX-License-Identifier: Apache-2.0
import { createHash } from 'node:crypto';

import type { BuiltBlock, TxSpec } from '@consortia/datasync/testing';
import { compositeKey, configBlock, endorserBlock } from '@consortia/datasync/testing';
import { peer } from '@hyperledger/fabric-protos';
import type { common } from '@hyperledger/fabric-protos';

export const CHANNEL = 'consortium';
export const CHAINCODE = 'consortia';

/** A transaction id as Fabric makes them: 64 hex digits. */
export const txIdOf = (seed: string) => createHash('sha256').update(seed).digest('hex');

/**
 * Values travel through the block builders as UTF-8 strings. These small messages hold only
 * bytes below 0x80, which UTF-8 keeps as they are; anything else would be a fixture mistake.
 */
function bytes(message: { serializeBinary(): Uint8Array }): string {
  const data = Buffer.from(message.serializeBinary());
  if (data.some((byte) => byte >= 0x80)) throw new Error('fixture value is not 7-bit');
  return data.toString('latin1');
}

/** The `_lifecycle` writes of a committed chaincode definition, as Fabric stores them. */
export function lifecycleWrites(name: string, version: string, sequence: number): TxSpec['writes'] {
  const sequenceData = new peer.lifecycle.StateData();
  sequenceData.setInt64(sequence);
  const endorsement = new peer.lifecycle.ChaincodeEndorsementInfo();
  endorsement.setVersion(version);
  endorsement.setEndorsementPlugin('escc');
  const endorsementData = new peer.lifecycle.StateData();
  endorsementData.setBytes(endorsement.serializeBinary());
  const validation = new peer.lifecycle.ChaincodeValidationInfo();
  validation.setValidationPlugin('vscc');
  const validationData = new peer.lifecycle.StateData();
  validationData.setBytes(validation.serializeBinary());
  return [
    {
      namespace: '_lifecycle',
      key: `namespaces/fields/${name}/Sequence`,
      value: bytes(sequenceData),
    },
    {
      namespace: '_lifecycle',
      key: `namespaces/fields/${name}/EndorsementInfo`,
      value: bytes(endorsementData),
    },
    {
      namespace: '_lifecycle',
      key: `namespaces/fields/${name}/ValidationInfo`,
      value: bytes(validationData),
    },
  ];
}

export function assetDocument(id: string, ownerMsp: string, time: Date, status = 'ACTIVE') {
  return {
    attributes: { color: id.endsWith('0') ? 'red' : 'blue' },
    createdAt: time.toISOString(),
    docType: 'asset',
    id,
    owner: { mspId: ownerMsp, ownerId: 'alice' },
    privateDetailsHash: '',
    status,
    type: 'container',
    updatedAt: time.toISOString(),
  };
}

/** The transactions of business block `number`: two assets, a token credit, and every fourth block an invalid transfer. */
export function businessTxs(number: number, time: Date): TxSpec[] {
  const txs: TxSpec[] = [];
  for (let index = 0; index < 2; index++) {
    const id = `A${number}-${index}`;
    const mspId = index === 0 ? 'Org1MSP' : 'Org2MSP';
    const txId = txIdOf(`asset ${number} ${index}`);
    txs.push({
      txId,
      mspId,
      timestamp: time,
      args: ['AssetContract:CreateAsset', id, 'container', 'alice', '{}'],
      writes: [
        {
          key: compositeKey('asset', id),
          value: JSON.stringify(assetDocument(id, mspId, time)),
        },
      ],
      event: { name: 'AssetCreated', payload: JSON.stringify({ id, owner: mspId }) },
    });
  }
  const account = `acct${number % 3}`;
  const creditTx = txIdOf(`credit ${number}`);
  txs.push({
    txId: creditTx,
    timestamp: time,
    args: ['TokenContract:Transfer', account, '7'],
    writes: [{ key: compositeKey('credit', account, creditTx), value: '700' }],
    event: { name: 'TokensTransferred', payload: JSON.stringify({ to: account, amount: '7' }) },
  });
  if (number % 4 === 0) {
    txs.push({
      txId: txIdOf(`invalid ${number}`),
      timestamp: time,
      args: ['TokenContract:Transfer', account, '5'],
      writes: [{ key: compositeKey('balance', account), value: '999999' }],
      validationCode: peer.TxValidationCode.MVCC_READ_CONFLICT,
    });
  }
  return txs;
}

/** A chain that can grow: every block is linked to the one before by its hash. */
export class TestChain {
  readonly blocks: common.Block[] = [];
  #last: BuiltBlock;

  constructor(
    readonly channel = CHANNEL,
    /** When business blocks are stamped: one every 20 seconds up to this time. */
    private readonly endTime = new Date(),
  ) {
    this.#last = configBlock(channel);
    this.blocks.push(this.#last.block);
  }

  get height(): number {
    return this.blocks.length;
  }

  add(txs: TxSpec[], chaincode = CHAINCODE): common.Block {
    this.#last = endorserBlock(this.channel, this.blocks.length, this.#last.hash, txs, chaincode);
    this.blocks.push(this.#last.block);
    return this.#last.block;
  }

  /** Block 1 commits the chaincode definition; blocks 2 … count-1 carry business traffic. */
  static standard(count: number, endTime = new Date()): TestChain {
    const chain = new TestChain(CHANNEL, endTime);
    chain.add(
      [
        {
          txId: txIdOf('commit definition'),
          args: ['CommitChaincodeDefinition'],
          writes: lifecycleWrites(CHAINCODE, '1.0.0', 1),
          timestamp: chain.timeOf(1, count),
        },
      ],
      '_lifecycle',
    );
    for (let number = 2; number < count; number++) {
      chain.add(businessTxs(number, chain.timeOf(number, count)));
    }
    return chain;
  }

  timeOf(number: number, count: number): Date {
    return new Date(this.endTime.getTime() - (count - 1 - number) * 20_000);
  }
}
