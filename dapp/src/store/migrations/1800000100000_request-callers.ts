// SPDX-License-Identifier: Apache-2.0
import type { MigrationBuilder } from 'node-pg-migrate';

/**
 * Requests belong to their caller. `request_id` holds `<caller>:<caller's request id>` (the id the
 * chaincode records too), so ids are unique per caller and one caller can never name another's
 * request; `caller` is derived from it. `request_hash` identifies the request's content (function,
 * arguments, transient data, identity), so a reused id with another body is refused and a queued
 * message is checked against what was accepted. Transient data of queued requests is kept here,
 * sealed (AES-256-GCM), instead of in Kafka, and removed as soon as the request is final.
 */
export async function up(pgm: MigrationBuilder): Promise<void> {
  // Rows from before callers were recorded belong to no caller (`''`): nobody can read them.
  pgm.sql(`UPDATE dapp_requests SET request_id = ':' || request_id`);
  pgm.addColumns('dapp_requests', {
    caller: {
      type: 'text',
      notNull: true,
      // An id without a caller prefix belongs to no caller.
      expressionGenerated:
        "CASE WHEN position(':' in request_id) > 0 THEN split_part(request_id, ':', 1) ELSE '' END",
    },
    request_hash: { type: 'text' },
  });
  pgm.createTable('dapp_request_transient', {
    request_id: {
      type: 'text',
      primaryKey: true,
      references: 'dapp_requests(request_id)',
      onDelete: 'CASCADE',
      onUpdate: 'CASCADE',
    },
    sealed: { type: 'bytea', notNull: true },
    created_at: { type: 'timestamptz', notNull: true, default: pgm.func('now()') },
  });
  // Whatever writes a final status (worker, sync route, reconciler), the secret goes with it.
  pgm.sql(`
    CREATE FUNCTION dapp_forget_final_transient() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.status IN ('committed', 'failed') THEN
        DELETE FROM dapp_request_transient WHERE request_id = NEW.request_id;
      END IF;
      RETURN NULL;
    END $$;
    CREATE TRIGGER dapp_requests_forget_transient
      AFTER INSERT OR UPDATE OF status ON dapp_requests
      FOR EACH ROW EXECUTE FUNCTION dapp_forget_final_transient();
  `);
}

export async function down(pgm: MigrationBuilder): Promise<void> {
  pgm.sql('DROP TRIGGER dapp_requests_forget_transient ON dapp_requests');
  pgm.sql('DROP FUNCTION dapp_forget_final_transient()');
  pgm.dropTable('dapp_request_transient');
  pgm.dropColumns('dapp_requests', ['caller', 'request_hash']);
  pgm.sql(
    `UPDATE dapp_requests SET request_id = substr(request_id, position(':' in request_id) + 1)`,
  );
}
