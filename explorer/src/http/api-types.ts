// SPDX-License-Identifier: Apache-2.0
/**
 * The JSON the explorer's API answers with. Types only, shared by the backend and the web front
 * end (which imports this file), so both sides agree on every field.
 */
import type { BlockHeader, TransactionView } from '@consortia/datasync/read';

/** One page of an unbounded list; `next`/`prev` are cursors for `?after=` / `?before=`. */
export interface Page<T> {
  items: T[];
  next?: string;
  prev?: string;
}

export interface SessionInfo {
  authenticated: boolean;
  user?: string;
  demo: boolean;
  mspId: string;
  defaultChannel: string;
  /** Grafana's URL when configured (EXPLORER_GRAFANA_URL): pages link to its dashboards. */
  grafanaUrl?: string;
}

export interface TxCounts {
  total: number;
  valid: number;
  invalid: number;
}

export interface ChannelSummary {
  channel: string;
  /** Blocks mirrored: the last block's number + 1. */
  height: number;
  lastHash: string | null;
  lastBlockTime: string | null;
  /** When datasync last moved this channel's checkpoint. */
  mirroredAt: string | null;
  transactions: TxCounts;
  outboxPending: number;
  /** The highest height the peers' operations endpoints report for this channel. */
  peerHeight?: number;
  /** Blocks the peers have that the mirror has not got yet. */
  lagBlocks?: number;
}

export interface Overview {
  mspId: string;
  defaultChannel: string;
  channels: ChannelSummary[];
}

export type ActivityRange = '1h' | '6h' | '24h' | '7d';

export interface ThroughputPoint {
  time: string;
  valid: number;
  invalid: number;
}

export interface Activity {
  channel: string;
  range: ActivityRange;
  /** The window ends at the channel's newest block, so an idle ledger still shows its history. */
  from: string;
  to: string;
  bucketSeconds: number;
  points: ThroughputPoint[];
  byChaincode: { chaincode: string; valid: number; invalid: number }[];
  byOrg: { mspId: string; valid: number; invalid: number }[];
}

export interface BlockSummary extends BlockHeader {
  txCount: number;
  validCount: number;
  timestamp: string | null;
  mirroredAt: string;
}

export interface BlockDetail {
  block: BlockSummary;
  /** Number of the newest mirrored block, to link to the next one. */
  lastBlock: number;
}

export interface TransactionSummary extends TransactionView {
  channel: string;
}

/** How a key is shown: the stored (escaped) form, and its parts when it is a composite key. */
export interface KeyView {
  raw: string;
  objectType?: string;
  attributes?: string[];
}

/** A value as JSON when it parses, as text when it is printable UTF-8, else as base64. */
export interface ValueView {
  size: number;
  json?: unknown;
  text?: string;
  base64?: string;
  truncated?: boolean;
}

export interface WriteRecord {
  index: number;
  namespace: string;
  collection: string;
  key: KeyView;
  isDelete: boolean;
  value?: ValueView;
}

export interface EventRecord {
  index: number;
  chaincode: string;
  name: string;
  payload: ValueView;
}

export interface TransactionDetail {
  transaction: TransactionSummary & {
    creatorSubject: string | null;
    correlationId: string | null;
    blockHash: string;
  };
  /** Every envelope with this tx id (a ledger can hold a duplicate, marked invalid). */
  matches: { blockNumber: number; txIndex: number; valid: boolean }[];
  writes: Page<WriteRecord>;
  events: EventRecord[];
}

export interface ChaincodeInfo {
  name: string;
  /** Where the definition comes from: committed `_lifecycle` state, or only seen in transactions. */
  source: 'lifecycle' | 'transactions';
  version?: string;
  sequence?: number;
  initRequired?: boolean;
  endorsementPlugin?: string;
  validationPlugin?: string;
  definedIn?: { blockNumber: number; txIndex: number; txId: string };
  transactions: TxCounts;
  lastBlock?: number;
}

export interface ChaincodeList {
  /** True when the mirror holds `_lifecycle` definitions; otherwise only transactions are used. */
  lifecycleMirrored: boolean;
  items: ChaincodeInfo[];
}

export interface StateEntry {
  namespace: string;
  collection: string;
  key: KeyView;
  value: ValueView;
  blockNumber: number;
  txIndex: number;
  txId: string;
}

export interface NamespaceList {
  namespaces: string[];
}

export interface StatePage extends Page<StateEntry> {
  objectTypes: string[];
}

export interface KeyHistoryEntry {
  blockNumber: number;
  txIndex: number;
  txId: string;
  valid: boolean;
  isDelete: boolean;
  value?: ValueView;
  timestamp: string | null;
}

export interface KeyDetail {
  namespace: string;
  collection: string;
  key: KeyView;
  current?: StateEntry;
  history: Page<KeyHistoryEntry>;
}

export interface Asset {
  chaincode: string;
  assetId: string;
  type: string | null;
  ownerMsp: string | null;
  ownerId: string | null;
  status: string | null;
  attributes: unknown;
  createdAt: string | null;
  updatedAt: string | null;
  blockNumber: number;
  txId: string;
}

export interface TokenBalance {
  chaincode: string;
  account: string;
  /** Base units as decimal text: they can exceed what a JavaScript number holds exactly. */
  balance: string;
  baseBalance: string;
  pendingCredits: string;
  pendingCreditCount: number;
  lastBlock: number;
}

export type SearchHit =
  | { kind: 'block'; channel: string; blockNumber: number; label: string }
  | {
      kind: 'transaction';
      channel: string;
      blockNumber: number;
      txIndex: number;
      txId: string;
      valid: boolean;
      label: string;
    }
  | {
      kind: 'key';
      channel: string;
      namespace: string;
      collection: string;
      key: KeyView;
      label: string;
    };

export interface SearchResult {
  query: string;
  hits: SearchHit[];
}

export type NodeKind = 'peer' | 'orderer';

export interface NodeStatus {
  kind: NodeKind;
  index: number;
  /** From `name=URL` in the configuration, else kind and index (`peer 0`). */
  name: string;
  url: string;
  /** up: /healthz said OK; down: it answered with failed checks; unreachable: no answer. */
  health: 'up' | 'down' | 'unreachable';
  detail?: string;
  failedChecks: { component: string; reason: string }[];
  latencyMs?: number;
  checkedAt: string;
  version?: string;
  /** Ledger height per channel, from `ledger_blockchain_height`. */
  heights: Record<string, number>;
  uptimeSeconds?: number;
  highlights: { label: string; value: string }[];
}

export interface NodeList {
  nodes: NodeStatus[];
}

/** What the live stream (`/api/live`, server-sent events) sends when a block is mirrored. */
export interface LiveBlock {
  channel: string;
  number: number;
  hash: string;
  txCount: number;
  validCount: number;
  timestamp: string | null;
}

export interface ApiErrorBody {
  error: { code: string; message: string };
}
