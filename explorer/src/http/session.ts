// SPDX-License-Identifier: Apache-2.0
import { jwtVerify, SignJWT } from 'jose';

export const SESSION_COOKIE = 'explorer_session';
const ISSUER = 'consortia-explorer';
const AUDIENCE = 'explorer';

/** Signs and checks the session token kept in an HttpOnly cookie (HS256, short-lived). */
export class SessionSigner {
  readonly #key: Uint8Array;

  constructor(
    secret: string,
    readonly lifetimeSeconds: number,
  ) {
    this.#key = new TextEncoder().encode(secret);
  }

  async issue(user: string, now = new Date()): Promise<string> {
    const issuedAt = Math.floor(now.getTime() / 1000);
    return new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(user)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + this.lifetimeSeconds)
      .sign(this.#key);
  }

  /** The user a valid, unexpired token names; undefined for anything else. */
  async verify(token: string, now = new Date()): Promise<string | undefined> {
    try {
      const { payload } = await jwtVerify(token, this.#key, {
        issuer: ISSUER,
        audience: AUDIENCE,
        algorithms: ['HS256'],
        currentDate: now,
      });
      return typeof payload.sub === 'string' ? payload.sub : undefined;
    } catch {
      return undefined;
    }
  }
}

/** The value of one cookie in a Cookie header (no dependency needed for one name). */
export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const separator = part.indexOf('=');
    if (separator < 0) continue;
    if (part.slice(0, separator).trim() !== name) continue;
    const value = part.slice(separator + 1).trim();
    try {
      return decodeURIComponent(value);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** Set-Cookie for the session: HttpOnly, SameSite=Strict, Secure whenever served over https. */
export function sessionCookie(token: string, maxAgeSeconds: number, secure: boolean): string {
  const attributes = [
    `${SESSION_COOKIE}=${encodeURIComponent(token)}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Strict',
    `Max-Age=${maxAgeSeconds}`,
  ];
  if (secure) attributes.push('Secure');
  return attributes.join('; ');
}

export function clearedSessionCookie(secure: boolean): string {
  return sessionCookie('', 0, secure);
}

/**
 * Counts failed logins per client address and refuses more than `limit` within `windowMs`, so
 * the operator password cannot be guessed at the speed of the network. There is one operator
 * account, so failures from all clients together are capped too (`globalLimit`): a client with
 * many addresses gets no more guesses than that, whatever it sends.
 */
export class LoginThrottle {
  readonly #failures = new Map<string, number[]>();
  #all: number[] = [];

  constructor(
    private readonly limit = 10,
    private readonly windowMs = 10 * 60_000,
    private readonly globalLimit = 100,
    private readonly maxClients = 10_000,
  ) {}

  #recent(client: string, now: number): number[] {
    const recent = (this.#failures.get(client) ?? []).filter((at) => now - at < this.windowMs);
    if (recent.length === 0) this.#failures.delete(client);
    else this.#failures.set(client, recent);
    return recent;
  }

  #recentAll(now: number): number[] {
    this.#all = this.#all.filter((at) => now - at < this.windowMs);
    return this.#all;
  }

  blocked(client: string, now = Date.now()): boolean {
    return (
      this.#recent(client, now).length >= this.limit ||
      this.#recentAll(now).length >= this.globalLimit
    );
  }

  fail(client: string, now = Date.now()): void {
    // bounded memory: a flood of addresses forgets the oldest clients first; the global count
    // still holds every recent failure
    if (!this.#failures.has(client) && this.#failures.size >= this.maxClients) {
      const oldest = this.#failures.keys().next().value;
      if (oldest !== undefined) this.#failures.delete(oldest);
    }
    const recent = [...this.#recent(client, now), now];
    this.#failures.delete(client);
    this.#failures.set(client, recent);
    this.#recentAll(now).push(now);
  }

  succeed(client: string): void {
    this.#failures.delete(client);
  }
}
