// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';

import { outcomeWithoutDapp } from '../../src/dapp/write-status';
import type { WriteRequest } from '../../src/store/write-requests';

const write = (status: WriteRequest['status'], sentAt: string): WriteRequest => ({
  requestId: 'r1',
  userId: '00000000-0000-0000-0000-000000000001',
  username: 'writer',
  action: 'asset.create',
  mode: 'sync',
  target: 'A1',
  correlationId: null,
  status,
  txId: null,
  blockNumber: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  sentAt,
  requestHash: null,
  dappCall: null,
});

describe('a write the DAPP has no record of', function () {
  const sent = '2026-01-01T00:10:00.000Z';
  const after = (ms: number) => Date.parse(sent) + ms;

  it('keeps its status while a call to the DAPP may still be in flight', function () {
    assert.equal(outcomeWithoutDapp(write('unknown', sent), 30_000, after(30_000)), 'unknown');
    assert.equal(outcomeWithoutDapp(write('submitted', sent), 30_000, after(60_000)), 'submitted');
  });

  it('is failed (never received) once twice the DAPP timeout passed since it was last sent', function () {
    assert.equal(outcomeWithoutDapp(write('unknown', sent), 30_000, after(60_001)), 'failed');
  });

  it('keeps its status when its call is kept, for the write settler to send again', function () {
    const kept: WriteRequest = {
      ...write('unknown', sent),
      dappCall: {
        function: 'AssetContract:CreateAsset',
        args: ['A1'],
        requestId: 'r1',
        mode: 'sync',
        identity: undefined,
      },
    };
    assert.equal(outcomeWithoutDapp(kept, 30_000, after(600_000)), 'unknown');
  });

  it('never changes a final status', function () {
    assert.equal(outcomeWithoutDapp(write('committed', sent), 30_000, after(600_000)), 'committed');
  });
});
