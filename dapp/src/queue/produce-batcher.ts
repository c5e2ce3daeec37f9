// SPDX-License-Identifier: Apache-2.0
import type { Message, Producer } from 'kafkajs';

interface Waiting {
  topic: string;
  message: Message;
  bytes: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export interface ProduceBatcherOptions {
  /** Messages sent in one produce request, at most. */
  maxMessages: number;
  /** Bytes of keys and values in one produce request, at most (one larger message goes alone). */
  maxBytes: number;
}

const DEFAULTS: ProduceBatcherOptions = { maxMessages: 500, maxBytes: 256 * 1024 };

const sizeOf = (message: Message): number =>
  (message.key ? Buffer.byteLength(message.key) : 0) +
  (message.value ? Buffer.byteLength(message.value) : 0);

/**
 * Sends the messages that arrive while a send is in flight together, in one produce request, as
 * soon as that send returns. kafkajs makes each `send` a request of its own, and a broker answers
 * one connection's requests one at a time, so sending each message alone caps a busy front door
 * at the broker's time per request. A message given to an idle batcher is sent at once: nothing
 * waits for company. One send is in flight at a time, so messages reach each partition in the
 * order they were given. Every message of a batch shares its outcome: when the send fails, each
 * caller is told so, though Kafka may have kept some of them (as with a lost acknowledgement), and
 * when Kafka could not be reached, so is each caller whose message was waiting behind it.
 */
export class ProduceBatcher {
  private readonly waiting: Waiting[] = [];
  private sending = false;
  private readonly options: ProduceBatcherOptions;

  constructor(
    private readonly producer: Producer,
    options: Partial<ProduceBatcherOptions> = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  /** Resolves once every in-sync replica has the message (acks = -1). */
  send(topic: string, message: Message): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ topic, message, bytes: sizeOf(message), resolve, reject });
      if (!this.sending) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.sending = true;
    try {
      while (this.waiting.length > 0) {
        const batch = this.nextBatch();
        try {
          await this.producer.sendBatch({ acks: -1, topicMessages: byTopic(batch) });
          for (const item of batch) item.resolve();
        } catch (error) {
          // Kafka out of reach (kafkajs tries for seconds first): those that arrived meanwhile
          // are told too, rather than each waiting as long again in turn. A refusal of the
          // batch's content (a message too large) is that batch's alone.
          const failed = refusedContent(error) ? batch : [...batch, ...this.waiting.splice(0)];
          for (const item of failed) item.reject(error);
        }
      }
    } finally {
      this.sending = false;
    }
  }

  private nextBatch(): Waiting[] {
    let bytes = 0;
    let count = 0;
    for (const item of this.waiting) {
      if (
        count > 0 &&
        (count >= this.options.maxMessages || bytes + item.bytes > this.options.maxBytes)
      )
        break;
      bytes += item.bytes;
      count += 1;
    }
    return this.waiting.splice(0, count);
  }
}

/** Broker errors about the messages sent, not about reaching Kafka (kafkajs keeps them as cause). */
const CONTENT_REFUSALS = new Set([
  'MESSAGE_TOO_LARGE',
  'RECORD_LIST_TOO_LARGE',
  'INVALID_RECORD',
  'CORRUPT_MESSAGE',
]);

function refusedContent(error: unknown): boolean {
  for (let cause = error; cause instanceof Error; cause = cause.cause) {
    const type = (cause as { type?: unknown }).type;
    if (typeof type === 'string' && CONTENT_REFUSALS.has(type)) return true;
  }
  return false;
}

function byTopic(batch: readonly Waiting[]): { topic: string; messages: Message[] }[] {
  const topics = new Map<string, Message[]>();
  for (const { topic, message } of batch) {
    const messages = topics.get(topic);
    if (messages) messages.push(message);
    else topics.set(topic, [message]);
  }
  return [...topics].map(([topic, messages]) => ({ topic, messages }));
}
