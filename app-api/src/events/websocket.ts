// SPDX-License-Identifier: Apache-2.0
import type http from 'node:http';
import type { Duplex } from 'node:stream';

import type { Logger } from '@consortia/common';
import type { WebSocket } from 'ws';
import { WebSocketServer } from 'ws';

import type { Principal } from '../auth/permissions';
import { mayManage } from './access';
import type { EventMetrics } from './metrics';
import type { Batch, Subscription } from './model';
import type { ServerMessage } from './protocol';
import { batchId, parseClientMessage, STREAM_PATH } from './protocol';
import { Redeliveries } from './redelivery';
import type { EventSource } from './source';
import { OwnerDisabledError } from './source';
import type { SubscriptionStore } from './store';

export interface StreamOptions {
  /** Interval of server pings; a connection that missed one pong is closed. */
  pingMs: number;
  /** How long a batch may wait for its acknowledgement before the subscription is paused. */
  ackTimeoutMs: number;
  /** How long a new connection may take to send its start message. */
  startTimeoutMs: number;
}

/** Close codes the server uses (4000-4999 are the application's). */
export const CLOSE = {
  badRequest: 4400,
  unauthenticated: 4401,
  forbidden: 4403,
  notFound: 4404,
  replaced: 4409,
  restart: 1012,
} as const;

export type Authenticate = (token: string) => Promise<Principal>;

const BEARER = /^Bearer\s+(\S+)$/i;

/** Why a subscription is paused when its client stops acknowledging. */
export const ACK_TIMEOUT = 'ACK_TIMEOUT';

/** One client connection streaming one subscription. */
class Stream {
  #pending?: { id: string; batch: Batch };
  #wake?: () => void;
  #closed = false;
  #pausedTold = false;

  constructor(
    readonly socket: WebSocket,
    readonly subscription: Subscription,
    private readonly server: StreamServer,
  ) {}

  get closed(): boolean {
    return this.#closed || this.socket.readyState !== this.socket.OPEN;
  }

  close(code: number, reason: string): void {
    this.#closed = true;
    this.#wake?.();
    this.socket.close(code, reason);
  }

  markClosed(): void {
    this.#closed = true;
    this.#wake?.();
  }

  /** An acknowledgement: moves the checkpoint past the batch it names (if it is the pending one). */
  async ack(id: string): Promise<void> {
    const pending = this.#pending;
    if (pending?.id !== id) return;
    this.#pending = undefined;
    const { store, metrics } = this.server;
    const advanced = await store.advance(
      this.subscription.id,
      pending.batch.after,
      pending.batch.through,
      pending.batch.events.length,
    );
    if (advanced) {
      metrics?.acknowledged('websocket', pending.batch.events);
      this.server.redeliveries.settled(this.subscription.id);
    }
    // A late acknowledgement ends a pause the missing one caused. The pause is written only
    // while the checkpoint is still before the batch, so it lands before the advance above or
    // not at all, and this, after the advance, sees it.
    await store.resumePaused(this.subscription.id, ACK_TIMEOUT);
    this.#wake?.();
  }

  async resume(): Promise<void> {
    const current = await this.server.store.get(this.subscription.id);
    if (current && current.state !== 'active') {
      await this.server.store.setState(current.id, 'active', null);
    }
    this.#pending = undefined;
    this.#wake?.();
  }

  send(message: ServerMessage): void {
    if (!this.closed) this.socket.send(JSON.stringify(message));
  }

  /** Resolves on an acknowledgement, a resume, a close, or after `ms`. */
  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const wake = () => {
        clearTimeout(timer);
        resolve();
      };
      this.#wake = wake;
      function done() {
        resolve();
      }
    });
  }

  /** Sends batches one at a time, each after the previous one was acknowledged. */
  async run(): Promise<void> {
    const { store, source, options } = this.server;
    while (!this.closed) {
      const subscription = await store.get(this.subscription.id);
      if (!subscription) {
        this.server.redeliveries.settled(this.subscription.id);
        this.send({ type: 'error', code: 'NOT_FOUND', message: 'the subscription was deleted' });
        this.close(CLOSE.notFound, 'subscription deleted');
        return;
      }
      if (subscription.state !== 'active') {
        if (!this.#pausedTold) {
          this.send({
            type: 'paused',
            subscriptionId: subscription.id,
            reason: subscription.stateReason ?? subscription.state,
          });
          this.#pausedTold = true;
        }
        await this.#sleep(1_000);
        continue;
      }
      this.#pausedTold = false;
      let batch: Batch | undefined;
      try {
        batch = await source.nextBatch(
          subscription,
          subscription.checkpoint,
          await store.ownerAccess(subscription.ownerUserId),
          5_000,
          () => this.closed,
        );
      } catch (error) {
        if (!(error instanceof OwnerDisabledError)) throw error;
        await store.setState(subscription.id, 'paused', 'OWNER_DISABLED');
        this.server.metrics?.paused.inc({ reason: 'OWNER_DISABLED' });
        continue;
      }
      if (!batch || this.closed) continue;
      if (batch.events.length === 0) {
        await store.advance(subscription.id, batch.after, batch.through, 0);
        continue;
      }
      const id = batchId(batch);
      this.#pending = { id, batch };
      const times = this.server.redeliveries.sent(subscription.id, id);
      this.send({
        type: 'batch',
        subscriptionId: subscription.id,
        batchId: id,
        events: batch.events,
      });
      await this.#sleep(options.ackTimeoutMs);
      if (this.#pending?.id === id && !this.closed) {
        // A client that stops acknowledging is paused, not dropped: it keeps its connection
        // and its checkpoint, and a late acknowledgement, a resume or a new connection
        // continues the stream.
        const error = `batch ${id} (${batch.events.length} events, sent ${times} time${times > 1 ? 's' : ''}) was not acknowledged within ${options.ackTimeoutMs} ms`;
        this.server.metrics?.batchesFailed.inc({ transport: 'websocket' });
        if (await store.pauseUnacknowledged(subscription.id, batch.after, ACK_TIMEOUT, error))
          this.server.metrics?.paused.inc({ reason: ACK_TIMEOUT });
      }
    }
  }
}

/**
 * Event streams over WebSocket at {@link STREAM_PATH}. A client connects (with its access token
 * in the Authorization header, or in the start message), names its subscription, and receives
 * its events in batches that it acknowledges; the checkpoint moves only on acknowledgement, so
 * whatever was unacknowledged is delivered again on the next connection.
 */
export class StreamServer {
  readonly #wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  readonly #streams = new Map<string, Stream>();
  readonly #runs = new Set<Promise<void>>();
  #pinger?: NodeJS.Timeout;
  readonly #alive = new WeakMap<WebSocket, boolean>();
  readonly redeliveries: Redeliveries;

  constructor(
    readonly store: SubscriptionStore,
    readonly source: EventSource,
    private readonly authenticate: Authenticate,
    private readonly logger: Logger,
    readonly options: StreamOptions,
    readonly metrics?: EventMetrics,
  ) {
    this.redeliveries = new Redeliveries(metrics);
  }

  get connections(): number {
    return this.#wss.clients.size;
  }

  /** Takes over upgrade requests to the stream path on `server`; others are refused. */
  attach(server: http.Server): void {
    server.on('upgrade', (request: http.IncomingMessage, socket: Duplex, head: Buffer) => {
      const path = new URL(request.url ?? '/', 'http://localhost').pathname;
      if (path !== STREAM_PATH) {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
        return;
      }
      this.#wss.handleUpgrade(request, socket, head, (ws) => this.#accept(ws, request));
    });
    this.#pinger = setInterval(() => this.#ping(), this.options.pingMs);
  }

  #ping(): void {
    for (const ws of this.#wss.clients) {
      if (this.#alive.get(ws) === false) {
        ws.terminate();
        continue;
      }
      this.#alive.set(ws, false);
      ws.ping();
    }
  }

  #accept(ws: WebSocket, request: http.IncomingMessage): void {
    this.#alive.set(ws, true);
    ws.on('pong', () => this.#alive.set(ws, true));
    const headerToken = BEARER.exec(request.headers.authorization ?? '')?.[1];
    let stream: Stream | undefined;
    const fail = (code: number, errorCode: string, message: string) => {
      ws.send(JSON.stringify({ type: 'error', code: errorCode, message } satisfies ServerMessage));
      ws.close(code, errorCode);
    };
    const startTimer = setTimeout(
      () => fail(CLOSE.badRequest, 'NO_START', 'send {"type":"start","subscriptionId":…} first'),
      this.options.startTimeoutMs,
    );
    ws.on('close', () => {
      clearTimeout(startTimer);
      stream?.markClosed();
      if (stream && this.#streams.get(stream.subscription.id) === stream)
        this.#streams.delete(stream.subscription.id);
    });
    ws.on('error', (error) => this.logger.debug({ err: error }, 'event stream socket error'));
    ws.on('message', (data, isBinary) => {
      // eslint-disable-next-line @typescript-eslint/no-base-to-string -- text frames arrive as one Buffer
      const message = isBinary ? undefined : parseClientMessage(data.toString());
      if (!message) {
        fail(CLOSE.badRequest, 'BAD_MESSAGE', 'expected a JSON start, ack or resume message');
        return;
      }
      if (message.type === 'start') {
        if (stream) return;
        clearTimeout(startTimer);
        void this.#start(ws, message.subscriptionId, message.token ?? headerToken)
          .then((started) => {
            stream = started;
            if (!started) return;
            const run = this.#run(started).finally(() => this.#runs.delete(run));
            this.#runs.add(run);
          })
          .catch((error: unknown) => {
            const code = (error as { code?: string }).code ?? 'UNAUTHENTICATED';
            fail(CLOSE.unauthenticated, code, (error as Error).message);
          });
        return;
      }
      if (!stream) return;
      const work = message.type === 'ack' ? stream.ack(message.batchId) : stream.resume();
      work.catch((error: unknown) =>
        this.logger.warn({ err: error }, 'event stream acknowledgement failed'),
      );
    });
  }

  async #start(
    ws: WebSocket,
    subscriptionId: string,
    token: string | undefined,
  ): Promise<Stream | undefined> {
    const fail = (code: number, errorCode: string, message: string) => {
      ws.send(JSON.stringify({ type: 'error', code: errorCode, message } satisfies ServerMessage));
      ws.close(code, errorCode);
      return undefined;
    };
    if (!token) {
      fail(CLOSE.unauthenticated, 'UNAUTHENTICATED', 'no access token');
      return undefined;
    }
    const principal = await this.authenticate(token);
    if (!principal.permissions.has('events:read')) {
      fail(CLOSE.forbidden, 'FORBIDDEN', "event streams need the permission 'events:read'");
      return undefined;
    }
    const subscription = /^[0-9a-f-]{36}$/.test(subscriptionId)
      ? await this.store.get(subscriptionId)
      : undefined;
    if (!subscription || !mayManage(principal, subscription)) {
      fail(CLOSE.notFound, 'NOT_FOUND', 'no such subscription');
      return undefined;
    }
    if (subscription.delivery !== 'websocket') {
      fail(CLOSE.badRequest, 'NOT_WEBSOCKET', 'the subscription is delivered by webhook');
      return undefined;
    }
    if (ws.readyState !== ws.OPEN) return undefined;
    this.#streams.get(subscription.id)?.close(CLOSE.replaced, 'a newer connection took over');
    const stream = new Stream(ws, subscription, this);
    this.#streams.set(subscription.id, stream);
    // A pause for a missing acknowledgement was the previous connection's: a new one resumes,
    // and gets the unacknowledged batch again.
    await this.store.resumePaused(subscription.id, ACK_TIMEOUT);
    if (ws.readyState !== ws.OPEN) {
      if (this.#streams.get(subscription.id) === stream) this.#streams.delete(subscription.id);
      return undefined;
    }
    stream.send({
      type: 'started',
      subscriptionId: subscription.id,
      checkpoint: subscription.checkpoint,
    });
    return stream;
  }

  async #run(stream: Stream): Promise<void> {
    try {
      await stream.run();
    } catch (error) {
      this.logger.warn({ err: error, subscription: stream.subscription.id }, 'event stream failed');
      stream.send({ type: 'error', code: 'STREAM_FAILED', message: 'delivery failed; reconnect' });
      stream.close(1011, 'delivery failed');
    }
  }

  /** Closes every connection, telling clients the service restarts (they reconnect). */
  async close(): Promise<void> {
    clearInterval(this.#pinger);
    for (const stream of this.#streams.values()) stream.close(CLOSE.restart, 'restarting');
    for (const ws of this.#wss.clients) ws.close(CLOSE.restart, 'restarting');
    // A client that does not answer the close handshake is cut off, so a stop stays short.
    const cutOff = setTimeout(() => {
      for (const ws of this.#wss.clients) ws.terminate();
    }, 2_000);
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
    clearTimeout(cutOff);
    // Each delivery loop ends before the databases it reads are closed.
    await Promise.allSettled([...this.#runs]);
  }
}
