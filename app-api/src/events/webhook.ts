// SPDX-License-Identifier: Apache-2.0
import http from 'node:http';
import https from 'node:https';

import type { Logger } from '@consortia/common';

import type { Batch } from './model';
import { batchId } from './protocol';
import { DELIVERY_HEADER, signature, SIGNATURE_HEADER, TIMESTAMP_HEADER } from './signature';
import type { EventSource } from './source';
import { OwnerDisabledError } from './source';
import type { SubscriptionStore } from './store';

export interface WebhookOptions {
  /** Attempts per batch before the subscription is parked. */
  maxAttempts: number;
  /** First retry delay; each further one doubles, up to maxBackoffMs. */
  backoffMs: number;
  maxBackoffMs: number;
  /** Deadline of one POST. */
  timeoutMs: number;
  /** How often active webhook subscriptions are looked for. */
  scanMs: number;
  /** How long a replica holds a subscription it delivers (renewed while it does). */
  leaseMs: number;
  /** Extra CA certificates (PEM) a receiver's HTTPS certificate may chain to. */
  ca?: string;
  /** Plain http:// receivers (development and tests only). */
  allowHttp: boolean;
}

export interface PostOutcome {
  ok: boolean;
  error?: string;
}

/** POSTs a signed body; a 2xx answer acknowledges it. */
export function postSigned(
  url: string,
  secret: string,
  body: string,
  delivery: string,
  options: Pick<WebhookOptions, 'timeoutMs' | 'ca'>,
): Promise<PostOutcome> {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const target = new URL(url);
  const client = target.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    const request = client.request(
      target,
      {
        method: 'POST',
        timeout: options.timeoutMs,
        ca: target.protocol === 'https:' && options.ca ? options.ca : undefined,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'user-agent': 'consortia-app-api',
          [TIMESTAMP_HEADER]: timestamp,
          [SIGNATURE_HEADER]: signature(secret, timestamp, body),
          [DELIVERY_HEADER]: delivery,
        },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          if (text.length < 300) text += chunk;
        });
        response.on('end', () => {
          const status = response.statusCode ?? 0;
          resolve(
            status >= 200 && status < 300
              ? { ok: true }
              : { ok: false, error: `HTTP ${status}: ${text.slice(0, 200)}` },
          );
        });
      },
    );
    request.on('timeout', () => request.destroy(new Error(`no answer in ${options.timeoutMs} ms`)));
    request.on('error', (error) => resolve({ ok: false, error: error.message }));
    request.end(body);
  });
}

export const backoffDelay = (attempt: number, base: number, max: number): number =>
  Math.min(max, base * 2 ** (attempt - 1));

/**
 * Delivers every active webhook subscription: one loop each, holding the subscription's lease
 * so that only one replica posts its batches. A batch is retried with backoff; after
 * `maxAttempts` the subscription is parked with the error, and resuming or replaying it starts
 * delivery again from its checkpoint.
 */
export class WebhookDelivery {
  readonly #running = new Map<string, Promise<void>>();
  #scanTimer?: NodeJS.Timeout;
  #stopped = false;
  readonly #sleepers = new Set<() => void>();

  constructor(
    private readonly store: SubscriptionStore,
    private readonly source: EventSource,
    private readonly logger: Logger,
    private readonly holder: string,
    private readonly options: WebhookOptions,
    private readonly post: typeof postSigned = postSigned,
  ) {}

  start(): void {
    void this.scan();
  }

  /** Looks for subscriptions to deliver now (also after a create, resume or replay). */
  async scan(): Promise<void> {
    clearTimeout(this.#scanTimer);
    if (this.#stopped) return;
    try {
      for (const id of await this.store.webhooksToDeliver(this.holder)) {
        if (!this.#running.has(id)) {
          const loop = this.#deliver(id)
            .catch((error: unknown) =>
              this.logger.error({ err: error, subscription: id }, 'webhook delivery failed'),
            )
            .finally(() => this.#running.delete(id));
          this.#running.set(id, loop);
        }
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'cannot list webhook subscriptions; retrying');
    }
    clearTimeout(this.#scanTimer);
    if (!this.#stopped) this.#scanTimer = setTimeout(() => void this.scan(), this.options.scanMs);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#scanTimer);
    for (const wake of [...this.#sleepers]) wake();
    await Promise.allSettled([...this.#running.values()]);
  }

  async #deliver(id: string): Promise<void> {
    try {
      while (!this.#stopped && (await this.store.lease(id, this.holder, this.options.leaseMs))) {
        const subscription = await this.store.get(id);
        if (subscription?.state !== 'active' || subscription.delivery !== 'webhook') return;
        const secret = await this.store.webhookSecret(id);
        if (!subscription.webhookUrl || !secret) return;
        let batch: Batch | undefined;
        try {
          batch = await this.source.nextBatch(
            subscription,
            subscription.checkpoint,
            await this.store.ownerAccess(subscription.ownerUserId),
            Math.min(5_000, this.options.leaseMs / 3),
            () => this.#stopped,
          );
        } catch (error) {
          if (!(error instanceof OwnerDisabledError)) throw error;
          await this.store.setState(id, 'paused', 'OWNER_DISABLED');
          return;
        }
        if (!batch) continue;
        if (batch.events.length > 0) {
          const body = JSON.stringify({
            subscriptionId: id,
            batchId: batchId(batch),
            events: batch.events,
          });
          const error = await this.#postWithRetries(
            id,
            subscription.webhookUrl,
            secret,
            body,
            batch,
          );
          if (error !== undefined) {
            if (this.#stopped) return;
            await this.store.setState(id, 'parked', 'WEBHOOK_FAILED');
            this.logger.warn({ subscription: id, error }, 'webhook subscription parked');
            return;
          }
        }
        await this.store.advance(id, batch.after, batch.through, batch.events.length);
      }
    } finally {
      await this.store.release(id, this.holder).catch(() => undefined);
    }
  }

  /** undefined once a POST is acknowledged; the last error after every attempt failed. */
  async #postWithRetries(
    id: string,
    url: string,
    secret: string,
    body: string,
    batch: Batch,
  ): Promise<string | undefined> {
    let error = 'stopped';
    for (let attempt = 1; attempt <= this.options.maxAttempts && !this.#stopped; attempt++) {
      if (attempt > 1) {
        await this.#sleep(
          backoffDelay(attempt - 1, this.options.backoffMs, this.options.maxBackoffMs),
        );
        if (this.#stopped) break;
        await this.store.lease(id, this.holder, this.options.leaseMs);
      }
      const outcome = await this.post(url, secret, body, batchId(batch), this.options);
      if (outcome.ok) return undefined;
      error = `attempt ${attempt}/${this.options.maxAttempts}: ${outcome.error ?? 'failed'}`;
      await this.store.recordError(id, error);
    }
    return error;
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.#sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.#sleepers.add(wake);
    });
  }
}
