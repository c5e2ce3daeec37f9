// SPDX-License-Identifier: Apache-2.0
import type { Logger } from '@consortia/common';
import { backoffDelay } from '@consortia/common/backoff';

import type { AddressPolicy } from './address-guard';
import type { EventMetrics } from './metrics';
import type { Batch } from './model';
import { batchId } from './protocol';
import type { EventSource } from './source';
import { OwnerDisabledError } from './source';
import type { SubscriptionStore } from './store';
import type { Post, PostOptions } from './webhook-post';

export type { Post, PostOutcome } from './webhook-post';

export interface WebhookOptions extends PostOptions {
  /** Attempts per batch before the subscription is parked. */
  maxAttempts: number;
  /** First retry delay; each further one doubles, up to maxBackoffMs. */
  backoffMs: number;
  maxBackoffMs: number;
  /** How often active webhook subscriptions are looked for. */
  scanMs: number;
  /** How long a replica holds a subscription it delivers (renewed while it does). */
  leaseMs: number;
  /** Plain http:// receivers (development and tests only). */
  allowHttp: boolean;
  /** Which receiver addresses may be reached (loopback, private … only when allowed). */
  addresses: AddressPolicy;
}

/** Why a subscription is parked: its receiver kept failing, or its address is refused. */
interface Failure {
  error: string;
  reason: 'WEBHOOK_FAILED' | 'WEBHOOK_ADDRESS_REFUSED';
}

/**
 * Delivers every active webhook subscription: one loop each, holding the subscription's lease
 * so that only one replica posts its batches. A batch is retried with backoff; after
 * `maxAttempts` the subscription is parked with the error, and resuming or replaying it starts
 * delivery again from its checkpoint. A receiver whose address is refused is parked at once.
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
    private readonly post: Post,
    private readonly metrics?: EventMetrics,
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
          this.metrics?.paused.inc({ reason: 'OWNER_DISABLED' });
          return;
        }
        if (!batch) continue;
        if (batch.events.length > 0) {
          const body = JSON.stringify({
            subscriptionId: id,
            batchId: batchId(batch),
            events: batch.events,
          });
          const failure = await this.#postWithRetries(
            id,
            subscription.webhookUrl,
            secret,
            body,
            batch,
          );
          if (failure !== undefined) {
            if (this.#stopped) return;
            await this.store.setState(id, 'parked', failure.reason);
            this.metrics?.parked.inc({ reason: failure.reason });
            this.logger.warn({ subscription: id, ...failure }, 'webhook subscription parked');
            return;
          }
        }
        if (await this.store.advance(id, batch.after, batch.through, batch.events.length))
          this.metrics?.acknowledged('webhook', batch.events);
      }
    } finally {
      await this.store.release(id, this.holder).catch(() => undefined);
    }
  }

  /** undefined once a POST is acknowledged; else why every attempt failed. */
  async #postWithRetries(
    id: string,
    url: string,
    secret: string,
    body: string,
    batch: Batch,
  ): Promise<Failure | undefined> {
    const bounds = { minMs: this.options.backoffMs, maxMs: this.options.maxBackoffMs };
    let error = 'stopped';
    for (let attempt = 1; attempt <= this.options.maxAttempts && !this.#stopped; attempt++) {
      if (attempt > 1) {
        await this.#sleep(backoffDelay(bounds, attempt - 1));
        if (this.#stopped) break;
        await this.store.lease(id, this.holder, this.options.leaseMs);
        this.metrics?.batchesRetried.inc({ transport: 'webhook' });
      }
      const outcome = await this.post(url, secret, body, batchId(batch));
      if (outcome.ok) return undefined;
      this.metrics?.batchesFailed.inc({ transport: 'webhook' });
      if (outcome.refused) {
        error = outcome.error ?? 'the receiver address is refused';
        await this.store.recordError(id, error);
        return { error, reason: 'WEBHOOK_ADDRESS_REFUSED' };
      }
      error = `attempt ${attempt}/${this.options.maxAttempts}: ${outcome.error ?? 'failed'}`;
      await this.store.recordError(id, error);
    }
    return { error, reason: 'WEBHOOK_FAILED' };
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
