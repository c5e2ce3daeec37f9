// SPDX-License-Identifier: Apache-2.0
import type { MigrationBuilder } from 'node-pg-migrate';

// The call relayed to the DAPP, kept so a write the DAPP never received is sent again by the
// app-api itself. Writes carrying private data keep none: the app-api stores no private data.
export async function up(pgm: MigrationBuilder): Promise<void> {
  pgm.addColumns('write_requests', { dapp_call: { type: 'jsonb' } });
}

export async function down(pgm: MigrationBuilder): Promise<void> {
  pgm.dropColumns('write_requests', ['dapp_call']);
}
