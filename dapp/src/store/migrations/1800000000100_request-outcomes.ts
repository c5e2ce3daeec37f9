// SPDX-License-Identifier: Apache-2.0
import type { MigrationBuilder } from 'node-pg-migrate';

/**
 * `unknown` outcomes, the transaction id of every attempt (written before the attempt is sent,
 * so the ledger can always be asked), and the identity of this store, which binds the Kafka
 * consumer group to it.
 */
export async function up(pgm: MigrationBuilder): Promise<void> {
  pgm.dropConstraint('dapp_requests', 'dapp_requests_status_check');
  pgm.addConstraint('dapp_requests', 'dapp_requests_status_check', {
    check: "status IN ('queued', 'submitted', 'unknown', 'committed', 'failed')",
  });
  pgm.addColumns('dapp_requests', {
    attempt_tx_ids: { type: 'text[]', notNull: true, default: pgm.func("'{}'::text[]") },
    last_sent_at: { type: 'timestamptz' },
    // The queued message of an async request whose outcome is unknown, to publish it again.
    queued_message: { type: 'jsonb' },
  });
  pgm.dropIndex('dapp_requests', 'status', { name: 'dapp_requests_unfinished' });
  pgm.createIndex('dapp_requests', 'updated_at', {
    where: "status IN ('queued', 'submitted', 'unknown')",
    name: 'dapp_requests_unfinished',
  });
  pgm.createTable('dapp_store', {
    singleton: { type: 'boolean', primaryKey: true, default: true, check: 'singleton' },
    store_id: { type: 'uuid', notNull: true, default: pgm.func('gen_random_uuid()') },
    created_at: { type: 'timestamptz', notNull: true, default: pgm.func('now()') },
  });
  pgm.sql('INSERT INTO dapp_store DEFAULT VALUES');
}

export async function down(pgm: MigrationBuilder): Promise<void> {
  pgm.dropTable('dapp_store');
  pgm.dropIndex('dapp_requests', 'updated_at', { name: 'dapp_requests_unfinished' });
  pgm.createIndex('dapp_requests', 'status', {
    where: "status IN ('queued', 'submitted')",
    name: 'dapp_requests_unfinished',
  });
  pgm.dropColumns('dapp_requests', ['attempt_tx_ids', 'last_sent_at', 'queued_message']);
  pgm.sql("UPDATE dapp_requests SET status = 'submitted' WHERE status = 'unknown'");
  pgm.dropConstraint('dapp_requests', 'dapp_requests_status_check');
  pgm.addConstraint('dapp_requests', 'dapp_requests_status_check', {
    check: "status IN ('queued', 'submitted', 'committed', 'failed')",
  });
}
