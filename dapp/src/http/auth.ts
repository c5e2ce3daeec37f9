// SPDX-License-Identifier: Apache-2.0
import crypto from 'node:crypto';
import type { TLSSocket } from 'node:tls';

import { verifyScryptHash } from '@consortia/common/crypto';
import type { RequestHandler } from 'express';

import type { Caller } from '../access/callers';
import { apiKeyCaller, certificateCaller } from '../access/callers';
import type { ApiKeyEntry } from './api-keys';
import { AuthThrottle, TooManyAttempts } from './auth-throttle';
import { ApiError } from './errors';

export type { ApiKeyEntry } from './api-keys';
export { hashApiKey, parseApiKeyEntries, rescopeApiKeyEntry } from './api-keys';
export type { Caller } from '../access/callers';

/**
 * Checks presented keys against the scrypt hashes. scrypt is deliberately slow, so a key that
 * verified once is remembered by its SHA-256 (in memory only) to keep high request rates cheap;
 * every other check passes the throttle first, which refuses sources that keep failing and
 * bounds the scrypt work running at once.
 */
export class ApiKeyVerifier {
  private readonly verified = new Map<string, string>();

  constructor(
    private readonly entries: Map<string, ApiKeyEntry>,
    private readonly throttle: AuthThrottle = new AuthThrottle(),
    private readonly cacheSize = 1_000,
  ) {}

  get configured(): boolean {
    return this.entries.size > 0;
  }

  /**
   * The key's name when it is valid, otherwise undefined. Throws TooManyAttempts, before any
   * scrypt work, when `source` (the client address) or everyone failed too often.
   */
  async verify(key: string, source = 'local'): Promise<string | undefined> {
    const fingerprint = crypto.createHash('sha256').update(key).digest('base64url');
    const known = this.verified.get(fingerprint);
    if (known) return known;
    this.throttle.admit(source);
    const name = key.slice(0, Math.max(0, key.indexOf('.')));
    const entry = this.entries.get(name);
    if (!entry) {
      this.throttle.recordFailure(source);
      return undefined;
    }
    const verified = await this.throttle.withSlot(() => verifyScryptHash(key, entry.hash));
    if (!verified) {
      this.throttle.recordFailure(source);
      return undefined;
    }
    if (this.verified.size >= this.cacheSize) this.verified.clear();
    this.verified.set(fingerprint, entry.name);
    return entry.name;
  }
}

export function presentedKey(headers: {
  authorization?: string;
  'x-api-key'?: string | string[];
}): string | undefined {
  const header = headers['x-api-key'];
  if (typeof header === 'string' && header !== '') return header;
  const match = /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? '');
  return match?.[1];
}

/**
 * Requires an API key or a client certificate the HTTPS listener verified. No route behind it
 * is reachable without one. The caller is left in `response.locals.caller`.
 */
export function authenticate(verifier: ApiKeyVerifier): RequestHandler {
  return async (request, response, next) => {
    const socket = request.socket as Partial<TLSSocket>;
    if (socket.encrypted && socket.authorized && socket.getPeerCertificate) {
      const certificate = socket.getPeerCertificate();
      const subject = certificate.subject as Record<string, string | string[]> | undefined;
      const commonName = subject?.CN;
      const caller: Caller = certificateCaller(
        (Array.isArray(commonName) ? commonName[0] : commonName) ?? 'unnamed',
      );
      response.locals.caller = caller;
      next();
      return;
    }
    const key = presentedKey(request.headers);
    if (!key) {
      response.setHeader('WWW-Authenticate', 'Bearer realm="dapp"');
      throw new ApiError(
        401,
        'UNAUTHENTICATED',
        'an API key (x-api-key header or Authorization: Bearer) or a client certificate is required',
      );
    }
    let name: string | undefined;
    try {
      // The socket's address, not X-Forwarded-For, which any client can write.
      name = await verifier.verify(key, request.socket.remoteAddress ?? 'unknown');
    } catch (error) {
      if (!(error instanceof TooManyAttempts)) throw error;
      const seconds = Math.max(1, Math.ceil(error.retryAfterMs / 1000));
      response.setHeader('Retry-After', String(seconds));
      throw new ApiError(429, 'TOO_MANY_ATTEMPTS', `${error.message}; retry in ${seconds} s`);
    }
    if (!name) throw new ApiError(401, 'INVALID_API_KEY', 'the API key is not valid');
    const caller: Caller = apiKeyCaller(name);
    response.locals.caller = caller;
    next();
  };
}
