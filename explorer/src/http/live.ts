// SPDX-License-Identifier: Apache-2.0
import type { RequestHandler, Response } from 'express';

import type { ExplorerMetrics } from '../metrics';
import type { LiveFeed } from '../mirror/live';
import { ApiError } from './errors';

/** How many streams may be open at once: in all, and from one client address. */
export interface LiveLimits {
  total: number;
  perClient: number;
}

/**
 * `GET /api/live`: server-sent events, one `block` event per block datasync mirrors, so the
 * pages update without reloading. Comments every `heartbeatMs` keep proxies from closing an
 * idle stream; the browser's EventSource reconnects by itself after `retry` milliseconds.
 * Each stream holds a socket and a timer for as long as the client likes, so their number is
 * capped: beyond the total the answer is 503, beyond one client's share 429 (both say when to
 * retry, which EventSource does by itself).
 */
export class LiveStream {
  readonly #open = new Set<Response>();
  readonly #perClient = new Map<string, number>();

  constructor(
    private readonly feed: LiveFeed,
    private readonly metrics: ExplorerMetrics,
    private readonly limits: LiveLimits = { total: 200, perClient: 4 },
    private readonly heartbeatMs = 15_000,
  ) {}

  get openCount(): number {
    return this.#open.size;
  }

  handler(): RequestHandler {
    return (request, response) => {
      const client = request.ip ?? 'unknown';
      const fromClient = this.#perClient.get(client) ?? 0;
      if (this.#open.size >= this.limits.total) {
        response.setHeader('retry-after', '30');
        throw new ApiError(503, 'TOO_MANY_STREAMS', 'too many live streams are open; retry later');
      }
      if (fromClient >= this.limits.perClient) {
        response.setHeader('retry-after', '30');
        throw new ApiError(
          429,
          'TOO_MANY_STREAMS',
          `at most ${this.limits.perClient} live streams per client; close one first`,
        );
      }
      response.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        // the stream holds its own connection, so ending it at shutdown also closes the socket
        connection: 'close',
        // nginx (the usual ingress) would otherwise buffer the stream
        'x-accel-buffering': 'no',
      });
      response.write('retry: 3000\n: connected\n\n');
      this.#open.add(response);
      this.#perClient.set(client, fromClient + 1);
      this.metrics.liveClients.set(this.#open.size);
      const unsubscribe = this.feed.subscribe((block) => {
        this.metrics.liveBlocks.inc();
        response.write(`event: block\ndata: ${JSON.stringify(block)}\n\n`);
      });
      const heartbeat = setInterval(() => response.write(': ping\n\n'), this.heartbeatMs);
      let closed = false;
      const close = () => {
        if (closed) return;
        closed = true;
        clearInterval(heartbeat);
        unsubscribe();
        this.#open.delete(response);
        const left = (this.#perClient.get(client) ?? 1) - 1;
        if (left > 0) this.#perClient.set(client, left);
        else this.#perClient.delete(client);
        this.metrics.liveClients.set(this.#open.size);
      };
      request.on('close', close);
      response.on('close', close);
    };
  }

  /** Ends every open stream, so the HTTP server can close. */
  closeAll(): void {
    for (const response of this.#open) response.end();
    this.#open.clear();
    this.#perClient.clear();
    this.metrics.liveClients.set(0);
  }
}
