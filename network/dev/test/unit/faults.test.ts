// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';

import { parseFaultArguments } from '../../src/faults';
import { judge } from '../../src/faults/checker';
import type { RecordedStatus } from '../../src/faults/clients';
import { LedgerIndex } from '../../src/faults/ledger';
import type { LoadRequest } from '../../src/faults/load';
import { decodeBlock } from '../../src/faults/protobuf';
import type { Stack } from '../../src/faults/stack';

// A protobuf writer just big enough to build Fabric blocks field by field.
type Field = [number, Uint8Array | string | number];
function varint(value: number): number[] {
  const out: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    out.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  out.push(rest);
  return out;
}
function message(...fields: Field[]): Uint8Array {
  const bytes: number[] = [];
  for (const [number, value] of fields) {
    if (typeof value === 'number') {
      bytes.push(...varint(number * 8), ...varint(value));
    } else {
      const data = typeof value === 'string' ? Buffer.from(value) : value;
      bytes.push(...varint(number * 8 + 2), ...varint(data.length), ...data);
    }
  }
  return Uint8Array.from(bytes);
}

function envelope(txId: string, writes: [string, string][], event = ''): Uint8Array {
  const kvrwset = message(
    ...writes.map(([key, value]): Field => [3, message([1, key], [3, value])]),
  );
  const txRwSet = message([2, message([1, 'consortia'], [2, kvrwset])]);
  const chaincodeAction = message(
    [1, txRwSet],
    ...(event ? [[2, message([1, 'consortia'], [2, txId], [3, event])] as Field] : []),
  );
  const transaction = message([
    1,
    message([2, message([2, message([1, message([2, chaincodeAction])])])]),
  ]);
  const channelHeader = message([1, 3], [5, txId]);
  return message([1, message([1, message([1, channelHeader])], [2, transaction])]);
}

function block(number: number, envelopes: Uint8Array[], flags: number[]): Uint8Array {
  return message(
    [1, message([1, number])],
    [2, message(...envelopes.map((entry): Field => [1, entry]))],
    [3, message([1, ''], [1, ''], [1, Uint8Array.from(flags)])],
  );
}

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);

describe('fault suite: reading the ledger', function () {
  it('decodes transactions, their validity, writes and events from block bytes', function () {
    const decoded = decodeBlock(
      block(
        7,
        [
          envelope(A, [['\u0000asset\u0000fz-x-1\u0000', '{}']], 'AssetCreated'),
          envelope(B, [['k', 'v']]),
        ],
        [0, 11],
      ),
    );
    assert.equal(decoded.number, 7);
    assert.deepEqual(
      decoded.transactions.map((tx) => [tx.txId, tx.valid, tx.eventName, tx.writes.length]),
      [
        [A, true, 'AssetCreated', 1],
        [B, false, '', 1],
      ],
    );
    assert.equal(decoded.transactions[0]?.writes[0]?.namespace, 'consortia');
  });

  it('counts a marker once per valid transaction, never for an invalidated one', function () {
    const index = new LedgerIndex({} as never, 'consortia');
    const credit = `\u0000credit\u0000${'c'.repeat(64)}\u0000`;
    const parsed = decodeBlock(
      block(
        3,
        [
          envelope(
            A,
            [
              ['\u0000asset\u0000fz-r-12\u0000', '{"id":"fz-r-12"}'],
              [credit, '1'],
            ],
            'E',
          ),
          envelope(B, [['\u0000asset\u0000fz-r-12\u0000', '{}']]),
          envelope('d'.repeat(64), [['\u0000asset\u0000fz-r-120\u0000', '{}']]),
        ],
        [0, 0, 11],
      ),
    );
    (index as unknown as { index(block: typeof parsed): void }).index(parsed);
    assert.deepEqual(index.landed('fz-r-12'), [A, B]);
    assert.deepEqual(index.landed('fz-r-120'), []);
    assert.deepEqual(index.landed('c'.repeat(64)), [A]);
    assert.deepEqual(index.events, [{ block: 3, txIndex: 0, txId: A }]);
  });
});

describe('fault suite: judging a request', function () {
  const ledger = {
    landed: (marker: string) => (marker === 'on' ? [A] : marker === 'twice' ? [A, B] : []),
  };
  const stackWith = (dapp: RecordedStatus, appApi: RecordedStatus = dapp) =>
    ({
      dapp: { status: async () => dapp },
      appApi: { status: async () => appApi },
      appApis: [{ status: async () => appApi }],
    }) as unknown as Stack;
  const request = (
    marker: string,
    accepted: boolean,
    via: 'dapp' | 'app-api' = 'dapp',
  ): LoadRequest => ({
    requestId: `r-${marker}`,
    marker,
    via,
    mode: 'sync',
    kind: 'asset',
    phase: 'p',
    user: 0,
    answers: [accepted ? 200 : 504],
    accepted,
    done: true,
  });
  const verdict = (stack: Stack, req: LoadRequest) => judge(stack, ledger as LedgerIndex, req);

  it('passes a committed request recorded committed with its transaction', async function () {
    const result = await verdict(stackWith({ status: 'committed', txId: A }), request('on', true));
    assert.deepEqual([result.lost, result.duplicated, result.wrongStatus], [false, false, false]);
  });

  it('flags an accepted request missing from the ledger as lost and its committed status as wrong', async function () {
    const result = await verdict(stackWith({ status: 'committed', txId: A }), request('off', true));
    assert.deepEqual([result.lost, result.wrongStatus], [true, true]);
  });

  it('flags a request recorded failed although it committed (a timeout taken for a failure)', async function () {
    const result = await verdict(stackWith({ status: 'failed' }), request('on', false));
    assert.equal(result.wrongStatus, true);
    assert.equal(result.lost, false);
  });

  it('flags a status still unknown after recovery, and a duplicate on the ledger', async function () {
    assert.equal(
      (await verdict(stackWith({ status: 'unknown' }), request('on', true))).wrongStatus,
      true,
    );
    assert.equal(
      (await verdict(stackWith({ status: 'committed', txId: A }), request('twice', true)))
        .duplicated,
      true,
    );
  });

  it('counts an accepted request given up on as lost, even with a truthful status', async function () {
    for (const reason of ['NOT_SUBMITTED', 'FABRIC_TIMEOUT', undefined]) {
      const status = { status: 'failed', ...(reason ? { reason } : {}) };
      const result = await verdict(stackWith(status), request('off', true));
      assert.deepEqual(
        [result.lost, result.wrongStatus, result.failedHonestly],
        [true, false, false],
      );
    }
  });

  it('counts an accepted request the ledger or the chaincode refused as failed, not lost', async function () {
    for (const reason of ['MVCC_READ_CONFLICT', 'INSUFFICIENT_FUNDS', 'OWNER_MISMATCH']) {
      const result = await verdict(stackWith({ status: 'failed', reason }), request('off', true));
      assert.deepEqual(
        [result.lost, result.wrongStatus, result.failedHonestly],
        [false, false, true],
      );
    }
  });

  it('holds a retried request the DAPP already knew to its status, without counting it accepted', async function () {
    const retried = { ...request('off', false), answers: [0, 409], heldAfterRetry: true };
    const failed = await verdict(stackWith({ status: 'failed' }), retried);
    assert.deepEqual([failed.lost, failed.wrongStatus], [false, false]);
    const stuck = await verdict(stackWith({ status: 'submitted' }), retried);
    assert.deepEqual([stuck.lost, stuck.wrongStatus], [false, true]);
    const forgotten = await verdict(stackWith({ status: 'missing' }), retried);
    assert.equal(forgotten.wrongStatus, true);
  });

  it('checks the app-api and the DAPP for a request sent through the app-api', async function () {
    const result = await verdict(
      stackWith({ status: 'committed', txId: A }, { status: 'http-500' }),
      request('on', true, 'app-api'),
    );
    assert.equal(result.wrongStatus, true);
  });
});

describe('fault suite: command line', function () {
  it('reads its options and refuses unknown faults', function () {
    const parsed = parseFaultArguments([
      '--consensus',
      'raft',
      '--only',
      'dapp,kafka',
      '--duration',
      '30',
    ]);
    assert.equal(parsed.consensus, 'etcdraft');
    assert.deepEqual(parsed.only, ['dapp', 'kafka']);
    assert.equal(parsed.durationSec, 30);
    assert.throws(() => parseFaultArguments(['--only', 'meteor']), /unknown fault meteor/);
    assert.throws(() => parseFaultArguments(['--consensus', 'pbft']), /kafka or raft/);
    assert.equal(parseFaultArguments(['--help']).help, true);
  });
});
