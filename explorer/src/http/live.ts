import type { RequestHandler, Response } from 'express';

import type { ExplorerMetrics } from '../metrics';
import type { LiveFeed } from '../mirror/live';

/**
 * `GET /api/live`: server-sent events, one `block` event per block datasync mirrors, so the
 * pages update without reloading. Comments every `heartbeatMs` keep proxies from closing an
 * idle stream; the browser's EventSource reconnects by itself after `retry` milliseconds.
 */
export class LiveStream {
  readonly #open = new Set<Response>();

  constructor(
    private readonly feed: LiveFeed,
    private readonly metrics: ExplorerMetrics,
    private readonly heartbeatMs = 15_000,
  ) {}

  handler(): RequestHandler {
    return (request, response) => {
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
      this.metrics.liveClients.set(this.#open.size);
      const unsubscribe = this.feed.subscribe((block) => {
        this.metrics.liveBlocks.inc();
        response.write(`event: block\ndata: ${JSON.stringify(block)}\n\n`);
      });
      const heartbeat = setInterval(() => response.write(': ping\n\n'), this.heartbeatMs);
      const close = () => {
        clearInterval(heartbeat);
        unsubscribe();
        this.#open.delete(response);
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
    this.metrics.liveClients.set(0);
  }
}
