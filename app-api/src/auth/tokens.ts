// SPDX-License-Identifier: Apache-2.0
import crypto from 'node:crypto';

import { SignJWT, errors as joseErrors, jwtVerify } from 'jose';

/** Why a presented access token is not accepted. */
export class TokenError extends Error {
  constructor(
    readonly code: 'TOKEN_EXPIRED' | 'INVALID_TOKEN',
    message: string,
  ) {
    super(message);
    this.name = 'TokenError';
  }
}

export interface AccessClaims {
  /** The user's id. */
  sub: string;
  /** The session (login) the token belongs to; revoking it ends the token at once. */
  sid: string;
  username: string;
  roles: string[];
}

export interface IssuedAccessToken {
  token: string;
  expiresIn: number;
}

const ALGORITHM = 'HS256';

/** Short-lived access tokens: HMAC-SHA256 JWTs with issuer, audience, expiry and session id. */
export class AccessTokens {
  /** The secret imported once: given as bytes, jose would import it again for every token. */
  readonly #key: Promise<crypto.webcrypto.CryptoKey>;

  constructor(
    secret: Uint8Array,
    private readonly options: { issuer: string; audience: string; ttlSeconds: number },
    private readonly now: () => number = Date.now,
  ) {
    this.#key = crypto.webcrypto.subtle.importKey(
      'raw',
      secret,
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign', 'verify'],
    );
  }

  async issue(claims: AccessClaims): Promise<IssuedAccessToken> {
    const issuedAt = Math.floor(this.now() / 1000);
    const token = await new SignJWT({
      sid: claims.sid,
      username: claims.username,
      roles: claims.roles,
    })
      .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
      .setSubject(claims.sub)
      .setIssuer(this.options.issuer)
      .setAudience(this.options.audience)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + this.options.ttlSeconds)
      .setJti(crypto.randomUUID())
      .sign(await this.#key);
    return { token, expiresIn: this.options.ttlSeconds };
  }

  /** The claims of a valid token; throws TokenError for anything else. */
  async verify(token: string): Promise<AccessClaims> {
    try {
      const { payload } = await jwtVerify(token, await this.#key, {
        issuer: this.options.issuer,
        audience: this.options.audience,
        algorithms: [ALGORITHM],
        requiredClaims: ['sub', 'exp', 'iat'],
        currentDate: new Date(this.now()),
      });
      const { sub, sid, username, roles } = payload;
      if (
        typeof sub !== 'string' ||
        typeof sid !== 'string' ||
        typeof username !== 'string' ||
        !Array.isArray(roles) ||
        !roles.every((role) => typeof role === 'string')
      ) {
        throw new TokenError('INVALID_TOKEN', 'the access token lacks the expected claims');
      }
      return { sub, sid, username, roles };
    } catch (error) {
      if (error instanceof TokenError) throw error;
      if (error instanceof joseErrors.JWTExpired) {
        throw new TokenError('TOKEN_EXPIRED', 'the access token has expired; refresh it');
      }
      throw new TokenError('INVALID_TOKEN', 'the access token is not valid');
    }
  }
}

/** A refresh token as given to the client: `<id>.<secret>`; only the secret's SHA-256 is stored. */
export interface RefreshTokenParts {
  id: string;
  secret: string;
}

const REFRESH_FORMAT =
  /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.([A-Za-z0-9_-]{43})$/;

export function newRefreshToken(): RefreshTokenParts & { token: string } {
  const id = crypto.randomUUID();
  const secret = crypto.randomBytes(32).toString('base64url');
  return { id, secret, token: `${id}.${secret}` };
}

export function parseRefreshToken(token: string): RefreshTokenParts | undefined {
  const match = REFRESH_FORMAT.exec(token);
  return match ? { id: match[1] ?? '', secret: match[2] ?? '' } : undefined;
}

export function secretHash(secret: string): Buffer {
  return crypto.createHash('sha256').update(secret).digest();
}

export function sameSecret(secret: string, storedHash: Buffer): boolean {
  const hash = secretHash(secret);
  return hash.length === storedHash.length && crypto.timingSafeEqual(hash, storedHash);
}
