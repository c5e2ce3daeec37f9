// SPDX-License-Identifier: Apache-2.0
import type { MigrationBuilder } from 'node-pg-migrate';

// Event streams: subscriptions to chaincode events with their checkpoints, and the permissions
// that let users manage them. This migration's data is a snapshot, like the first one's.
export const PERMISSIONS: Record<string, string> = {
  'events:read': "subscribe to ledger events and manage one's own subscriptions",
  'events:read:any': "manage the organization's and everyone's event subscriptions",
};

export const GRANTS: Record<string, string[]> = {
  admin: ['events:read', 'events:read:any'],
  operator: ['events:read', 'events:read:any'],
  member: ['events:read'],
  auditor: ['events:read'],
};

const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;

export async function up(pgm: MigrationBuilder): Promise<void> {
  pgm.createTable('event_subscriptions', {
    id: { type: 'uuid', primaryKey: true },
    name: { type: 'text', notNull: true },
    owner: { type: 'text', notNull: true },
    owner_user_id: { type: 'uuid', notNull: true, references: 'users', onDelete: 'CASCADE' },
    channel: { type: 'text', notNull: true },
    chaincode: { type: 'text', notNull: true },
    event_filter: { type: 'text', notNull: true },
    filter_kind: { type: 'text', notNull: true },
    payload_filters: { type: 'jsonb', notNull: true, default: pgm.func("'{}'::jsonb") },
    delivery: { type: 'text', notNull: true },
    webhook_url: { type: 'text' },
    // The HMAC key webhook batches are signed with; shown to the owner once, at creation.
    webhook_secret: { type: 'text' },
    batch_size: { type: 'integer', notNull: true },
    batch_wait_ms: { type: 'integer', notNull: true },
    state: { type: 'text', notNull: true, default: 'active' },
    state_reason: { type: 'text' },
    last_error: { type: 'text' },
    last_error_at: { type: 'timestamptz' },
    // The last acknowledged event: (block, tx index, event index); delivery resumes after it.
    checkpoint_block: { type: 'bigint', notNull: true },
    checkpoint_tx: { type: 'integer', notNull: true },
    checkpoint_event: { type: 'integer', notNull: true },
    delivered_events: { type: 'bigint', notNull: true, default: 0 },
    // A webhook subscription is delivered by one replica at a time: the holder of the lease.
    lease_holder: { type: 'text' },
    lease_until: { type: 'timestamptz' },
    created_at: { type: 'timestamptz', notNull: true, default: pgm.func('now()') },
    updated_at: { type: 'timestamptz', notNull: true, default: pgm.func('now()') },
  });
  pgm.addConstraint('event_subscriptions', 'event_subscriptions_checks', {
    check: [
      "owner IN ('user', 'organization')",
      "filter_kind IN ('exact', 'pattern')",
      "delivery IN ('websocket', 'webhook')",
      "state IN ('active', 'paused', 'parked')",
      "(delivery = 'webhook') = (webhook_url IS NOT NULL)",
    ].join(' AND '),
  });
  pgm.createIndex('event_subscriptions', ['owner_user_id', 'created_at']);
  pgm.createIndex('event_subscriptions', 'delivery', { where: "state = 'active'" });

  for (const [name, description] of Object.entries(PERMISSIONS)) {
    pgm.sql(
      `INSERT INTO permissions (name, description) VALUES (${literal(name)}, ${literal(description)})`,
    );
  }
  for (const [role, permissions] of Object.entries(GRANTS)) {
    for (const permission of permissions) {
      pgm.sql(
        `INSERT INTO role_permissions (role, permission) VALUES (${literal(role)}, ${literal(permission)})`,
      );
    }
  }
}

export async function down(pgm: MigrationBuilder): Promise<void> {
  pgm.dropTable('event_subscriptions');
  pgm.sql(`DELETE FROM permissions WHERE name IN ('events:read', 'events:read:any')`);
}
