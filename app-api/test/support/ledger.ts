// SPDX-License-Identifier: Apache-2.0
// A ledger built from constructed blocks (the datasync workspace's test builders), for tests that
// need a filled mirror but no Fabric network: the real datasync writes it into a real Postgres.
import crypto from 'node:crypto';

import type { TxSpec } from '@consortia/datasync/testing';
import { compositeKey, configBlock, endorserBlock } from '@consortia/datasync/testing';

export const CHANNEL = 'consortium';
const START = Date.parse('2026-01-05T10:00:00.000Z');

export interface LedgerAsset {
  id: string;
  type: string;
  ownerMsp: string;
  ownerId: string;
  status: string;
  attributes: Record<string, unknown>;
  /** Block the asset is created in; an update in `updatedIn` when given. */
  block: number;
}

const txId = (label: string) => crypto.createHash('sha256').update(label).digest('hex');
const at = (block: number) => new Date(START + block * 60_000);

function assetDocument(asset: LedgerAsset, updatedBlock: number) {
  return {
    attributes: asset.attributes,
    createdAt: at(asset.block).toISOString(),
    docType: 'asset',
    id: asset.id,
    owner: { mspId: asset.ownerMsp, ownerId: asset.ownerId },
    privateDetailsHash: '',
    status: asset.status,
    type: asset.type,
    updatedAt: at(updatedBlock).toISOString(),
  };
}

/** 24 assets of two owners and two types, a token with balances, and one asset updated twice. */
export function sampleAssets(): LedgerAsset[] {
  return Array.from({ length: 24 }, (_, index) => ({
    id: `A${String(index).padStart(3, '0')}`,
    type: index % 3 === 0 ? 'pallet' : 'container',
    ownerMsp: index % 4 === 0 ? 'Org2MSP' : 'Org1MSP',
    ownerId: index % 2 === 0 ? 'alice' : 'bob',
    status: index % 5 === 0 ? 'RETIRED' : 'ACTIVE',
    attributes: { color: index % 2 === 0 ? 'red' : 'blue', weight: 100 + index },
    block: 1 + Math.floor(index / 4),
  }));
}

export const TOKEN_ACCOUNTS = {
  rich: 'a'.repeat(64),
  poor: 'b'.repeat(64),
  pending: 'c'.repeat(64),
};

/** The sample ledger: config block, assets in blocks 1-6, token in block 7, an update in 8. */
export function sampleLedger(assets = sampleAssets()) {
  const blocks = [];
  let previous = configBlock(CHANNEL);
  blocks.push(previous.block);
  const lastBlock = Math.max(...assets.map((asset) => asset.block));
  for (let number = 1; number <= lastBlock; number++) {
    const txs: TxSpec[] = assets
      .filter((asset) => asset.block === number)
      .map((asset) => ({
        txId: txId(`create/${asset.id}`),
        args: ['AssetContract:CreateAsset', asset.id],
        mspId: asset.ownerMsp,
        timestamp: at(number),
        writes: [
          {
            key: compositeKey('asset', asset.id),
            value: JSON.stringify(assetDocument(asset, number)),
          },
        ],
        event: {
          name: 'AssetCreated',
          payload: JSON.stringify({ assetId: asset.id, correlationId: `corr-${asset.id}` }),
        },
      }));
    previous = endorserBlock(CHANNEL, number, previous.hash, txs);
    blocks.push(previous.block);
  }
  const tokenBlock = lastBlock + 1;
  previous = endorserBlock(CHANNEL, tokenBlock, previous.hash, [
    {
      txId: txId('token/init'),
      args: ['TokenContract:Initialize'],
      timestamp: at(tokenBlock),
      writes: [
        {
          key: compositeKey('token', 'config'),
          value: JSON.stringify({
            name: 'Test Token',
            symbol: 'TT',
            decimals: 2,
            cap: '100000000',
          }),
        },
        { key: compositeKey('token', 'admin'), value: JSON.stringify({ mspId: 'Org1MSP' }) },
        { key: compositeKey('token', 'minted'), value: '150100' },
        // 0.25 burned by one account; a per-transaction `burn` record of an older chaincode
        // version does not count (nor does the chaincode's TotalSupply count it)
        { key: compositeKey('burned', TOKEN_ACCOUNTS.rich), value: '25' },
        { key: compositeKey('burn', txId('burn/legacy')), value: '1000' },
        { key: compositeKey('balance', TOKEN_ACCOUNTS.rich), value: '100000' },
        { key: compositeKey('balance', TOKEN_ACCOUNTS.poor), value: '75' },
        { key: compositeKey('credit', TOKEN_ACCOUNTS.pending, txId('credit/1')), value: '50000' },
      ],
    },
  ]);
  blocks.push(previous.block);
  const updated = assets[1];
  const updateBlock = tokenBlock + 1;
  if (updated) {
    previous = endorserBlock(CHANNEL, updateBlock, previous.hash, [
      {
        txId: txId(`update/${updated.id}`),
        args: ['AssetContract:UpdateAsset', updated.id],
        timestamp: at(updateBlock),
        writes: [
          {
            key: compositeKey('asset', updated.id),
            value: JSON.stringify(assetDocument({ ...updated, status: 'INSPECTED' }, updateBlock)),
          },
        ],
        event: {
          name: 'AssetUpdated',
          payload: JSON.stringify({ assetId: updated.id, correlationId: 'corr-update' }),
        },
      },
    ]);
    blocks.push(previous.block);
  }
  return { blocks, lastBlock: blocks.length - 1 };
}
