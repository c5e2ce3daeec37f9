// SPDX-License-Identifier: Apache-2.0
import type { Batch, EventPosition, StreamEvent } from './model';

/** The WebSocket endpoint of event streams. */
export const STREAM_PATH = '/v1/event-streams';

const position = (p: EventPosition) => `${p.block}.${p.txIndex}.${p.eventIndex}`;

/** Names a batch by what it covers, so a redelivered batch keeps its id. */
export const batchId = (batch: Pick<Batch, 'after' | 'through'>): string =>
  `${position(batch.after)}-${position(batch.through)}`;

/** Messages a client sends (JSON text frames). */
export type ClientMessage =
  | { type: 'start'; subscriptionId: string; token?: string }
  | { type: 'ack'; batchId: string }
  | { type: 'resume' };

/** Messages the server sends. */
export type ServerMessage =
  | { type: 'started'; subscriptionId: string; checkpoint: EventPosition }
  | { type: 'batch'; subscriptionId: string; batchId: string; events: StreamEvent[] }
  | { type: 'paused'; subscriptionId: string; reason: string }
  | { type: 'error'; code: string; message: string };

/** Parses a client frame; undefined when it is not one of the messages above. */
export function parseClientMessage(data: string): ClientMessage | undefined {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const message = value as Record<string, unknown>;
  const text = (name: string) =>
    typeof message[name] === 'string' && message[name].length <= 4096 ? message[name] : undefined;
  switch (message.type) {
    case 'start': {
      const subscriptionId = text('subscriptionId');
      const token = text('token');
      if (!subscriptionId) return undefined;
      return token ? { type: 'start', subscriptionId, token } : { type: 'start', subscriptionId };
    }
    case 'ack': {
      const id = text('batchId');
      return id ? { type: 'ack', batchId: id } : undefined;
    }
    case 'resume':
      return { type: 'resume' };
    default:
      return undefined;
  }
}
