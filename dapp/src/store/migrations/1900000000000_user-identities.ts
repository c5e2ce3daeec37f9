// SPDX-License-Identifier: Apache-2.0
import type { MigrationBuilder } from 'node-pg-migrate';

/**
 * Per-user Fabric identities the DAPP signs with: the certificate, and the private key sealed
 * (AES-256-GCM) under the key-encryption key named by kek_id. A revoked identity is kept, marked.
 */
export async function up(pgm: MigrationBuilder): Promise<void> {
  pgm.createTable('dapp_user_identities', {
    name: { type: 'text', primaryKey: true },
    msp_id: { type: 'text', notNull: true },
    enrollment_id: { type: 'text', notNull: true },
    certificate: { type: 'text', notNull: true },
    sealed_key: { type: 'bytea', notNull: true },
    kek_id: { type: 'text', notNull: true },
    created_at: { type: 'timestamptz', notNull: true, default: pgm.func('now()') },
    updated_at: { type: 'timestamptz', notNull: true, default: pgm.func('now()') },
    revoked_at: { type: 'timestamptz' },
  });
}

export async function down(pgm: MigrationBuilder): Promise<void> {
  pgm.dropTable('dapp_user_identities');
}
