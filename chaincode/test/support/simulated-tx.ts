// SPDX-License-Identifier: Apache-2.0
// One simulated transaction: a sinon-stubbed ChaincodeStub over the committed world state that
// records the transaction's reads, range reads, writes, private writes and events for commit().
import { createHash } from 'node:crypto';
import { Context } from 'fabric-contract-api';
import { ChaincodeStub, ClientIdentity } from 'fabric-shim';
import type { Iterators, StateQueryResponse, Timestamp } from 'fabric-shim';
import sinon, { type SinonStubbedInstance } from 'sinon';

import type { Identity } from './identity';
import type { WorldState } from './world-state';

export interface TxOptions {
  transient?: Record<string, string>;
  /** MSP of the peer executing the proposal; defaults to the caller's. */
  peerMspId?: string;
  function?: string;
}

interface RangeRead {
  prefix: string;
  observed: string;
}

export const MAX_RUNE = '\u{10ffff}';
// the stub's own key encoding, called with `this` bound to each simulated stub below
// eslint-disable-next-line @typescript-eslint/unbound-method
const realCreateCompositeKey = ChaincodeStub.prototype.createCompositeKey;
// eslint-disable-next-line @typescript-eslint/unbound-method
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
      this.iterators.push(iterator);
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
    this.iterators.push(iterator);
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
    this.iterators.push(iterator);
    return iterable(
      {
        iterator,
        metadata: { fetchedRecordsCount: records.length, bookmark: next ? next.key : '' },
      },
      records,
    );
  }
}
