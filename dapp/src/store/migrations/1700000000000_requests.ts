// SPDX-License-Identifier: Apache-2.0
import type { MigrationBuilder } from 'node-pg-migrate';

/** One row per request the DAPP accepted, with its latest known outcome. */
export async function up(pgm: MigrationBuilder): Promise<void> {
  pgm.createTable('dapp_requests', {
    request_id: { type: 'text', primaryKey: true },
    mode: { type: 'text', notNull: true },
    status: { type: 'text', notNull: true },
    channel: { type: 'text', notNull: true },
    chaincode: { type: 'text', notNull: true },
    function_name: { type: 'text', notNull: true },
    identity: { type: 'text' },
    partition_key: { type: 'text' },
    correlation_id: { type: 'text' },
    tx_id: { type: 'text' },
    validation_code: { type: 'text' },
    block_number: { type: 'bigint' },
    result: { type: 'jsonb' },
    reason: { type: 'jsonb' },
    attempts: { type: 'integer', notNull: true, default: 0 },
    created_at: { type: 'timestamptz', notNull: true, default: pgm.func('now()') },
    updated_at: { type: 'timestamptz', notNull: true, default: pgm.func('now()') },
  });
  pgm.addConstraint('dapp_requests', 'dapp_requests_status_check', {
    check: "status IN ('queued', 'submitted', 'committed', 'failed')",
  });
  // Queue depth on /metrics counts unfinished requests.
  pgm.createIndex('dapp_requests', 'status', {
    where: "status IN ('queued', 'submitted')",
    name: 'dapp_requests_unfinished',
  });
  pgm.createIndex('dapp_requests', 'tx_id');
}

export async function down(pgm: MigrationBuilder): Promise<void> {
  pgm.dropTable('dapp_requests');
}
