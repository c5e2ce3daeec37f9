// SPDX-License-Identifier: Apache-2.0
// The explorer's backend against a real mirror: the real datasync service migrates an embedded
// Postgres and applies constructed blocks to it, and the explorer answers over real HTTP.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

import type {
  Activity,
  ApiErrorBody,
  Asset,
  BlockDetail,
  BlockSummary,
  ChaincodeList,
  KeyDetail,
  NamespaceList,
  NodeList,
  Overview,
  Page,
  SearchResult,
  SessionInfo,
  StatePage,
  TokenBalance,
  TransactionDetail,
  TransactionSummary,
} from '../../src/http/api-types';
import { DEFAULT_WEB_DIR } from '../../src/config';
import type { RunningService } from '../../src/service';
import { businessTxs, CHAINCODE, CHANNEL, TestChain, txIdOf } from '../support/chain';
import { explorerEnv, loginCookie, OPERATOR, startTestExplorer } from '../support/explorer';
import { freePort, tempDir } from '../support/infra';
import type { TestMirror } from '../support/mirror';
import { startMirror } from '../support/mirror';

const BLOCKS = 40;

/** What the constructed chain holds, worked out from the fixture rules rather than the mirror. */
function expectedCounts(height: number) {
  let total = 1; // block 1: the chaincode definition
  let invalid = 0;
  for (let number = 2; number < height; number++) {
    total += number % 4 === 0 ? 4 : 3;
    invalid += number % 4 === 0 ? 1 : 0;
  }
  return { total: total + 1, valid: total + 1 - invalid, invalid }; // + the config transaction
}

describe('explorer API over a real mirror (embedded Postgres filled by datasync)', function () {
  this.timeout(180_000);
  let dir: string;
  let mirror: TestMirror;
  let chain: TestChain;
  let running: RunningService;
  let base: string;
  let cookie: string;
  let nodeServer: http.Server;

  async function get<T>(route: string, withCookie = true): Promise<{ status: number; body: T }> {
    const response = await fetch(`${base}${route}`, {
      headers: withCookie ? { cookie } : {},
    });
    return { status: response.status, body: (await response.json()) as T };
  }

  async function ok<T>(route: string): Promise<T> {
    const answer = await get<T>(route);
    assert.equal(answer.status, 200, `${route}: ${JSON.stringify(answer.body)}`);
    return answer.body;
  }

  const api = (route: string) => `/api/channels/${CHANNEL}${route}`;

  before(async function () {
    dir = tempDir('api');
    chain = TestChain.standard(BLOCKS);
    mirror = await startMirror(dir, CHANNEL, chain.blocks);
    await mirror.mirrored(CHANNEL, BLOCKS - 1);
    // a node's operations endpoint, answering as a Fabric peer does
    nodeServer = http.createServer((request, response) => {
      if (request.url === '/healthz') {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ status: 'OK', time: new Date().toISOString() }));
      } else if (request.url === '/metrics') {
        response.writeHead(200, { 'content-type': 'text/plain' });
        response.end(
          [
            '# TYPE ledger_blockchain_height gauge',
            `ledger_blockchain_height{channel="${CHANNEL}"} ${BLOCKS + 2}`,
            'fabric_version{version="2.5.16"} 1',
            'endorser_proposals_received 42',
            '',
          ].join('\n'),
        );
      } else {
        response.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => nodeServer.listen(0, '127.0.0.1', resolve));
    const nodePort = (nodeServer.address() as AddressInfo).port;
    const closedPort = await freePort();
    const started = await startTestExplorer(
      await explorerEnv(mirror.database.connectionString, {
        PEER_OPERATIONS_URLS: `peer0.org1=http://127.0.0.1:${nodePort}`,
        ORDERER_OPERATIONS_URLS: `http://127.0.0.1:${closedPort}/`,
        EXPLORER_OPERATIONS_TIMEOUT_MS: '1000',
        EXPLORER_GRAFANA_URL: 'https://grafana.example/',
      }),
    );
    running = started.explorer;
    base = started.base;
    cookie = await loginCookie(base);
  });

  after(async function () {
    await running?.stop();
    await new Promise((resolve) => nodeServer?.close(resolve));
    await mirror?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  describe('login', function () {
    it('refuses the API without a session, naming what to do', async function () {
      const answer = await get<ApiErrorBody>('/api/overview', false);
      assert.equal(answer.status, 401);
      assert.equal(answer.body.error.code, 'UNAUTHENTICATED');
      const session = await get<SessionInfo>('/api/session', false);
      assert.equal(session.body.authenticated, false);
      assert.equal(session.body.demo, false);
      // Grafana's address is for those who may read the pages that link to it
      assert.equal(session.body.grafanaUrl, undefined);
    });

    it('refuses a wrong password and accepts the operator credential', async function () {
      const wrong = await fetch(`${base}/api/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ user: OPERATOR.user, password: 'not the password' }),
      });
      assert.equal(wrong.status, 401);
      assert.equal(wrong.headers.get('set-cookie'), null);
      const session = await get<SessionInfo>('/api/session');
      assert.deepEqual(
        { authenticated: session.body.authenticated, user: session.body.user },
        { authenticated: true, user: OPERATOR.user },
      );
      assert.equal(session.body.grafanaUrl, 'https://grafana.example');
      assert.match(
        (await fetch(`${base}/api/session`, { method: 'POST', body: '{' })).status.toString(),
        /^4/,
      );
    });

    it('ends the session on logout', async function () {
      const own = await loginCookie(base);
      const out = await fetch(`${base}/api/session`, {
        method: 'DELETE',
        headers: { cookie: own },
      });
      assert.match(out.headers.get('set-cookie') ?? '', /Max-Age=0/);
    });
  });

  describe('reading the mirror', function () {
    it('overview: height, transaction counts and the peers’ lag', async function () {
      const overview = await ok<Overview>('/api/overview');
      const summary = overview.channels.find((item) => item.channel === CHANNEL);
      assert.ok(summary);
      assert.equal(summary.height, BLOCKS);
      assert.deepEqual(summary.transactions, expectedCounts(BLOCKS));
      assert.equal(summary.peerHeight, BLOCKS + 2);
      assert.equal(summary.lagBlocks, 2);
    });

    it('blocks: keyset pages newest first cover every block once, both ways', async function () {
      const seen: number[] = [];
      let page = await ok<Page<BlockSummary>>(api('/blocks?limit=7'));
      assert.equal(page.prev, undefined);
      const firstPage = page;
      const pages: Page<BlockSummary>[] = [page];
      for (;;) {
        seen.push(...page.items.map((block) => block.number));
        if (!page.next) break;
        page = await ok<Page<BlockSummary>>(api(`/blocks?limit=7&after=${page.next}`));
        pages.push(page);
      }
      assert.deepEqual(
        seen,
        Array.from({ length: BLOCKS }, (_, index) => BLOCKS - 1 - index),
      );
      const back = await ok<Page<BlockSummary>>(api(`/blocks?limit=7&before=${pages[1]!.prev}`));
      assert.deepEqual(back.items, firstPage.items);
      assert.equal(back.prev, undefined);
    });

    it('block detail: hashes linked along the chain, transactions paged', async function () {
      const detail = await ok<BlockDetail>(api('/blocks/8'));
      const previous = await ok<BlockDetail>(api('/blocks/7'));
      assert.equal(detail.block.previousHash, previous.block.hash);
      assert.equal(detail.block.dataHashValid, true);
      assert.equal(detail.block.txCount, 4);
      assert.equal(detail.block.validCount, 3);
      assert.equal(detail.lastBlock, BLOCKS - 1);
      const txs = await ok<Page<TransactionSummary>>(api('/blocks/8/transactions?limit=3'));
      assert.deepEqual(
        txs.items.map((tx) => tx.txIndex),
        [0, 1, 2],
      );
      assert.ok(txs.next);
      const rest = await ok<Page<TransactionSummary>>(
        api(`/blocks/8/transactions?limit=3&after=${txs.next}`),
      );
      assert.deepEqual(
        rest.items.map((tx) => [tx.txIndex, tx.valid, tx.validationName]),
        [[3, false, 'MVCC_READ_CONFLICT']],
      );
      const missing = await get<ApiErrorBody>(api('/blocks/100000'));
      assert.equal(missing.status, 404);
    });

    it('transactions: filtered by validity and chaincode, newest first', async function () {
      const invalid = await ok<Page<TransactionSummary>>(
        api('/transactions?valid=false&limit=100'),
      );
      assert.equal(invalid.items.length, expectedCounts(BLOCKS).invalid);
      assert.ok(invalid.items.every((tx) => !tx.valid && tx.function === 'TokenContract:Transfer'));
      const lifecycle = await ok<Page<TransactionSummary>>(
        api('/transactions?chaincode=_lifecycle'),
      );
      assert.deepEqual(
        lifecycle.items.map((tx) => tx.blockNumber),
        [1],
      );
      const newest = await ok<Page<TransactionSummary>>(api('/transactions?limit=2'));
      assert.equal(newest.items[0]!.blockNumber, BLOCKS - 1);
    });

    it('transaction detail: creator, function, validation, writes and events', async function () {
      const txId = txIdOf('asset 5 1');
      const detail = await ok<TransactionDetail>(api(`/transactions/${txId}`));
      assert.equal(detail.transaction.blockNumber, 5);
      assert.equal(detail.transaction.creatorMsp, 'Org2MSP');
      assert.equal(detail.transaction.chaincode, CHAINCODE);
      assert.equal(detail.transaction.function, 'AssetContract:CreateAsset');
      assert.equal(detail.transaction.validationName, 'VALID');
      assert.equal(detail.writes.items.length, 1);
      assert.deepEqual(detail.writes.items[0]!.key.attributes, ['A5-1']);
      assert.equal((detail.writes.items[0]!.value!.json as { id: string }).id, 'A5-1');
      assert.deepEqual(
        detail.events.map((event) => [event.name, event.payload.json]),
        [['AssetCreated', { id: 'A5-1', owner: 'Org2MSP' }]],
      );
      const invalid = await ok<TransactionDetail>(api(`/transactions/${txIdOf('invalid 8')}`));
      assert.equal(invalid.transaction.valid, false);
      assert.deepEqual(invalid.events, []);
    });

    it('chaincodes: versions and sequences from _lifecycle, with their traffic', async function () {
      const list = await ok<ChaincodeList>(api('/chaincodes'));
      assert.equal(list.lifecycleMirrored, true);
      const consortia = list.items.find((item) => item.name === CHAINCODE);
      assert.ok(consortia);
      assert.equal(consortia.version, '1.0.0');
      assert.equal(consortia.sequence, 1);
      assert.equal(consortia.source, 'lifecycle');
      assert.equal(consortia.definedIn?.blockNumber, 1);
      const counts = expectedCounts(BLOCKS);
      assert.equal(consortia.transactions.total, counts.total - 2);
      assert.equal(consortia.transactions.invalid, counts.invalid);
      assert.ok(list.items.some((item) => item.name === '_lifecycle'));
    });

    it('world state: namespaces, object types, key search and paging', async function () {
      const namespaces = await ok<NamespaceList>(api('/state'));
      assert.deepEqual(namespaces.namespaces, ['_lifecycle', CHAINCODE]);
      const assets = await ok<StatePage>(api(`/state/${CHAINCODE}?type=asset&limit=10`));
      assert.deepEqual(assets.objectTypes, ['asset', 'credit']);
      assert.equal(assets.items.length, 10);
      const all: string[] = assets.items.map((entry) => entry.key.attributes![0]!);
      let next = assets.next;
      while (next) {
        const page: StatePage = await ok<StatePage>(
          api(`/state/${CHAINCODE}?type=asset&limit=10&after=${next}`),
        );
        all.push(...page.items.map((entry) => entry.key.attributes![0]!));
        next = page.next;
      }
      assert.equal(all.length, (BLOCKS - 2) * 2);
      assert.equal(new Set(all).size, all.length);
      const found = await ok<StatePage>(api(`/state/${CHAINCODE}?q=a17-`));
      assert.deepEqual(
        found.items.map((entry) => entry.key.attributes![0]),
        ['A17-0', 'A17-1'],
      );
      // a LIKE wildcard typed into the search is taken literally
      assert.deepEqual((await ok<StatePage>(api(`/state/${CHAINCODE}?q=%25`))).items, []);
    });

    it('key detail: the current value and its history', async function () {
      const raw = encodeURIComponent('\\0asset\\0A9-0\\0');
      const detail = await ok<KeyDetail>(api(`/state/${CHAINCODE}/key?key=${raw}`));
      assert.equal((detail.current?.value.json as { id: string }).id, 'A9-0');
      assert.deepEqual(
        detail.history.items.map((entry) => [entry.blockNumber, entry.valid]),
        [[9, true]],
      );
      const missing = await get<ApiErrorBody>(api(`/state/${CHAINCODE}/key?key=nothing`));
      assert.equal(missing.status, 404);
    });

    it('assets and token balances from the mirror’s views', async function () {
      const org2 = await ok<Page<Asset>>(api('/assets?owner=Org2MSP&limit=100'));
      assert.equal(org2.items.length, BLOCKS - 2);
      assert.ok(
        org2.items.every((asset) => asset.ownerMsp === 'Org2MSP' && asset.type === 'container'),
      );
      const tokens = await ok<Page<TokenBalance>>(api('/tokens'));
      const total = tokens.items.reduce((sum, row) => sum + BigInt(row.balance), 0n);
      assert.equal(total, BigInt((BLOCKS - 2) * 700));
      assert.deepEqual(
        tokens.items.map((row) => row.account),
        ['acct0', 'acct1', 'acct2'],
      );
    });

    it('search: a block number, a transaction id, a key part', async function () {
      const block = await ok<SearchResult>(`/api/search?q=12&channel=${CHANNEL}`);
      assert.deepEqual(
        block.hits.map((hit) => hit.kind),
        ['block'],
      );
      const txId = txIdOf('credit 12');
      const tx = await ok<SearchResult>(`/api/search?q=${txId.toUpperCase()}`);
      assert.deepEqual(
        tx.hits.map((hit) => (hit.kind === 'transaction' ? [hit.txId, hit.blockNumber] : hit.kind)),
        [[txId, 12]],
      );
      const key = await ok<SearchResult>('/api/search?q=A12-1');
      assert.deepEqual(
        key.hits.map((hit) => (hit.kind === 'key' ? hit.key.attributes : hit.kind)),
        [['A12-1']],
      );
      assert.deepEqual((await ok<SearchResult>('/api/search?q=nothing-like-this')).hits, []);
    });

    it('activity: throughput buckets and counts by chaincode and organization', async function () {
      const activity = await ok<Activity>(api('/activity?range=1h'));
      const counted = activity.points.reduce((sum, point) => sum + point.valid + point.invalid, 0);
      // the config block is stamped at the builders' fixed date, outside the window
      assert.equal(counted, expectedCounts(BLOCKS).total - 1);
      assert.equal(activity.points.length, 60);
      const byOrg = Object.fromEntries(activity.byOrg.map((row) => [row.mspId, row.valid]));
      assert.equal(byOrg.Org2MSP, BLOCKS - 2);
      assert.equal(activity.byChaincode[0]!.chaincode, CHAINCODE);
      const bad = await get<ApiErrorBody>(api('/activity?range=2y'));
      assert.equal(bad.status, 400);
    });
  });

  describe('bad input', function () {
    it('names the problem: channel, cursor, limit, route', async function () {
      const channel = await get<ApiErrorBody>('/api/channels/Not_A_Channel/blocks');
      assert.equal(channel.status, 400);
      assert.match(channel.body.error.message, /channel/);
      const cursor = await get<ApiErrorBody>(api('/blocks?after=garbage'));
      assert.equal(cursor.status, 400);
      assert.equal(cursor.body.error.code, 'INVALID_CURSOR');
      const limit = await get<ApiErrorBody>(api('/blocks?limit=5000'));
      assert.equal(limit.status, 400);
      assert.match(limit.body.error.message, /limit/);
      const route = await get<ApiErrorBody>('/api/nothing-here');
      assert.equal(route.status, 404);
    });
  });

  describe('nodes', function () {
    it('proxies /healthz and /metrics and reports an unreachable node', async function () {
      const list = await ok<NodeList>('/api/nodes');
      const [peer, orderer] = list.nodes;
      assert.equal(peer?.health, 'up');
      assert.equal(peer?.name, 'peer0.org1');
      assert.equal(orderer?.name, 'orderer 0');
      assert.equal(peer?.version, '2.5.16');
      assert.equal(peer?.heights[CHANNEL], BLOCKS + 2);
      assert.deepEqual(peer?.highlights, [{ label: 'proposals received', value: '42' }]);
      assert.equal(orderer?.health, 'unreachable');
      const metrics = await fetch(`${base}/api/nodes/peer/0/metrics`, { headers: { cookie } });
      assert.equal(metrics.status, 200);
      assert.match(await metrics.text(), /ledger_blockchain_height/);
      const down = await fetch(`${base}/api/nodes/orderer/0/healthz`, { headers: { cookie } });
      assert.equal(down.status, 502);
      const none = await fetch(`${base}/api/nodes/peer/7/healthz`, { headers: { cookie } });
      assert.equal(none.status, 404);
    });
  });

  describe('live updates', function () {
    it('announces a newly mirrored block on the event stream', async function () {
      const controller = new AbortController();
      const response = await fetch(`${base}/api/live`, {
        headers: { cookie, accept: 'text/event-stream' },
        signal: controller.signal,
      });
      assert.equal(response.status, 200);
      assert.match(response.headers.get('content-type') ?? '', /text\/event-stream/);
      const reader = response.body!.getReader();
      const decoder = new TextDecoder();
      let text = '';
      // the stream is open once its first comment arrives; only then is the block added
      while (!text.includes(': connected'))
        text += decoder.decode((await reader.read()).value as Uint8Array | undefined);
      const number = chain.height;
      mirror.source.append(chain.add(businessTxs(number, new Date())));
      const deadline = Date.now() + 30_000;
      while (!text.includes('event: block') && Date.now() < deadline) {
        text += decoder.decode((await reader.read()).value as Uint8Array | undefined);
      }
      controller.abort();
      const data = /event: block\ndata: (.*)\n/.exec(text)?.[1];
      assert.ok(data, `no block event in ${JSON.stringify(text)}`);
      const block = JSON.parse(data) as { number: number; txCount: number; channel: string };
      assert.deepEqual(
        [block.channel, block.number, block.txCount],
        [CHANNEL, number, number % 4 === 0 ? 4 : 3],
      );
      const unauthenticated = await fetch(`${base}/api/live`);
      assert.equal(unauthenticated.status, 401);
    });
  });

  describe('serving', function () {
    it('operations endpoints answer without login', async function () {
      assert.equal((await fetch(`${base}/healthz`)).status, 200);
      assert.equal((await fetch(`${base}/readyz`)).status, 200);
      const metrics = await (await fetch(`${base}/metrics`)).text();
      assert.match(metrics, /explorer_http_requests_total/);
      assert.match(metrics, /explorer_logins_total\{outcome="refused"\}/);
    });

    it('serves the front end for every deep link, and 404 for a missing asset', async function () {
      if (!fs.existsSync(path.join(DEFAULT_WEB_DIR, 'index.html'))) {
        process.stderr.write(
          '      the front end is not built (npm run build:web -w explorer): skipped\n',
        );
        this.skip();
      }
      for (const route of [
        '/',
        `/channels/${CHANNEL}/blocks/3`,
        `/channels/${CHANNEL}/transactions/abc`,
      ]) {
        const response = await fetch(`${base}${route}`, { headers: { accept: 'text/html' } });
        assert.equal(response.status, 200, route);
        assert.match(await response.text(), /<div id="root">/);
        assert.match(response.headers.get('content-security-policy') ?? '', /default-src 'self'/);
      }
      assert.equal((await fetch(`${base}/assets/missing.js`)).status, 404);
    });
  });

  describe('modes and states', function () {
    it('demo mode reads without login and says so', async function () {
      const demo = await startTestExplorer({
        HOST: '127.0.0.1',
        PORT: '0',
        LOG_LEVEL: 'silent',
        DATABASE_URL: mirror.database.connectionString,
        EXPLORER_DEMO_MODE: 'true',
      });
      try {
        const overview = await fetch(`${demo.base}/api/overview`);
        assert.equal(overview.status, 200);
        const session = (await (await fetch(`${demo.base}/api/session`)).json()) as SessionInfo;
        assert.deepEqual([session.authenticated, session.demo], [true, true]);
      } finally {
        await demo.explorer.stop();
      }
    });

    it('says the mirror is not ready when datasync has not created it', async function () {
      await mirror.pool.query('CREATE DATABASE empty_mirror');
      const url = mirror.database.connectionString.replace(/\/datasync$/, '/empty_mirror');
      const empty = await startTestExplorer(await explorerEnv(url));
      try {
        const own = await loginCookie(empty.base);
        const answer = await fetch(`${empty.base}/api/overview`, { headers: { cookie: own } });
        assert.equal(answer.status, 503);
        const body = (await answer.json()) as ApiErrorBody;
        assert.equal(body.error.code, 'MIRROR_NOT_READY');
        assert.equal((await fetch(`${empty.base}/readyz`)).status, 503);
      } finally {
        await empty.explorer.stop();
      }
    });
  });

  describe('abuse limits', function () {
    const guess = (at: string, forwardedFor?: string) =>
      fetch(`${at}/api/session`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}),
        },
        body: JSON.stringify({ user: OPERATOR.user, password: 'a wrong guess' }),
      }).then((answer) => answer.status);

    it('throttles guesses by the connecting address, whatever X-Forwarded-For says', async function () {
      const own = await startTestExplorer(await explorerEnv(mirror.database.connectionString));
      try {
        const statuses: number[] = [];
        for (let attempt = 0; attempt < 12; attempt++) {
          statuses.push(await guess(own.base, `203.0.113.${attempt}`));
        }
        assert.deepEqual(statuses.slice(0, 10), Array(10).fill(401));
        assert.deepEqual(statuses.slice(10), [429, 429], statuses.join(','));
      } finally {
        await own.explorer.stop();
      }
    });

    it('believes X-Forwarded-For from a configured proxy only', async function () {
      const own = await startTestExplorer(
        await explorerEnv(mirror.database.connectionString, {
          EXPLORER_TRUSTED_PROXIES: '127.0.0.1',
        }),
      );
      try {
        // through the proxy, each client has its own count
        for (let attempt = 0; attempt < 10; attempt++) {
          assert.equal(await guess(own.base, '203.0.113.7'), 401);
        }
        assert.equal(await guess(own.base, '203.0.113.7'), 429);
        assert.equal(await guess(own.base, '203.0.113.8'), 401);
      } finally {
        await own.explorer.stop();
      }
    });

    it('caps live streams in all (503) and per client (429)', async function () {
      const own = await startTestExplorer(
        await explorerEnv(mirror.database.connectionString, {
          EXPLORER_LIVE_MAX_CLIENTS: '3',
          EXPLORER_LIVE_MAX_PER_CLIENT: '2',
          EXPLORER_TRUSTED_PROXIES: '127.0.0.1',
        }),
      );
      const controller = new AbortController();
      try {
        const ownCookie = await loginCookie(own.base);
        const open = (client: string) =>
          fetch(`${own.base}/api/live`, {
            headers: { cookie: ownCookie, 'x-forwarded-for': client },
            signal: controller.signal,
          });
        const first = [await open('198.51.100.1'), await open('198.51.100.1')];
        assert.deepEqual(
          first.map((answer) => answer.status),
          [200, 200],
        );
        const third = await open('198.51.100.1');
        assert.equal(third.status, 429);
        assert.ok(Number(third.headers.get('retry-after')) > 0);
        assert.equal((await open('198.51.100.2')).status, 200);
        const full = await open('198.51.100.3');
        assert.equal(full.status, 503);
        assert.equal(((await full.json()) as ApiErrorBody).error.code, 'TOO_MANY_STREAMS');
        // a closed stream frees its place
        controller.abort();
        const again = new AbortController();
        const deadline = Date.now() + 10_000;
        let status = 0;
        while (Date.now() < deadline) {
          const answer = await fetch(`${own.base}/api/live`, {
            headers: { cookie: ownCookie, 'x-forwarded-for': '198.51.100.3' },
            signal: again.signal,
          });
          status = answer.status;
          if (status === 200) break;
          await answer.body?.cancel();
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        again.abort();
        assert.equal(status, 200);
      } finally {
        controller.abort();
        await own.explorer.stop();
      }
    });
  });
});
