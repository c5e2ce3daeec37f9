// SPDX-License-Identifier: Apache-2.0
import crypto from 'node:crypto';
import type http from 'node:http';
import os from 'node:os';

import type { Logger } from '@consortia/common';
import { checkpoints, mirrorDb } from '@consortia/datasync/read';
import type pg from 'pg';
import type { Registry } from 'prom-client';

import { WebhookAddressGuard } from './address-guard';
import { EventMetrics } from './metrics';
import { BlockNotifications } from './notifications';
import type { EventRouteDependencies } from './routes';
import { EventSource } from './source';
import type { SubscriptionStore } from './store';
import type { WebhookOptions } from './webhook';
import { WebhookDelivery } from './webhook';
import { signedPoster } from './webhook-post';
import type { Authenticate, StreamOptions } from './websocket';
import { StreamServer } from './websocket';

export { eventOperations } from './api';
export { eventRoutes } from './routes';
export type { EventRouteDependencies } from './routes';
export { SubscriptionStore } from './store';
export { verifySignature, SIGNATURE_HEADER, TIMESTAMP_HEADER, DELIVERY_HEADER } from './signature';
export { STREAM_PATH } from './protocol';
export type { ClientMessage, ServerMessage } from './protocol';

export interface EventStreamSettings {
  /** How often the mirror's position is read while a delivery waits for new blocks. */
  pollMs: number;
  batchSize: number;
  batchWaitMs: number;
  stream: StreamOptions;
  webhook: WebhookOptions;
  /** The channel and chaincode a subscription names when it names none. */
  channel: string;
  chaincode: string;
}

/**
 * Event streams: subscriptions read chaincode events from datasync's mirror in ledger order and
 * deliver them over WebSocket or webhooks, each from its own checkpoint.
 */
export class EventStreams {
  readonly source: EventSource;
  readonly streams: StreamServer;
  readonly webhooks: WebhookDelivery;
  readonly notifications: BlockNotifications;
  readonly metrics: EventMetrics;
  readonly webhookAddresses: WebhookAddressGuard;
  readonly #heads: () => Promise<Map<string, number>>;

  constructor(
    readonly store: SubscriptionStore,
    mirrorPool: pg.Pool,
    authenticate: Authenticate,
    logger: Logger,
    private readonly settings: EventStreamSettings,
    registry: Registry,
  ) {
    const db = mirrorDb(mirrorPool);
    this.#heads = () => checkpoints(db);
    this.source = new EventSource(db, settings.pollMs);
    this.notifications = new BlockNotifications(
      mirrorPool,
      (channel, block) => this.source.watcher.notify(channel, block),
      logger,
    );
    this.metrics = new EventMetrics(registry, () => store.stats());
    this.streams = new StreamServer(
      store,
      this.source,
      authenticate,
      logger,
      settings.stream,
      this.metrics,
    );
    this.webhookAddresses = new WebhookAddressGuard(settings.webhook.addresses);
    // Each replica leases the webhook subscriptions it delivers under its own name.
    const holder = `${os.hostname()}:${process.pid}:${crypto.randomBytes(4).toString('hex')}`;
    this.webhooks = new WebhookDelivery(
      store,
      this.source,
      logger,
      holder,
      settings.webhook,
      signedPoster(settings.webhook, this.webhookAddresses),
      this.metrics,
    );
  }

  routeDependencies(): EventRouteDependencies {
    return {
      subscriptions: this.store,
      heads: this.#heads,
      channel: this.settings.channel,
      chaincode: this.settings.chaincode,
      batchSize: this.settings.batchSize,
      batchWaitMs: this.settings.batchWaitMs,
      allowHttpWebhooks: this.settings.webhook.allowHttp,
      webhookAddresses: this.webhookAddresses,
      changed: () => void this.webhooks.scan(),
    };
  }

  /** Serves WebSocket streams on `server` and starts webhook delivery. */
  start(server: http.Server): void {
    this.notifications.start();
    this.streams.attach(server);
    this.webhooks.start();
  }

  async stop(): Promise<void> {
    this.notifications.stop();
    this.source.close();
    await Promise.all([this.streams.close(), this.webhooks.stop()]);
  }
}
