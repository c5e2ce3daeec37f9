// SPDX-License-Identifier: Apache-2.0
import type pg from 'pg';

/** A user as the API shows it; the password hash never leaves the store. */
export interface User {
  id: string;
  username: string;
  displayName: string | null;
  fabricIdentity: string | null;
  disabled: boolean;
  roles: string[];
  lockedUntil: string | null;
  lastLoginAt: string | null;
  createdAt: string;
  updatedAt: string;
  createdBy: string | null;
}

export interface UserWithSecret extends User {
  passwordHash: string;
  failedLogins: number;
}

/** A user's standing for one request: roles and permissions now, and whether the session lives. */
export interface PrincipalRow {
  user: User;
  permissions: string[];
  sessionRevoked: boolean;
}

export interface NewUser {
  username: string;
  passwordHash: string;
  displayName?: string | null;
  fabricIdentity?: string | null;
  roles: string[];
  createdBy: string | null;
}

export interface UserChanges {
  displayName?: string | null;
  fabricIdentity?: string | null;
  disabled?: boolean;
  roles?: string[];
  passwordHash?: string;
}

/** The change would leave no enabled administrator. */
export class LastAdminError extends Error {
  constructor() {
    super('at least one enabled user must keep the admin role');
    this.name = 'LastAdminError';
  }
}

export class DuplicateUserError extends Error {
  constructor(readonly username: string) {
    super(`a user named '${username}' already exists`);
    this.name = 'DuplicateUserError';
  }
}

export class UnknownRoleError extends Error {
  constructor(readonly roles: string[]) {
    super(`unknown role(s): ${roles.join(', ')}`);
    this.name = 'UnknownRoleError';
  }
}

interface UserRow {
  id: string;
  username: string;
  display_name: string | null;
  fabric_identity: string | null;
  disabled: boolean;
  roles: string[];
  locked_until: Date | null;
  last_login_at: Date | null;
  created_at: Date;
  updated_at: Date;
  created_by: string | null;
  password_hash: string;
  failed_logins: number;
}

const iso = (date: Date | null) => (date ? date.toISOString() : null);

function toUser(row: UserRow): User {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    fabricIdentity: row.fabric_identity,
    disabled: row.disabled,
    roles: [...row.roles].sort(),
    lockedUntil: iso(row.locked_until),
    lastLoginAt: iso(row.last_login_at),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    createdBy: row.created_by,
  };
}

/** The user without what only the store may see. */
export function visible(user: User): User {
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    fabricIdentity: user.fabricIdentity,
    disabled: user.disabled,
    roles: user.roles,
    lockedUntil: user.lockedUntil,
    lastLoginAt: user.lastLoginAt,
    createdAt: user.createdAt,
    updatedAt: user.updatedAt,
    createdBy: user.createdBy,
  };
}

const SELECT_USER = `
  SELECT u.*, COALESCE(array_agg(ur.role) FILTER (WHERE ur.role IS NOT NULL), '{}') AS roles
    FROM users u LEFT JOIN user_roles ur ON ur.user_id = u.id`;

export class UserStore {
  constructor(private readonly pool: pg.Pool) {}

  async findByUsername(username: string): Promise<UserWithSecret | undefined> {
    const { rows } = await this.pool.query<UserRow>(
      `${SELECT_USER} WHERE u.username = $1 GROUP BY u.id`,
      [username],
    );
    const row = rows[0];
    return row
      ? { ...toUser(row), passwordHash: row.password_hash, failedLogins: row.failed_logins }
      : undefined;
  }

  async findById(id: string): Promise<UserWithSecret | undefined> {
    const { rows } = await this.pool.query<UserRow>(
      `${SELECT_USER} WHERE u.id = $1 GROUP BY u.id`,
      [id],
    );
    const row = rows[0];
    return row
      ? { ...toUser(row), passwordHash: row.password_hash, failedLogins: row.failed_logins }
      : undefined;
  }

  /** One query per request: the user, their permissions through their roles, and the session. */
  async principal(userId: string, sessionId: string): Promise<PrincipalRow | undefined> {
    const { rows } = await this.pool.query<
      UserRow & { permissions: string[]; session_revoked: boolean }
    >(
      `SELECT u.*,
              COALESCE(array_agg(DISTINCT ur.role) FILTER (WHERE ur.role IS NOT NULL), '{}') AS roles,
              COALESCE(array_agg(DISTINCT rp.permission) FILTER (WHERE rp.permission IS NOT NULL), '{}') AS permissions,
              s.revoked_at IS NOT NULL AS session_revoked
         FROM users u
         JOIN sessions s ON s.user_id = u.id AND s.id = $2
         LEFT JOIN user_roles ur ON ur.user_id = u.id
         LEFT JOIN role_permissions rp ON rp.role = ur.role
        WHERE u.id = $1
        GROUP BY u.id, s.id`,
      [userId, sessionId],
    );
    const row = rows[0];
    if (!row) return undefined;
    return {
      user: toUser(row),
      permissions: row.permissions,
      sessionRevoked: row.session_revoked,
    };
  }

  async list(options: {
    limit: number;
    after?: string;
    role?: string;
    disabled?: boolean;
  }): Promise<User[]> {
    const conditions: string[] = [];
    const values: unknown[] = [];
    if (options.after !== undefined) {
      values.push(options.after);
      conditions.push(`u.username > $${values.length}`);
    }
    if (options.disabled !== undefined) {
      values.push(options.disabled);
      conditions.push(`u.disabled = $${values.length}`);
    }
    if (options.role !== undefined) {
      values.push(options.role);
      conditions.push(
        `EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role = $${values.length})`,
      );
    }
    values.push(options.limit);
    const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
    const { rows } = await this.pool.query<UserRow>(
      `${SELECT_USER} ${where} GROUP BY u.id ORDER BY u.username LIMIT $${values.length}`,
      values,
    );
    return rows.map(toUser);
  }

  async roles(): Promise<{ name: string; description: string; permissions: string[] }[]> {
    const { rows } = await this.pool.query<{
      name: string;
      description: string;
      permissions: string[];
    }>(
      `SELECT r.name, r.description,
              COALESCE(array_agg(rp.permission ORDER BY rp.permission) FILTER (WHERE rp.permission IS NOT NULL), '{}') AS permissions
         FROM roles r LEFT JOIN role_permissions rp ON rp.role = r.name
        GROUP BY r.name ORDER BY r.name`,
    );
    return rows;
  }

  private async checkRoles(client: pg.PoolClient, roles: string[]): Promise<void> {
    const { rows } = await client.query<{ name: string }>(
      'SELECT name FROM roles WHERE name = ANY($1)',
      [roles],
    );
    const known = new Set(rows.map((row) => row.name));
    const unknown = roles.filter((role) => !known.has(role));
    if (unknown.length > 0) throw new UnknownRoleError(unknown);
  }

  private async inTransaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async create(user: NewUser): Promise<User> {
    const id = await this.inTransaction(async (client) => {
      await this.checkRoles(client, user.roles);
      let inserted: { id: string } | undefined;
      try {
        ({
          rows: [inserted],
        } = await client.query<{ id: string }>(
          `INSERT INTO users (username, password_hash, display_name, fabric_identity, created_by)
           VALUES ($1, $2, $3, $4, $5) RETURNING id`,
          [
            user.username,
            user.passwordHash,
            user.displayName ?? null,
            user.fabricIdentity ?? null,
            user.createdBy,
          ],
        ));
      } catch (error) {
        if ((error as { code?: string }).code === '23505') {
          throw new DuplicateUserError(user.username);
        }
        throw error;
      }
      if (!inserted) throw new Error('the new user was not returned');
      for (const role of new Set(user.roles)) {
        await client.query('INSERT INTO user_roles (user_id, role) VALUES ($1, $2)', [
          inserted.id,
          role,
        ]);
      }
      return inserted.id;
    });
    const created = await this.findById(id);
    if (!created) throw new Error(`user ${id} vanished after it was created`);
    return visible(created);
  }

  /** Applies the changes in one transaction; refuses to leave the system without an admin. */
  async update(username: string, changes: UserChanges): Promise<User | undefined> {
    const id = await this.inTransaction(async (client) => {
      // Serializes concurrent changes to roles and disabling, so the last-admin check holds.
      await client.query('LOCK TABLE user_roles IN SHARE ROW EXCLUSIVE MODE');
      const { rows } = await client.query<{ id: string }>(
        'SELECT id FROM users WHERE username = $1 FOR UPDATE',
        [username],
      );
      const userId = rows[0]?.id;
      if (!userId) return undefined;
      const sets: string[] = [];
      const values: unknown[] = [];
      const set = (column: string, value: unknown) => {
        values.push(value);
        sets.push(`${column} = $${values.length}`);
      };
      if (changes.displayName !== undefined) set('display_name', changes.displayName);
      if (changes.fabricIdentity !== undefined) set('fabric_identity', changes.fabricIdentity);
      if (changes.disabled !== undefined) set('disabled', changes.disabled);
      if (changes.passwordHash !== undefined) {
        set('password_hash', changes.passwordHash);
        sets.push('password_changed_at = now()', 'failed_logins = 0', 'locked_until = NULL');
      }
      sets.push('updated_at = now()');
      values.push(userId);
      await client.query(
        `UPDATE users SET ${sets.join(', ')} WHERE id = $${values.length}`,
        values,
      );
      if (changes.roles !== undefined) {
        await this.checkRoles(client, changes.roles);
        await client.query('DELETE FROM user_roles WHERE user_id = $1', [userId]);
        for (const role of new Set(changes.roles)) {
          await client.query('INSERT INTO user_roles (user_id, role) VALUES ($1, $2)', [
            userId,
            role,
          ]);
        }
      }
      if (changes.roles !== undefined || changes.disabled !== undefined) {
        const { rows: admins } = await client.query<{ count: string }>(
          `SELECT count(*) AS count FROM users u JOIN user_roles r ON r.user_id = u.id
            WHERE r.role = 'admin' AND NOT u.disabled`,
        );
        if (Number(admins[0]?.count) === 0) throw new LastAdminError();
      }
      return userId;
    });
    const updated = id === undefined ? undefined : await this.findById(id);
    return updated && visible(updated);
  }

  async countActiveAdmins(): Promise<number> {
    const { rows } = await this.pool.query<{ count: string }>(
      `SELECT count(*) AS count FROM users u JOIN user_roles r ON r.user_id = u.id
        WHERE r.role = 'admin' AND NOT u.disabled`,
    );
    return Number(rows[0]?.count);
  }

  /**
   * Takes one login attempt for the user before the password is checked, in one statement so
   * parallel guesses cannot pass the lock-out between a read and a write: the attempt is counted
   * as a failure up front (a successful login clears the count, `recordLogin`), the attempt that
   * reaches the threshold locks the account for `lockMs`, and while it is locked no attempt is
   * given. An expired lock starts a new count. Answers whether the password may be checked, and
   * the lock's end when the account is (now) locked.
   */
  async takeLoginAttempt(
    userId: string,
    threshold: number,
    lockMs: number,
  ): Promise<{ granted: boolean; lockedUntil?: Date }> {
    const { rows } = await this.pool.query<{ locked_until: Date | null }>(
      `UPDATE users
          SET failed_logins = (CASE WHEN locked_until IS NULL THEN failed_logins ELSE 0 END) + 1,
              locked_until = CASE
                WHEN (CASE WHEN locked_until IS NULL THEN failed_logins ELSE 0 END) + 1 >= $2
                THEN now() + make_interval(secs => $3::double precision / 1000)
                ELSE NULL END
        WHERE id = $1 AND (locked_until IS NULL OR locked_until <= now())
        RETURNING locked_until`,
      [userId, threshold, lockMs],
    );
    const taken = rows[0];
    if (taken) return { granted: true, lockedUntil: taken.locked_until ?? undefined };
    const { rows: locked } = await this.pool.query<{ locked_until: Date | null }>(
      'SELECT locked_until FROM users WHERE id = $1',
      [userId],
    );
    return {
      granted: false,
      lockedUntil: locked[0]?.locked_until ?? new Date(Date.now() + lockMs),
    };
  }

  async recordLogin(userId: string, newPasswordHash?: string): Promise<void> {
    await this.pool.query(
      `UPDATE users SET failed_logins = 0, locked_until = NULL, last_login_at = now(),
              password_hash = COALESCE($2, password_hash)
        WHERE id = $1`,
      [userId, newPasswordHash ?? null],
    );
  }
}
