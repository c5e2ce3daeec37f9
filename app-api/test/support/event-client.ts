// SPDX-License-Identifier: Apache-2.0
// A WebSocket client of the app-api's event streams, as an application would write one: it
// connects, names its subscription, acknowledges each batch, and reconnects whenever the
// connection ends (the service restarting, a network fault) until it is stopped.
import WebSocket from 'ws';

import type { StreamEvent } from '../../src/events/model';
import type { ServerMessage } from '../../src/events/protocol';

export interface ReceivedBatch {
  batchId: string;
  events: StreamEvent[];
  /** Which connection (1, 2, …) delivered it. */
  connection: number;
}

export interface EventClientOptions {
  /** Acknowledge this batch? (default: every one) */
  acknowledge?: (batch: ReceivedBatch) => boolean;
  /** Token for the next connection (tokens expire; a client refreshes them). */
  token: () => string;
  reconnectMs?: number;
  /** Called as each batch arrives (before it is acknowledged). */
  onBatch?: (batch: ReceivedBatch) => void;
}

export class EventClient {
  readonly batches: ReceivedBatch[] = [];
  readonly messages: ServerMessage[] = [];
  readonly closes: { code: number; reason: string }[] = [];
  connections = 0;
  #socket?: WebSocket;
  #stopped = false;
  #timer?: NodeJS.Timeout;

  constructor(
    private base: string,
    readonly subscriptionId: string,
    private readonly options: EventClientOptions,
  ) {}

  /** Every event received, in order of receipt (redeliveries included). */
  get events(): StreamEvent[] {
    return this.batches.flatMap((batch) => batch.events);
  }

  /** Where the next connection goes (a restarted service listens elsewhere). */
  retarget(base: string): void {
    this.base = base;
  }

  start(): void {
    const url = `${this.base.replace(/^http/, 'ws')}/v1/event-streams`;
    const socket = new WebSocket(url, {
      headers: { authorization: `Bearer ${this.options.token()}` },
    });
    this.#socket = socket;
    const connection = ++this.connections;
    socket.on('open', () =>
      socket.send(JSON.stringify({ type: 'start', subscriptionId: this.subscriptionId })),
    );
    socket.on('message', (data) => {
      // text frames arrive as one Buffer with ws's default binaryType
      const message = JSON.parse((data as Buffer).toString('utf8')) as ServerMessage;
      this.messages.push(message);
      if (message.type !== 'batch') return;
      const batch = { batchId: message.batchId, events: message.events, connection };
      this.batches.push(batch);
      this.options.onBatch?.(batch);
      if (this.options.acknowledge?.(batch) ?? true)
        socket.send(JSON.stringify({ type: 'ack', batchId: message.batchId }));
    });
    socket.on('error', () => undefined);
    socket.on('close', (code, reason) => {
      this.closes.push({ code, reason: reason.toString() });
      if (!this.#stopped && this.#socket === socket)
        this.#timer = setTimeout(() => this.start(), this.options.reconnectMs ?? 200);
    });
  }

  send(message: unknown): void {
    this.#socket?.send(JSON.stringify(message));
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#socket?.close();
  }
}
