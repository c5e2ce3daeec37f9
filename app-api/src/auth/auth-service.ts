// SPDX-License-Identifier: Apache-2.0
import type { SessionStore } from '../store/sessions';
import type { User, UserStore } from '../store/users';
import { hashPassword, needsRehash, verifyAgainstNothing, verifyPassword } from './passwords';
import type { AccessTokens } from './tokens';
import { parseRefreshToken } from './tokens';

/** A login, refresh or logout that did not succeed; the HTTP layer turns it into an answer. */
export class AuthFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly userId?: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'AuthFailure';
  }
}

export interface TokenPair {
  tokenType: 'Bearer';
  accessToken: string;
  expiresIn: number;
  refreshToken: string;
  refreshExpiresIn: number;
  user: User & { permissions: string[] };
}

export interface AuthPolicy {
  passwordCost: number;
  lockoutThreshold: number;
  lockoutMs: number;
}

const INVALID_CREDENTIALS = 'wrong user name or password';

/** Logins with lock-out, rotating refresh tokens, logout, password changes. */
export class AuthService {
  constructor(
    private readonly users: UserStore,
    private readonly sessions: SessionStore,
    private readonly tokens: AccessTokens,
    private readonly policy: AuthPolicy,
  ) {}

  private async pair(
    userId: string,
    sessionId: string,
    refreshToken: string,
    refreshExpiresIn: number,
  ): Promise<TokenPair> {
    const principal = await this.users.principal(userId, sessionId);
    if (!principal) throw new AuthFailure(401, 'SESSION_REVOKED', 'the session has ended');
    const { user, permissions } = principal;
    const access = await this.tokens.issue({
      sub: user.id,
      sid: sessionId,
      username: user.username,
      roles: user.roles,
    });
    return {
      tokenType: 'Bearer',
      accessToken: access.token,
      expiresIn: access.expiresIn,
      refreshToken,
      refreshExpiresIn,
      user: { ...user, permissions: [...permissions].sort() },
    };
  }

  async login(
    username: string,
    password: string,
    client: { ip?: string; userAgent?: string },
  ): Promise<TokenPair> {
    const user = await this.users.findByUsername(username.toLowerCase());
    if (!user) {
      await verifyAgainstNothing(password, this.policy.passwordCost);
      throw new AuthFailure(401, 'INVALID_CREDENTIALS', INVALID_CREDENTIALS);
    }
    // The attempt is taken before the (slow) password check, so N parallel guesses get at most
    // the threshold's worth of checks.
    const attempt = await this.users.takeLoginAttempt(
      user.id,
      this.policy.lockoutThreshold,
      this.policy.lockoutMs,
    );
    if (!attempt.granted) {
      const lockedFor = (attempt.lockedUntil?.getTime() ?? Date.now()) - Date.now();
      throw new AuthFailure(
        423,
        'ACCOUNT_LOCKED',
        'the account is locked after repeated failed logins; try again later',
        user.id,
        Math.max(1, Math.ceil(lockedFor / 1000)),
      );
    }
    if (!(await verifyPassword(password, user.passwordHash))) {
      const lockedUntil = attempt.lockedUntil;
      if (lockedUntil) {
        throw new AuthFailure(
          423,
          'ACCOUNT_LOCKED',
          `too many failed logins: the account is locked until ${lockedUntil.toISOString()}`,
          user.id,
          Math.ceil((lockedUntil.getTime() - Date.now()) / 1000),
        );
      }
      throw new AuthFailure(401, 'INVALID_CREDENTIALS', INVALID_CREDENTIALS, user.id);
    }
    // Only someone who knows the password learns that the account is disabled.
    if (user.disabled) {
      throw new AuthFailure(403, 'ACCOUNT_DISABLED', 'the account is disabled', user.id);
    }
    const rehash = needsRehash(user.passwordHash, this.policy.passwordCost)
      ? await hashPassword(password, this.policy.passwordCost)
      : undefined;
    await this.users.recordLogin(user.id, rehash);
    const issued = await this.sessions.create(user.id, client);
    return this.pair(user.id, issued.sessionId, issued.refreshToken, issued.expiresIn);
  }

  async refresh(refreshToken: string): Promise<TokenPair> {
    const parts = parseRefreshToken(refreshToken);
    if (!parts) throw new AuthFailure(401, 'INVALID_REFRESH_TOKEN', 'not a refresh token');
    const result = await this.sessions.rotate(parts);
    switch (result.outcome) {
      case 'invalid':
        throw new AuthFailure(401, 'INVALID_REFRESH_TOKEN', 'unknown refresh token');
      case 'expired':
        throw new AuthFailure(
          401,
          'REFRESH_TOKEN_EXPIRED',
          'the refresh token has expired; log in again',
          result.userId,
        );
      case 'revoked':
        throw new AuthFailure(
          401,
          'SESSION_REVOKED',
          'the session has ended; log in again',
          result.userId,
        );
      case 'reused':
        throw new AuthFailure(
          401,
          'REFRESH_TOKEN_REUSED',
          'this refresh token was already used: the session is ended for safety; log in again',
          result.userId,
        );
      case 'rotated': {
        const user = await this.users.findById(result.userId);
        if (!user || user.disabled) {
          await this.sessions.revoke(result.issued.sessionId, 'user disabled');
          throw new AuthFailure(401, 'ACCOUNT_DISABLED', 'the account is disabled', result.userId);
        }
        return this.pair(
          result.userId,
          result.issued.sessionId,
          result.issued.refreshToken,
          result.issued.expiresIn,
        );
      }
    }
  }

  /** Ends the session the refresh token belongs to; answers its user. */
  async logout(refreshToken: string): Promise<string> {
    const parts = parseRefreshToken(refreshToken);
    const session = parts ? await this.sessions.sessionOf(parts) : undefined;
    if (!session) throw new AuthFailure(401, 'INVALID_REFRESH_TOKEN', 'unknown refresh token');
    await this.sessions.revoke(session.sessionId, 'logout');
    return session.userId;
  }

  /** Checks the current password, stores the new one, and ends the user's other sessions. */
  async changePassword(
    userId: string,
    sessionId: string,
    currentPassword: string,
    newPassword: string,
  ): Promise<void> {
    const user = await this.users.findById(userId);
    if (!user || !(await verifyPassword(currentPassword, user.passwordHash))) {
      throw new AuthFailure(403, 'WRONG_PASSWORD', 'the current password is wrong', userId);
    }
    await this.users.update(user.username, {
      passwordHash: await hashPassword(newPassword, this.policy.passwordCost),
    });
    await this.sessions.revokeAll(userId, 'password changed', sessionId);
  }
}
