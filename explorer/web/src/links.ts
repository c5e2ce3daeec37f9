// SPDX-License-Identifier: Apache-2.0
const segment = encodeURIComponent;

export const channelPath = (channel: string) => `/channels/${segment(channel)}`;

export const blocksPath = (channel: string) => `${channelPath(channel)}/blocks`;

export const blockPath = (channel: string, number: number) => `${blocksPath(channel)}/${number}`;

export const transactionsPath = (channel: string) => `${channelPath(channel)}/transactions`;

/** A transaction's page; block and index pick one envelope when an id occurs twice. */
export function txPath(channel: string, txId: string, at?: { block: number; index: number }) {
  const base = `${transactionsPath(channel)}/${segment(txId)}`;
  return at ? `${base}?block=${at.block}&index=${at.index}` : base;
}

/** Where a transaction stands on the ledger: its id, block and position in the block. */
export interface TxRef {
  txId: string;
  blockNumber: number;
  txIndex: number;
}

/** The page of the transaction at that place (an id may occur more than once). */
export const txRefPath = (channel: string, tx: TxRef) =>
  txPath(channel, tx.txId, { block: tx.blockNumber, index: tx.txIndex });

export const chaincodesPath = (channel: string) => `${channelPath(channel)}/chaincodes`;

export const statePath = (channel: string, namespace?: string) =>
  namespace === undefined
    ? `${channelPath(channel)}/state`
    : `${channelPath(channel)}/state/${segment(namespace)}`;

export function keyPath(channel: string, namespace: string, key: string, collection = '') {
  const params = new URLSearchParams({ key });
  if (collection) params.set('collection', collection);
  return `${statePath(channel, namespace)}/key?${params.toString()}`;
}

export const assetsPath = (channel: string) => `${channelPath(channel)}/assets`;

export const tokensPath = (channel: string) => `${channelPath(channel)}/tokens`;

export const membersPath = (channel: string) => `${channelPath(channel)}/members`;
