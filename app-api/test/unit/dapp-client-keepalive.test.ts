// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

import { DappClient, DappError } from '../../src/dapp/client';

/** How the stand-in DAPP drops a connection instead of answering: a FIN, or a TCP reset. */
type Drop = 'close' | 'reset';

interface Seen {
  method: string;
  path: string;
  /** The connection had served a request already (a pooled keep-alive connection). */
  reused: boolean;
  body: string;
}

interface Answer {
  status: number;
  body: unknown;
}

interface StandIn {
  url: string;
  seen: Seen[];
  connections: number;
  close(): Promise<void>;
}

/**
 * A DAPP stand-in on a real local HTTP server. `answer` may drop the connection instead, as a
 * Node server closing an idle keep-alive connection does just as the client reuses it.
 */
async function standIn(answer: (seen: Seen) => Answer | Drop): Promise<StandIn> {
  const served = new WeakMap<Socket, number>();
  const state: StandIn = { url: '', seen: [], connections: 0, close: () => Promise.resolve() };
  const server = http.createServer((request, response) => {
    const socket = request.socket;
    const count = served.get(socket) ?? 0;
    served.set(socket, count + 1);
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      const seen = {
        method: request.method ?? '',
        path: request.url ?? '',
        reused: count > 0,
        body,
      };
      state.seen.push(seen);
      const answered = answer(seen);
      if (answered === 'close') return void socket.destroy();
      if (answered === 'reset') return void socket.resetAndDestroy();
      response.writeHead(answered.status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(answered.body));
    });
  });
  server.on('connection', () => (state.connections += 1));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () =>
    new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return state;
}

const committed = (seen: Seen): Answer => ({
  status: 200,
  body: {
    requestId: (JSON.parse(seen.body) as { requestId: string }).requestId,
    status: 'committed',
    txId: 'tx1',
    validationCode: 'VALID',
    blockNumber: '7',
    result: null,
  },
});

/** Lets the connection of the call just answered go back to the pool, to be reused. */
const pooled = () => new Promise((resolve) => setTimeout(resolve, 20));

const write = (requestId: string) => ({
  function: 'AssetContract:CreateAsset',
  args: ['A1'],
  requestId,
  mode: 'sync' as const,
  identity: undefined,
});

describe('DappClient on a keep-alive connection the DAPP closes', function () {
  let dapp: StandIn;
  let client: DappClient;
  let outcomes: string[];
  const start = async (answer: (seen: Seen) => Answer | Drop) => {
    dapp = await standIn(answer);
    outcomes = [];
    client = new DappClient({
      url: dapp.url,
      apiKey: 'key',
      timeoutMs: 5_000,
      channel: 'consortium',
      chaincode: 'consortia',
      observe: (_operation, outcome) => outcomes.push(outcome),
    });
  };

  afterEach(async function () {
    await client.close();
    await dapp.close();
  });

  /** Drops the first request that arrives on a reused connection, answers the rest. */
  const dropFirstReused = (drop: Drop, answer: (seen: Seen) => Answer) => {
    let dropped = false;
    return (seen: Seen): Answer | Drop => {
      if (seen.reused && !dropped) {
        dropped = true;
        return drop;
      }
      return answer(seen);
    };
  };

  it('sends a read again once when the DAPP closes the reused connection (other side closed)', async function () {
    await start(
      dropFirstReused('close', () => ({
        status: 200,
        body: { requestId: 'r1', status: 'queued' },
      })),
    );
    assert.equal((await client.request('r1'))?.status, 'queued');
    await pooled();
    assert.equal((await client.request('r1'))?.status, 'queued');
    assert.deepEqual(
      dapp.seen.map((seen) => [seen.path, seen.reused]),
      [
        ['/v1/requests/r1', false],
        ['/v1/requests/r1', true],
        ['/v1/requests/r1', false],
      ],
    );
    assert.equal(dapp.connections, 2);
    // The lost attempt is counted apart (app_api_dapp_call_duration_seconds{outcome="resent"}).
    assert.deepEqual(outcomes, ['200', 'resent', '200']);
  });

  it('sends a write with its request id again once when the reused connection is reset (ECONNRESET)', async function () {
    await start(dropFirstReused('reset', committed));
    assert.equal((await client.submit(write('w1'))).status, 'committed');
    await pooled();
    const second = await client.submit(write('w2'));
    assert.deepEqual(second, {
      requestId: 'w2',
      status: 'committed',
      txId: 'tx1',
      validationCode: 'VALID',
      blockNumber: 7,
      result: null,
    });
    const ids = dapp.seen.map((seen) => (JSON.parse(seen.body) as { requestId: string }).requestId);
    assert.deepEqual(ids, ['w1', 'w2', 'w2']);
  });

  it('answers unknown when the DAPP already had the write it was sent again (409 DUPLICATE_REQUEST)', async function () {
    const known = new Set<string>();
    await start((seen) => {
      const { requestId } = JSON.parse(seen.body) as { requestId: string };
      if (known.has(requestId)) {
        return { status: 409, body: { error: { code: 'DUPLICATE_REQUEST', message: 'known' } } };
      }
      known.add(requestId);
      // The request reached the DAPP; only its answer is lost with the connection.
      return seen.reused ? 'reset' : committed(seen);
    });
    await client.submit(write('w1'));
    await pooled();
    assert.deepEqual(await client.submit(write('w2')), { requestId: 'w2', status: 'unknown' });
  });

  it('does not send again a call the DAPP does not de-duplicate (a revocation)', async function () {
    await start(dropFirstReused('close', () => ({ status: 200, body: { revoked: true } })));
    await client.userIdentity('alice', 'revoke');
    await pooled();
    await assert.rejects(
      client.userIdentity('bob', 'revoke'),
      (error: unknown) => error instanceof DappError && error.code === 'DAPP_UNAVAILABLE',
    );
    assert.deepEqual(
      dapp.seen.map((seen) => seen.path),
      ['/v1/user-identities/alice/revoke', '/v1/user-identities/bob/revoke'],
    );
  });

  it('sends a call again only once', async function () {
    await start((seen) =>
      seen.path === '/v1/requests/gone' ? 'reset' : { status: 200, body: { ok: true } },
    );
    assert.equal(await client.reachable(), true);
    await pooled();
    await assert.rejects(
      client.request('gone'),
      (error: unknown) => error instanceof DappError && error.code === 'DAPP_UNAVAILABLE',
    );
    assert.equal(dapp.seen.filter((seen) => seen.path === '/v1/requests/gone').length, 2);
  });
});
