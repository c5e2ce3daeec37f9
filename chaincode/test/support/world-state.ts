// In-memory world state for unit tests. Each transaction is simulated against
// the committed state through a sinon-stubbed ChaincodeStub that records its
// read set, range reads and writes; commit() then validates them the way a
// peer does (MVCC version check, phantom check for range reads) before
// applying the writes. Reads never see the same transaction's writes, as in
// Fabric.
import { createHash } from 'node:crypto';
import { Context } from 'fabric-contract-api';
import { ChaincodeStub, ClientIdentity } from 'fabric-shim';
import type { Iterators, StateQueryResponse, Timestamp } from 'fabric-shim';
import sinon, { type SinonStubbedInstance } from 'sinon';

export interface Identity {
  mspId: string;
  /** What ClientIdentity.getID() returns: x509::<subject>::<issuer>. */
  id: string;
  attributes?: Record<string, string>;
}

export function identity(
  mspId: string,
  commonName: string,
  attributes?: Record<string, string>,
): Identity {
  const org = mspId.replace(/MSP$/, '').toLowerCase();
  return {
    mspId,
    id: `x509::/C=US/O=${org}.example.com/CN=${commonName}::/C=US/O=${org}.example.com/CN=ca.${org}.example.com`,
    attributes,
  };
}

export interface TxOptions {
  transient?: Record<string, string>;
  /** MSP of the peer executing the proposal; defaults to the caller's. */
  peerMspId?: string;
  function?: string;
}

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

interface RangeRead {
  prefix: string;
  observed: string;
}

const MAX_RUNE = '\u{10ffff}';
const realCreateCompositeKey = ChaincodeStub.prototype.createCompositeKey;
const realSplitCompositeKey = ChaincodeStub.prototype.splitCompositeKey;

class FakeIterator<T> implements Iterators.CommonIterator<T> {
  closed = false;
  private index = 0;

  constructor(private readonly items: T[]) {}

  async next(): Promise<Iterators.NextResult<T>> {
    if (this.index < this.items.length) {
      return { value: this.items[this.index++] as T, done: false };
    }
    return { done: true } as Iterators.NextResult<T>;
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

/** The stub's query methods return a promise that is also async-iterable. */
function iterable<R, T>(value: R, items: T[]): Promise<R> & AsyncIterable<T> {
  const promise = Promise.resolve(value) as Promise<R> & AsyncIterable<T>;
  promise[Symbol.asyncIterator] = async function* () {
    yield* items;
  };
  return promise;
}

export class SimulatedTx {
  readonly reads = new Map<string, number | null>();
  readonly ranges: RangeRead[] = [];
  readonly writes = new Map<string, Buffer | null>();
  readonly privateWrites = new Map<string, Map<string, Buffer | null>>();
  readonly events: { name: string; payload: unknown }[] = [];
  readonly iterators: FakeIterator<unknown>[] = [];
  usedPagination = false;
  readonly ctx: Context;
  readonly stub: SinonStubbedInstance<ChaincodeStub>;
  readonly clientIdentity: SinonStubbedInstance<ClientIdentity>;

  constructor(
    private readonly world: WorldState,
    readonly caller: Identity,
    readonly txId: string,
    readonly timestamp: { seconds: number; nanos: number },
    options: TxOptions,
  ) {
    const stub = sinon.createStubInstance(ChaincodeStub);
    const clientIdentity = sinon.createStubInstance(ClientIdentity);
    this.stub = stub;
    this.clientIdentity = clientIdentity;

    clientIdentity.getMSPID.returns(caller.mspId);
    clientIdentity.getID.returns(caller.id);
    clientIdentity.getAttributeValue.callsFake((name: string) => caller.attributes?.[name] ?? null);

    const transient = new Map<string, Uint8Array>();
    for (const [name, value] of Object.entries(options.transient ?? {})) {
      transient.set(name, Buffer.from(value, 'utf8'));
    }
    stub.getTxID.returns(txId);
    stub.getChannelID.returns('consortia');
    stub.getMspID.returns(options.peerMspId ?? caller.mspId);
    stub.getTransient.returns(transient);
    stub.getFunctionAndParameters.returns({ fcn: options.function ?? 'Unknown', params: [] });
    stub.getTxTimestamp.returns({
      seconds: { toNumber: () => timestamp.seconds },
      nanos: timestamp.nanos,
    } as unknown as Timestamp);
    stub.createCompositeKey.callsFake((type: string, attributes: string[]) =>
      realCreateCompositeKey.call(stub, type, attributes),
    );
    stub.splitCompositeKey.callsFake((key: string) => realSplitCompositeKey.call(stub, key));

    stub.getState.callsFake(async (key: string) => {
      const entry = world.committed(key);
      this.reads.set(key, entry ? entry.version : null);
      return entry ? Buffer.from(entry.value) : Buffer.alloc(0);
    });
    stub.putState.callsFake(async (key: string, value: Uint8Array) => {
      if (typeof key !== 'string' || key.length === 0 || value.length === 0) {
        throw new Error('putState needs a key and a non-empty value');
      }
      this.writes.set(key, Buffer.from(value));
    });
    stub.deleteState.callsFake(async (key: string) => {
      this.writes.set(key, null);
    });

    stub.getStateByPartialCompositeKey.callsFake((type: string, attributes: string[]) => {
      const prefix = realCreateCompositeKey.call(stub, type, attributes);
      const kvs = world.scan(prefix);
      this.ranges.push({ prefix, observed: world.fingerprint(prefix) });
      return this.iteratorOf(kvs);
    });
    stub.getStateByPartialCompositeKeyWithPagination.callsFake(
      (type: string, attributes: string[], pageSize: number, bookmark?: string) => {
        this.usedPagination = true;
        const prefix = realCreateCompositeKey.call(stub, type, attributes);
        return this.page(world.scan(prefix), pageSize, bookmark);
      },
    );
    stub.getQueryResultWithPagination.callsFake(
      (query: string, pageSize: number, bookmark?: string) => {
        this.usedPagination = true;
        const { selector } = JSON.parse(query) as { selector: Record<string, unknown> };
        return this.page(world.richQuery(selector), pageSize, bookmark);
      },
    );
    stub.getHistoryForKey.callsFake((key: string) => {
      const entries: Iterators.KeyModification[] = world.historyOf(key).map((entry) => ({
        txId: entry.txId,
        value: Buffer.from(entry.value),
        isDelete: entry.isDelete,
        timestamp: entry.timestamp as unknown as Timestamp,
      }));
      const iterator = new FakeIterator(entries);
      this.iterators.push(iterator as FakeIterator<unknown>);
      return iterable(iterator, entries);
    });

    stub.getPrivateData.callsFake(async (collection: string, key: string) => {
      // A peer only holds the private data of collections its org belongs to.
      const peerMsp = options.peerMspId ?? caller.mspId;
      if (collection !== `_implicit_org_${peerMsp}`) {
        return Buffer.alloc(0);
      }
      const value = world.privateState.get(collection)?.get(key);
      return value ? Buffer.from(value) : Buffer.alloc(0);
    });
    stub.putPrivateData.callsFake(async (collection: string, key: string, value: Uint8Array) => {
      this.privateWritesFor(collection).set(key, Buffer.from(value));
    });
    stub.deletePrivateData.callsFake(async (collection: string, key: string) => {
      this.privateWritesFor(collection).set(key, null);
    });
    stub.purgePrivateData.callsFake(async (collection: string, key: string) => {
      this.privateWritesFor(collection).set(key, null);
    });
    stub.getPrivateDataHash.callsFake(async (collection: string, key: string) => {
      // Every peer holds the hashes of all private data, member of the collection or not.
      const value = world.privateState.get(collection)?.get(key);
      return value ? createHash('sha256').update(value).digest() : Buffer.alloc(0);
    });
    stub.setEvent.callsFake((name: string, payload: Uint8Array) => {
      this.events.push({ name, payload: JSON.parse(Buffer.from(payload).toString('utf8')) });
    });

    const ctx = new Context();
    ctx.stub = stub;
    ctx.clientIdentity = clientIdentity;
    this.ctx = ctx;
  }

  /** The event Fabric would publish: only the last setEvent of a transaction counts. */
  get event(): { name: string; payload: unknown } | undefined {
    return this.events[this.events.length - 1];
  }

  private privateWritesFor(collection: string): Map<string, Buffer | null> {
    let writes = this.privateWrites.get(collection);
    if (!writes) {
      writes = new Map();
      this.privateWrites.set(collection, writes);
    }
    return writes;
  }

  private iteratorOf(
    kvs: Iterators.KV[],
  ): Promise<Iterators.StateQueryIterator> & AsyncIterable<Iterators.KV> {
    const iterator = new FakeIterator(kvs);
    this.iterators.push(iterator as FakeIterator<unknown>);
    return iterable(iterator, kvs);
  }

  private page(
    kvs: Iterators.KV[],
    pageSize: number,
    bookmark?: string,
  ): Promise<StateQueryResponse<Iterators.StateQueryIterator>> & AsyncIterable<Iterators.KV> {
    // As on LevelDB: the bookmark is the first key of the next page, "" once exhausted.
    const start = bookmark ? kvs.findIndex((kv) => kv.key >= bookmark) : 0;
    const from = start < 0 ? kvs.length : start;
    const records = kvs.slice(from, from + pageSize);
    const next = kvs[from + pageSize];
    const iterator = new FakeIterator(records);
    this.iterators.push(iterator as FakeIterator<unknown>);
    return iterable(
      {
        iterator,
        metadata: { fetchedRecordsCount: records.length, bookmark: next ? next.key : '' },
      },
      records,
    );
  }
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
            ? (expected as { $eq: unknown }).$eq
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
