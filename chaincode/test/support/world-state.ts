// SPDX-License-Identifier: Apache-2.0
// In-memory world state for unit tests. Each transaction is simulated against
// the committed state through a sinon-stubbed ChaincodeStub that records its
// read set, range reads and writes; commit() then validates them the way a
// peer does (MVCC version check, phantom check for range reads) before
// applying the writes. Reads never see the same transaction's writes, as in
// Fabric.
import { createHash } from 'node:crypto';
import type { Context } from 'fabric-contract-api';
import type { Iterators } from 'fabric-shim';

import type { Identity } from './identity';
import type { TxOptions } from './simulated-tx';
import { MAX_RUNE, SimulatedTx } from './simulated-tx';

export { identity, type Identity } from './identity';
export { SimulatedTx, type TxOptions } from './simulated-tx';

export type ValidationCode =
  'VALID' | 'MVCC_READ_CONFLICT' | 'PHANTOM_READ_CONFLICT' | 'PAGINATION_IN_UPDATE';

interface Versioned {
  value: Buffer;
  version: number;
}

interface HistoryEntry {
  txId: string;
  value: Buffer;
  isDelete: boolean;
  timestamp: { seconds: number; nanos: number };
}

export class WorldState {
  readonly privateState = new Map<string, Map<string, Buffer>>();
  readonly committedEvents: { txId: string; name: string; payload: unknown }[] = [];
  private readonly state = new Map<string, Versioned>();
  private readonly history = new Map<string, HistoryEntry[]>();
  private version = 0;
  private txCount = 0;

  committed(key: string): Versioned | undefined {
    return this.state.get(key);
  }

  /** Committed entries whose key starts with the prefix, in key order. */
  scan(prefix: string): Iterators.KV[] {
    const end = prefix + MAX_RUNE;
    return [...this.state.entries()]
      .filter(([key]) => key >= prefix && key < end)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, entry]) => ({ namespace: 'consortia', key, value: Buffer.from(entry.value) }));
  }

  /** Keys and versions a range read observed; compared again at commit. */
  fingerprint(prefix: string): string {
    return this.scan(prefix)
      .map((kv) => `${kv.key}@${this.state.get(kv.key)?.version}`)
      .join('|');
  }

  /** Equality-only Mango selector support (dotted paths and {"$eq": v}), enough for tests. */
  richQuery(selector: Record<string, unknown>): Iterators.KV[] {
    return this.scan('').filter((kv) => {
      let doc: unknown;
      try {
        doc = JSON.parse(Buffer.from(kv.value).toString('utf8'));
      } catch {
        return false;
      }
      return Object.entries(selector).every(([path, expected]) => {
        if (path.startsWith('$')) {
          throw new Error(`fake rich query does not support ${path}`);
        }
        const wanted =
          typeof expected === 'object' && expected !== null && '$eq' in expected
            ? expected.$eq
            : expected;
        const actual = path
          .split('.')
          .reduce<unknown>(
            (value, part) =>
              typeof value === 'object' && value !== null
                ? (value as Record<string, unknown>)[part]
                : undefined,
            doc,
          );
        return actual === wanted;
      });
    });
  }

  historyOf(key: string): HistoryEntry[] {
    return this.history.get(key) ?? [];
  }

  /** Raw committed value as text (for assertions), or undefined. */
  get(key: string): string | undefined {
    const entry = this.state.get(key);
    return entry ? entry.value.toString('utf8') : undefined;
  }

  keys(): string[] {
    return [...this.state.keys()].sort();
  }

  begin(caller: Identity, options: TxOptions = {}): SimulatedTx {
    this.txCount += 1;
    const txId = createHash('sha256').update(`tx-${this.txCount}`).digest('hex');
    // Deterministic, strictly increasing transaction timestamps.
    const timestamp = { seconds: 1_767_225_600 + this.txCount, nanos: 250_000_000 };
    return new SimulatedTx(this, caller, txId, timestamp, options);
  }

  /** Validates a simulated transaction against the current state and applies it if valid. */
  commit(tx: SimulatedTx): ValidationCode {
    for (const [key, version] of tx.reads) {
      const current = this.state.get(key);
      if ((current ? current.version : null) !== version) {
        return 'MVCC_READ_CONFLICT';
      }
    }
    for (const range of tx.ranges) {
      if (this.fingerprint(range.prefix) !== range.observed) {
        return 'PHANTOM_READ_CONFLICT';
      }
    }
    if (tx.usedPagination && (tx.writes.size > 0 || tx.privateWrites.size > 0)) {
      return 'PAGINATION_IN_UPDATE';
    }
    this.version += 1;
    for (const [key, value] of tx.writes) {
      const entries = this.history.get(key) ?? [];
      entries.push({
        txId: tx.txId,
        value: value ?? Buffer.alloc(0),
        isDelete: value === null,
        timestamp: tx.timestamp,
      });
      this.history.set(key, entries);
      if (value === null) {
        this.state.delete(key);
      } else {
        this.state.set(key, { value, version: this.version });
      }
    }
    for (const [collection, writes] of tx.privateWrites) {
      const data = this.privateState.get(collection) ?? new Map<string, Buffer>();
      for (const [key, value] of writes) {
        if (value === null) {
          data.delete(key);
        } else {
          data.set(key, value);
        }
      }
      this.privateState.set(collection, data);
    }
    const event = tx.event;
    if (event) {
      this.committedEvents.push({ txId: tx.txId, ...event });
    }
    return 'VALID';
  }

  /** Endorse and commit; a chaincode error propagates, an invalid commit throws. */
  async submit<T>(
    caller: Identity,
    fn: (ctx: Context) => Promise<T>,
    options: TxOptions = {},
  ): Promise<{ result: T; tx: SimulatedTx }> {
    const tx = this.begin(caller, options);
    const result = await fn(tx.ctx);
    const code = this.commit(tx);
    if (code !== 'VALID') {
      throw new Error(`transaction ${tx.txId} invalidated: ${code}`);
    }
    return { result, tx };
  }

  /** Run without committing, as a gateway evaluate does. */
  async evaluate<T>(
    caller: Identity,
    fn: (ctx: Context) => Promise<T>,
    options: TxOptions = {},
  ): Promise<T> {
    return fn(this.begin(caller, options).ctx);
  }
}
