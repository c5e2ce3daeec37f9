// SPDX-License-Identifier: Apache-2.0
import type { MigrationBuilder } from 'node-pg-migrate';

// This migration's data is a snapshot: a later change to roles or permissions is a new migration.
export const PERMISSIONS: Record<string, string> = {
  'profile:read': "read one's own profile, roles and permissions",
  'profile:write': "change one's own password",
  'users:read': 'list and read users',
  'users:write': 'create users, disable them, assign roles and Fabric identities',
  'assets:read': 'list, search and read assets and their history',
  'assets:write': 'create assets for oneself; update and transfer the assets one owns',
  'assets:write:any': 'create, update and transfer any asset of the organization',
  'tokens:read': 'read token balances and the token',
  'tokens:transfer': "transfer tokens from one's own account",
  'tokens:mint': 'mint tokens (the chaincode also requires a minter identity)',
  'requests:read': "read the status of one's own write requests",
  'requests:read:any': "read the status of anyone's write requests",
  'transactions:read': 'list the mirrored ledger transactions',
  'mirror:read': 'read how far the mirror has synced',
  'audit:read': 'query the audit trail',
};

export const ROLES: Record<string, { description: string; permissions: string[] }> = {
  admin: {
    description: 'manages users and roles; may do everything',
    permissions: Object.keys(PERMISSIONS),
  },
  operator: {
    description: "runs the organization's assets and tokens",
    permissions: [
      'profile:read',
      'profile:write',
      'assets:read',
      'assets:write',
      'assets:write:any',
      'tokens:read',
      'tokens:transfer',
      'tokens:mint',
      'requests:read',
      'requests:read:any',
      'transactions:read',
      'mirror:read',
    ],
  },
  member: {
    description: 'a portal user: own assets and own token account',
    permissions: [
      'profile:read',
      'profile:write',
      'assets:read',
      'assets:write',
      'tokens:read',
      'tokens:transfer',
      'requests:read',
      'mirror:read',
    ],
  },
  auditor: {
    description: 'reads everything, including the audit trail; writes nothing',
    permissions: [
      'profile:read',
      'profile:write',
      'assets:read',
      'tokens:read',
      'requests:read',
      'requests:read:any',
      'transactions:read',
      'mirror:read',
      'audit:read',
    ],
  },
};

const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;

export async function up(pgm: MigrationBuilder): Promise<void> {
  pgm.createTable('roles', {
    name: { type: 'text', primaryKey: true },
    description: { type: 'text', notNull: true },
  });
  pgm.createTable('permissions', {
    name: { type: 'text', primaryKey: true },
    description: { type: 'text', notNull: true },
  });
  pgm.createTable('role_permissions', {
    role: { type: 'text', notNull: true, references: 'roles', onDelete: 'CASCADE' },
    permission: { type: 'text', notNull: true, references: 'permissions', onDelete: 'CASCADE' },
  });
  pgm.addConstraint('role_permissions', 'role_permissions_pkey', {
    primaryKey: ['role', 'permission'],
  });

  pgm.createTable('users', {
    id: { type: 'uuid', primaryKey: true, default: pgm.func('gen_random_uuid()') },
    username: { type: 'text', notNull: true, unique: true },
    display_name: { type: 'text' },
    password_hash: { type: 'text', notNull: true },
    fabric_identity: { type: 'text' },
    disabled: { type: 'boolean', notNull: true, default: false },
    failed_logins: { type: 'integer', notNull: true, default: 0 },
    locked_until: { type: 'timestamptz' },
    last_login_at: { type: 'timestamptz' },
    password_changed_at: { type: 'timestamptz', notNull: true, default: pgm.func('now()') },
    created_by: { type: 'text' },
    created_at: { type: 'timestamptz', notNull: true, default: pgm.func('now()') },
    updated_at: { type: 'timestamptz', notNull: true, default: pgm.func('now()') },
  });
  pgm.addConstraint('users', 'users_username_check', {
    check: "username ~ '^[a-z0-9][a-z0-9._-]{2,63}$'",
  });
  pgm.createTable('user_roles', {
    user_id: { type: 'uuid', notNull: true, references: 'users', onDelete: 'CASCADE' },
    role: { type: 'text', notNull: true, references: 'roles' },
  });
  pgm.addConstraint('user_roles', 'user_roles_pkey', { primaryKey: ['user_id', 'role'] });

  // A login is a session; its refresh tokens rotate, and reusing a spent one ends the session.
  pgm.createTable('sessions', {
    id: { type: 'uuid', primaryKey: true },
    user_id: { type: 'uuid', notNull: true, references: 'users', onDelete: 'CASCADE' },
    created_at: { type: 'timestamptz', notNull: true, default: pgm.func('now()') },
    refreshed_at: { type: 'timestamptz' },
    revoked_at: { type: 'timestamptz' },
    revoked_reason: { type: 'text' },
    ip: { type: 'text' },
    user_agent: { type: 'text' },
  });
  pgm.createIndex('sessions', 'user_id');
  pgm.createTable('refresh_tokens', {
    id: { type: 'uuid', primaryKey: true },
    session_id: { type: 'uuid', notNull: true, references: 'sessions', onDelete: 'CASCADE' },
    // SHA-256 of the secret part; the token itself is never stored.
    secret_hash: { type: 'bytea', notNull: true },
    issued_at: { type: 'timestamptz', notNull: true, default: pgm.func('now()') },
    expires_at: { type: 'timestamptz', notNull: true },
    used_at: { type: 'timestamptz' },
  });
  pgm.createIndex('refresh_tokens', 'session_id');

  pgm.createTable('audit_log', {
    id: { type: 'bigserial', primaryKey: true },
    occurred_at: { type: 'timestamptz', notNull: true, default: pgm.func('now()') },
    // No foreign key: the trail outlives the accounts it mentions.
    user_id: { type: 'uuid' },
    username: { type: 'text' },
    roles: { type: 'text[]', notNull: true, default: pgm.func("'{}'") },
    action: { type: 'text', notNull: true },
    method: { type: 'text', notNull: true },
    path: { type: 'text', notNull: true },
    status: { type: 'integer', notNull: true },
    outcome: { type: 'text', notNull: true },
    correlation_id: { type: 'text' },
    ip: { type: 'text' },
    target: { type: 'text' },
    request_id: { type: 'text' },
    tx_id: { type: 'text' },
    error_code: { type: 'text' },
    detail: { type: 'jsonb' },
  });
  pgm.addConstraint('audit_log', 'audit_log_outcome_check', {
    check: "outcome IN ('success', 'accepted', 'denied', 'rejected', 'failed')",
  });
  pgm.createIndex('audit_log', 'occurred_at');
  pgm.createIndex('audit_log', ['username', 'id']);
  pgm.createIndex('audit_log', 'correlation_id');
  // The trail is append-only, even for the app-api's own database user.
  pgm.sql(`
    CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'audit_log is append-only';
    END $$;
    CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
      FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
  `);

  // Writes relayed to the DAPP: who asked, so that only they (or a reader of any) see the status.
  pgm.createTable('write_requests', {
    request_id: { type: 'text', primaryKey: true },
    user_id: { type: 'uuid', notNull: true },
    username: { type: 'text', notNull: true },
    action: { type: 'text', notNull: true },
    mode: { type: 'text', notNull: true },
    target: { type: 'text' },
    correlation_id: { type: 'text' },
    status: { type: 'text', notNull: true },
    tx_id: { type: 'text' },
    block_number: { type: 'bigint' },
    created_at: { type: 'timestamptz', notNull: true, default: pgm.func('now()') },
    updated_at: { type: 'timestamptz', notNull: true, default: pgm.func('now()') },
  });
  pgm.createIndex('write_requests', 'correlation_id');
  pgm.createIndex('write_requests', 'tx_id');

  for (const [name, description] of Object.entries(PERMISSIONS)) {
    pgm.sql(
      `INSERT INTO permissions (name, description) VALUES (${literal(name)}, ${literal(description)})`,
    );
  }
  for (const [name, role] of Object.entries(ROLES)) {
    pgm.sql(
      `INSERT INTO roles (name, description) VALUES (${literal(name)}, ${literal(role.description)})`,
    );
    for (const permission of role.permissions) {
      pgm.sql(
        `INSERT INTO role_permissions (role, permission) VALUES (${literal(name)}, ${literal(permission)})`,
      );
    }
  }
}

export async function down(pgm: MigrationBuilder): Promise<void> {
  pgm.dropTable('write_requests');
  pgm.sql('DROP TRIGGER audit_log_append_only ON audit_log');
  pgm.sql('DROP FUNCTION audit_log_append_only()');
  pgm.dropTable('audit_log');
  pgm.dropTable('refresh_tokens');
  pgm.dropTable('sessions');
  pgm.dropTable('user_roles');
  pgm.dropTable('users');
  pgm.dropTable('role_permissions');
  pgm.dropTable('permissions');
  pgm.dropTable('roles');
}
