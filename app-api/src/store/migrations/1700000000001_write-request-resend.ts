// SPDX-License-Identifier: Apache-2.0
import type { MigrationBuilder } from 'node-pg-migrate';

// A write the DAPP never received may be sent again under its Idempotency-Key: the hash ties the
// key to what was asked, and sent_at restarts the wait before it is judged never received.
export async function up(pgm: MigrationBuilder): Promise<void> {
  pgm.addColumns('write_requests', {
    request_hash: { type: 'text' },
    sent_at: { type: 'timestamptz', notNull: true, default: pgm.func('now()') },
  });
  pgm.sql('UPDATE write_requests SET sent_at = created_at');
}

export async function down(pgm: MigrationBuilder): Promise<void> {
  pgm.dropColumns('write_requests', ['request_hash', 'sent_at']);
}
