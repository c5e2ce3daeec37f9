// SPDX-License-Identifier: Apache-2.0
import { Router } from 'express';
import type { Request, Response } from 'express';
import { z } from 'zod';

import type { Mirror } from '../mirror/mirror';
import {
  assetKey,
  blockKey,
  historyKey,
  stateKey,
  tokenKey,
  txIndexKey,
  txKey,
  writeKey,
} from '../mirror/mirror';
import { direction } from '../mirror/cursor';
import type { OperationsProxy } from '../peers/operations';
import type { ChannelSummary, NodeList, Overview, SearchResult } from './api-types';
import { ApiError } from './errors';

export interface ApiDependencies {
  mirror: Mirror;
  operations: OperationsProxy;
  mspId: string;
  defaultChannel: string;
}

// Fabric channel names: lower-case letters, digits, dots and dashes, starting with a letter.
const channelName = z.string().regex(/^[a-z][a-z0-9.-]{0,248}$/, 'not a channel name');
const blockNumber = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const txIndex = z.coerce.number().int().min(0).max(1_000_000);

const pageQuery = z.object({
  after: z.string().max(4096).optional(),
  before: z.string().max(4096).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
});

const text = (max: number) => z.string().min(1).max(max).optional();

function channelOf(request: Request): string {
  return channelName.parse(request.params.channel);
}

function notFound(what: string): never {
  throw new ApiError(404, 'NOT_FOUND', `${what} is not in the mirror`);
}

/** Answers that change with every block must not be cached by the browser or a proxy. */
function send(response: Response, body: unknown): void {
  response.setHeader('cache-control', 'no-store');
  response.json(body);
}

/** The read API over the mirror and the nodes' operations endpoints (all GET). */
export function apiRoutes(deps: ApiDependencies): Router {
  const { mirror, operations } = deps;
  const router = Router();

  router.get('/overview', async (_request, response) => {
    const [sync, nodes] = await Promise.all([mirror.syncStatus(), operations.statuses()]);
    const peerHeight = (channel: string) => {
      const heights = nodes
        .filter((node) => node.kind === 'peer')
        .map((node) => node.heights[channel])
        .filter((height): height is number => height !== undefined);
      return heights.length > 0 ? Math.max(...heights) : undefined;
    };
    const channels: ChannelSummary[] = await Promise.all(
      sync.map(async (row) => {
        const totals = await mirror.totals.get(row.channel, row.lastBlock);
        const height = row.lastBlock + 1;
        const peers = peerHeight(row.channel);
        return {
          channel: row.channel,
          height,
          lastHash: row.lastHash,
          lastBlockTime: row.lastBlockTime,
          mirroredAt: row.mirroredAt,
          transactions: { total: totals.total, valid: totals.valid, invalid: totals.invalid },
          outboxPending: row.outboxPending,
          ...(peers !== undefined
            ? { peerHeight: peers, lagBlocks: Math.max(0, peers - height) }
            : {}),
        };
      }),
    );
    if (!channels.some((summary) => summary.channel === deps.defaultChannel)) {
      // the configured channel is shown even before datasync mirrored its first block
      const peers = peerHeight(deps.defaultChannel);
      channels.unshift({
        channel: deps.defaultChannel,
        height: 0,
        lastHash: null,
        lastBlockTime: null,
        mirroredAt: null,
        transactions: { total: 0, valid: 0, invalid: 0 },
        outboxPending: 0,
        ...(peers !== undefined ? { peerHeight: peers, lagBlocks: peers } : {}),
      });
    }
    const overview: Overview = {
      mspId: deps.mspId,
      defaultChannel: deps.defaultChannel,
      channels,
    };
    send(response, overview);
  });

  router.get('/channels/:channel/activity', async (request, response) => {
    const { range } = z
      .object({ range: z.enum(['1h', '6h', '24h', '7d']).default('1h') })
      .parse(request.query);
    send(response, await mirror.activity(channelOf(request), range));
  });

  router.get('/channels/:channel/blocks', async (request, response) => {
    const query = pageQuery.parse(request.query);
    send(
      response,
      await mirror.blocks(channelOf(request), direction(query, blockKey), query.limit),
    );
  });

  router.get('/channels/:channel/blocks/:number', async (request, response) => {
    const channel = channelOf(request);
    const number = blockNumber.parse(request.params.number);
    send(response, (await mirror.block(channel, number)) ?? notFound(`block ${number}`));
  });

  router.get('/channels/:channel/blocks/:number/transactions', async (request, response) => {
    const query = pageQuery.parse(request.query);
    send(
      response,
      await mirror.blockTransactions(
        channelOf(request),
        blockNumber.parse(request.params.number),
        direction(query, txIndexKey),
        query.limit,
      ),
    );
  });

  router.get(
    '/channels/:channel/blocks/:number/transactions/:index/writes',
    async (request, response) => {
      const query = pageQuery.parse(request.query);
      send(
        response,
        await mirror.writes(
          channelOf(request),
          blockNumber.parse(request.params.number),
          txIndex.parse(request.params.index),
          direction(query, writeKey),
          query.limit,
        ),
      );
    },
  );

  router.get('/channels/:channel/transactions', async (request, response) => {
    const query = pageQuery
      .extend({ chaincode: text(256), valid: z.enum(['true', 'false']).optional() })
      .parse(request.query);
    send(
      response,
      await mirror.transactions(
        channelOf(request),
        {
          ...(query.chaincode !== undefined ? { chaincode: query.chaincode } : {}),
          ...(query.valid !== undefined ? { valid: query.valid === 'true' } : {}),
        },
        direction(query, txKey),
        query.limit,
      ),
    );
  });

  router.get('/channels/:channel/transactions/:txId', async (request, response) => {
    const txId = z.string().min(1).max(256).parse(request.params.txId);
    const query = z
      .object({ block: blockNumber.optional(), index: txIndex.optional() })
      .parse(request.query);
    const at =
      query.block !== undefined && query.index !== undefined
        ? { blockNumber: query.block, txIndex: query.index }
        : undefined;
    send(
      response,
      (await mirror.transaction(channelOf(request), txId, at)) ?? notFound(`transaction ${txId}`),
    );
  });

  router.get('/channels/:channel/chaincodes', async (request, response) => {
    send(response, await mirror.chaincodes(channelOf(request)));
  });

  router.get('/channels/:channel/state', async (request, response) => {
    send(response, { namespaces: await mirror.namespaces(channelOf(request)) });
  });

  router.get('/channels/:channel/state/:namespace', async (request, response) => {
    const query = pageQuery.extend({ type: text(256), q: text(512) }).parse(request.query);
    const namespace = z.string().min(1).max(256).parse(request.params.namespace);
    send(
      response,
      await mirror.state(
        channelOf(request),
        namespace,
        {
          ...(query.type !== undefined ? { objectType: query.type } : {}),
          ...(query.q !== undefined ? { search: query.q } : {}),
        },
        direction(query, stateKey),
        query.limit,
      ),
    );
  });

  router.get('/channels/:channel/state/:namespace/key', async (request, response) => {
    const query = pageQuery
      .extend({ key: z.string().min(1).max(8192), collection: z.string().max(256).default('') })
      .parse(request.query);
    const namespace = z.string().min(1).max(256).parse(request.params.namespace);
    const detail = await mirror.key(
      channelOf(request),
      namespace,
      query.collection,
      query.key,
      direction(query, historyKey),
      query.limit,
    );
    if (!detail.current && detail.history.items.length === 0) notFound('this key');
    send(response, detail);
  });

  router.get('/channels/:channel/assets', async (request, response) => {
    const query = pageQuery.extend({ owner: text(256), status: text(64) }).parse(request.query);
    send(
      response,
      await mirror.assets(
        channelOf(request),
        {
          ...(query.owner !== undefined ? { ownerMsp: query.owner } : {}),
          ...(query.status !== undefined ? { status: query.status } : {}),
        },
        direction(query, assetKey),
        query.limit,
      ),
    );
  });

  router.get('/channels/:channel/tokens', async (request, response) => {
    const query = pageQuery.parse(request.query);
    send(
      response,
      await mirror.tokenBalances(channelOf(request), direction(query, tokenKey), query.limit),
    );
  });

  router.get('/search', async (request, response) => {
    const query = z
      .object({ q: z.string().max(512).default(''), channel: channelName.optional() })
      .parse(request.query);
    const result: SearchResult = {
      query: query.q,
      hits: await mirror.search(query.q, query.channel),
    };
    send(response, result);
  });

  router.get('/nodes', async (_request, response) => {
    const list: NodeList = { nodes: await operations.statuses() };
    send(response, list);
  });

  router.get('/nodes/:kind/:index/:path', async (request, response) => {
    const params = z
      .object({
        kind: z.enum(['peer', 'orderer']),
        index: z.coerce.number().int().min(0),
        path: z.enum(['healthz', 'metrics']),
      })
      .parse(request.params);
    const endpoint =
      operations.find(params.kind, params.index) ?? notFound(`${params.kind} ${params.index}`);
    const answer = await operations.get(endpoint, `/${params.path}`);
    response.setHeader('cache-control', 'no-store');
    // the node's own content type is not trusted: its answer is shown as data, never as a page
    response
      .status(answer.status)
      .type(params.path === 'metrics' ? 'text/plain; charset=utf-8' : 'application/json')
      .send(answer.body);
  });

  router.use((request) => {
    throw new ApiError(
      404,
      'NOT_FOUND',
      `no route ${request.method} ${request.baseUrl}${request.path}`,
    );
  });
  return router;
}
