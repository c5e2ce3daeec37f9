// SPDX-License-Identifier: Apache-2.0
import crypto from 'node:crypto';

import type pg from 'pg';

import type { SubscriptionStats } from './metrics';
import type { Delivery, EventPosition, Owner, Subscription, SubscriptionState } from './model';

interface Row {
  id: string;
  name: string;
  owner: Owner;
  owner_user_id: string;
  owner_username: string;
  channel: string;
  chaincode: string;
  event_filter: string;
  filter_kind: 'exact' | 'pattern';
  payload_filters: Record<string, unknown>;
  delivery: Delivery;
  webhook_url: string | null;
  batch_size: number;
  batch_wait_ms: number;
  state: SubscriptionState;
  state_reason: string | null;
  last_error: string | null;
  last_error_at: Date | null;
  checkpoint_block: string;
  checkpoint_tx: number;
  checkpoint_event: number;
  delivered_events: string;
  created_at: Date;
  updated_at: Date;
}

const iso = (date: Date | null) => (date ? date.toISOString() : null);

function toSubscription(row: Row): Subscription {
  return {
    id: row.id,
    name: row.name,
    owner: row.owner,
    ownerUserId: row.owner_user_id,
    ownerUsername: row.owner_username,
    channel: row.channel,
    chaincode: row.chaincode,
    eventFilter: row.event_filter,
    filterKind: row.filter_kind,
    payloadFilters: row.payload_filters,
    delivery: row.delivery,
    webhookUrl: row.webhook_url,
    batchSize: row.batch_size,
    batchWaitMs: row.batch_wait_ms,
    state: row.state,
    stateReason: row.state_reason,
    lastError: row.last_error,
    lastErrorAt: iso(row.last_error_at),
    checkpoint: {
      block: Number(row.checkpoint_block),
      txIndex: row.checkpoint_tx,
      eventIndex: row.checkpoint_event,
    },
    deliveredEvents: Number(row.delivered_events),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

const SELECT = `SELECT s.*, u.username AS owner_username
                  FROM event_subscriptions s JOIN users u ON u.id = s.owner_user_id`;

export interface NewSubscription {
  name: string;
  owner: Owner;
  ownerUserId: string;
  channel: string;
  chaincode: string;
  eventFilter: string;
  filterKind: 'exact' | 'pattern';
  payloadFilters: Record<string, unknown>;
  delivery: Delivery;
  webhookUrl: string | null;
  webhookSecret: string | null;
  batchSize: number;
  batchWaitMs: number;
  checkpoint: EventPosition;
}

/** What a subscription's owner may read right now. */
export interface OwnerAccess {
  disabled: boolean;
  permissions: ReadonlySet<string>;
}

/** Subscriptions and their checkpoints, in the app-api's own database. */
export class SubscriptionStore {
  constructor(private readonly pool: pg.Pool) {}

  async create(input: NewSubscription): Promise<Subscription> {
    const id = crypto.randomUUID();
    await this.pool.query(
      `INSERT INTO event_subscriptions (id, name, owner, owner_user_id, channel, chaincode,
              event_filter, filter_kind, payload_filters, delivery, webhook_url, webhook_secret,
              batch_size, batch_wait_ms, checkpoint_block, checkpoint_tx, checkpoint_event)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`,
      [
        id,
        input.name,
        input.owner,
        input.ownerUserId,
        input.channel,
        input.chaincode,
        input.eventFilter,
        input.filterKind,
        JSON.stringify(input.payloadFilters),
        input.delivery,
        input.webhookUrl,
        input.webhookSecret,
        input.batchSize,
        input.batchWaitMs,
        String(input.checkpoint.block),
        input.checkpoint.txIndex,
        input.checkpoint.eventIndex,
      ],
    );
    const created = await this.get(id);
    if (!created) throw new Error(`subscription ${id} vanished after its creation`);
    return created;
  }

  async get(id: string): Promise<Subscription | undefined> {
    const { rows } = await this.pool.query<Row>(`${SELECT} WHERE s.id = $1`, [id]);
    return rows[0] ? toSubscription(rows[0]) : undefined;
  }

  /** Oldest first; `ownerUserId` limits the list to that user's own subscriptions. */
  async list(options: {
    ownerUserId?: string;
    state?: SubscriptionState;
    after?: string;
    limit: number;
  }): Promise<Subscription[]> {
    const { rows } = await this.pool.query<Row>(
      `${SELECT}
        WHERE ($1::uuid IS NULL OR (s.owner_user_id = $1 AND s.owner = 'user'))
          AND ($2::text IS NULL OR s.state = $2)
          AND ($3::uuid IS NULL OR (s.created_at, s.id) >
               (SELECT created_at, id FROM event_subscriptions WHERE id = $3))
        ORDER BY s.created_at, s.id
        LIMIT $4`,
      [options.ownerUserId ?? null, options.state ?? null, options.after ?? null, options.limit],
    );
    return rows.map(toSubscription);
  }

  async delete(id: string): Promise<boolean> {
    const { rowCount } = await this.pool.query('DELETE FROM event_subscriptions WHERE id = $1', [
      id,
    ]);
    return (rowCount ?? 0) > 0;
  }

  /** Pauses, resumes or parks; resuming clears the reason and the error. */
  async setState(id: string, state: SubscriptionState, reason: string | null): Promise<void> {
    await this.pool.query(
      `UPDATE event_subscriptions
          SET state = $2, state_reason = $3, updated_at = now(),
              last_error = CASE WHEN $2 = 'active' THEN NULL ELSE last_error END,
              last_error_at = CASE WHEN $2 = 'active' THEN NULL ELSE last_error_at END
        WHERE id = $1`,
      [id, state, reason],
    );
  }

  /**
   * Pauses a subscription whose batch starting at `at` was not acknowledged, with the error. It
   * changes nothing (false) once the checkpoint has moved on (the acknowledgement came while
   * this was decided) or the subscription is no longer active.
   */
  async pauseUnacknowledged(
    id: string,
    at: EventPosition,
    reason: string,
    error: string,
  ): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `UPDATE event_subscriptions
          SET state = 'paused', state_reason = $5, last_error = $6, last_error_at = now(),
              updated_at = now()
        WHERE id = $1 AND state = 'active'
          AND checkpoint_block = $2 AND checkpoint_tx = $3 AND checkpoint_event = $4`,
      [id, String(at.block), at.txIndex, at.eventIndex, reason, error.slice(0, 2000)],
    );
    return (rowCount ?? 0) > 0;
  }

  /** Makes a subscription paused for `reason` active again; false when it is not paused so. */
  async resumePaused(id: string, reason: string): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `UPDATE event_subscriptions
          SET state = 'active', state_reason = NULL, last_error = NULL, last_error_at = NULL,
              updated_at = now()
        WHERE id = $1 AND state = 'paused' AND state_reason = $2`,
      [id, reason],
    );
    return (rowCount ?? 0) > 0;
  }

  async recordError(id: string, error: string): Promise<void> {
    await this.pool.query(
      `UPDATE event_subscriptions SET last_error = $2, last_error_at = now(), updated_at = now()
        WHERE id = $1`,
      [id, error.slice(0, 2000)],
    );
  }

  /**
   * Moves the checkpoint from `from` to `to` once a batch is acknowledged. It moves only from
   * where the batch started, so an acknowledgement that arrives after a replay (or a second
   * acknowledgement of one batch) changes nothing; false then.
   */
  async advance(
    id: string,
    from: EventPosition,
    to: EventPosition,
    delivered: number,
  ): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `UPDATE event_subscriptions
          SET checkpoint_block = $5, checkpoint_tx = $6, checkpoint_event = $7,
              delivered_events = delivered_events + $8, updated_at = now()
        WHERE id = $1 AND checkpoint_block = $2 AND checkpoint_tx = $3 AND checkpoint_event = $4`,
      [
        id,
        String(from.block),
        from.txIndex,
        from.eventIndex,
        String(to.block),
        to.txIndex,
        to.eventIndex,
        delivered,
      ],
    );
    return (rowCount ?? 0) > 0;
  }

  /** Delivers again from `position`: the checkpoint moves there and the subscription is active. */
  async replay(id: string, position: EventPosition): Promise<void> {
    await this.pool.query(
      `UPDATE event_subscriptions
          SET checkpoint_block = $2, checkpoint_tx = $3, checkpoint_event = $4,
              state = 'active', state_reason = NULL, last_error = NULL, last_error_at = NULL,
              updated_at = now()
        WHERE id = $1`,
      [id, String(position.block), position.txIndex, position.eventIndex],
    );
  }

  async webhookSecret(id: string): Promise<string | undefined> {
    const { rows } = await this.pool.query<{ webhook_secret: string | null }>(
      'SELECT webhook_secret FROM event_subscriptions WHERE id = $1',
      [id],
    );
    return rows[0]?.webhook_secret ?? undefined;
  }

  /** Active webhook subscriptions whose lease is free or already `holder`'s. */
  async webhooksToDeliver(holder: string): Promise<string[]> {
    const { rows } = await this.pool.query<{ id: string }>(
      `SELECT id FROM event_subscriptions
        WHERE delivery = 'webhook' AND state = 'active'
          AND (lease_until IS NULL OR lease_until < now() OR lease_holder = $1)
        ORDER BY created_at`,
      [holder],
    );
    return rows.map((row) => row.id);
  }

  /** Takes or renews the delivery lease of a subscription; false when another holder has it. */
  async lease(id: string, holder: string, ms: number): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `UPDATE event_subscriptions
          SET lease_holder = $2, lease_until = now() + make_interval(secs => $3::double precision / 1000)
        WHERE id = $1 AND (lease_until IS NULL OR lease_until < now() OR lease_holder = $2)`,
      [id, holder, ms],
    );
    return (rowCount ?? 0) > 0;
  }

  async release(id: string, holder: string): Promise<void> {
    await this.pool.query(
      `UPDATE event_subscriptions SET lease_holder = NULL, lease_until = NULL
        WHERE id = $1 AND lease_holder = $2`,
      [id, holder],
    );
  }

  /** Subscriptions by state, and the active ones' checkpoint range per channel (metrics). */
  async stats(): Promise<SubscriptionStats> {
    const [states, checkpoints] = await Promise.all([
      this.pool.query<{ state: SubscriptionState; count: string }>(
        'SELECT state, count(*) AS count FROM event_subscriptions GROUP BY state',
      ),
      this.pool.query<{ channel: string; lowest: string; highest: string }>(
        `SELECT channel, min(checkpoint_block) AS lowest, max(checkpoint_block) AS highest
           FROM event_subscriptions WHERE state = 'active' GROUP BY channel`,
      ),
    ]);
    return {
      states: Object.fromEntries(states.rows.map((row) => [row.state, Number(row.count)])),
      checkpoints: checkpoints.rows.map((row) => ({
        channel: row.channel,
        lowest: Number(row.lowest),
        highest: Number(row.highest),
      })),
    };
  }

  /** The owner's current permissions, from their roles (nothing once deleted). */
  async ownerAccess(userId: string): Promise<OwnerAccess> {
    const { rows } = await this.pool.query<{ disabled: boolean; permissions: string[] }>(
      `SELECT u.disabled,
              COALESCE(array_agg(DISTINCT rp.permission) FILTER (WHERE rp.permission IS NOT NULL), '{}') AS permissions
         FROM users u
         LEFT JOIN user_roles ur ON ur.user_id = u.id
         LEFT JOIN role_permissions rp ON rp.role = ur.role
        WHERE u.id = $1
        GROUP BY u.id`,
      [userId],
    );
    const row = rows[0];
    return row
      ? { disabled: row.disabled, permissions: new Set(row.permissions) }
      : { disabled: true, permissions: new Set() };
  }
}
