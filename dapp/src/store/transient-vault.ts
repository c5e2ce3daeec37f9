// SPDX-License-Identifier: Apache-2.0
import crypto from 'node:crypto';

import { DEFAULT_IDENTITY } from '../fabric/identity';
import { open, seal } from '../sealing';

const VERSION = 1;

/** What identifies a request's content: a reused id with anything else here is another request. */
export interface RequestContent {
  channel: string;
  chaincode: string;
  transactionName: string;
  args: readonly string[];
  identity: string | undefined;
  transient: Record<string, string>;
}

/** DAPP_TRANSIENT_KEY: 32 bytes as 64 hex digits or base64(url). The text itself is never echoed. */
export function parseTransientKey(text: string | undefined): Buffer | undefined {
  if (text === undefined) return undefined;
  const trimmed = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed)
    ? Buffer.from(trimmed, 'hex')
    : Buffer.from(trimmed, trimmed.includes('+') || trimmed.includes('/') ? 'base64' : 'base64url');
  if (key.length !== 32) {
    throw new Error(
      'DAPP_TRANSIENT_KEY must be 32 bytes, as 64 hex digits or base64 (make one with `openssl rand -base64 32`)',
    );
  }
  return key;
}

function canonicalTransient(transient: Record<string, string>): string {
  return JSON.stringify(
    Object.keys(transient)
      .sort()
      .map((name) => [name, transient[name]]),
  );
}

/**
 * Seals transient data (AES-256-GCM, a fresh IV each time, bound to its request id so a sealed
 * value cannot be moved to another request) and computes request hashes.
 *
 * With a key, a request hash is an HMAC under a key derived from it (`k:`), so a stored hash
 * reveals nothing about low-entropy private values. Without one the DAPP cannot queue transient
 * data, and the hash is a plain SHA-256 (`s:`) in which transient data (sync requests only, never
 * queued) counts through an HMAC under a key of this process alone.
 */
export class TransientVault {
  private readonly hashKey: Buffer | undefined;
  private readonly processKey = crypto.randomBytes(32);

  constructor(private readonly key: Buffer | undefined) {
    this.hashKey = key
      ? Buffer.from(crypto.hkdfSync('sha256', key, Buffer.alloc(0), 'dapp request hash', 32))
      : undefined;
  }

  /** Whether transient data may be queued (a key is configured). */
  get enabled(): boolean {
    return this.key !== undefined;
  }

  seal(requestId: string, transient: Record<string, string>): Buffer {
    if (!this.key) throw new Error('DAPP_TRANSIENT_KEY is not set');
    return seal(this.key, requestId, Buffer.from(JSON.stringify(transient), 'utf8'));
  }

  /** Throws when the value was altered, sealed for another request, or under another key. */
  open(requestId: string, sealed: Buffer): Record<string, string> {
    if (!this.key) throw new Error('DAPP_TRANSIENT_KEY is not set');
    const text = open(this.key, requestId, sealed, 'sealed transient data has an unknown format');
    return JSON.parse(text.toString('utf8')) as Record<string, string>;
  }

  /** A hash of everything that makes the request what it is. */
  requestHash(content: RequestContent): string {
    return this.hashKey ? this.keyed(this.hashKey, content) : this.plain(content);
  }

  /** Whether `content` is the request `stored` was computed for (under the scheme it names). */
  matches(stored: string | undefined, content: RequestContent): boolean {
    if (stored === undefined) return false;
    const computed = stored.startsWith('k:')
      ? this.hashKey && this.keyed(this.hashKey, content)
      : this.plain(content);
    // eslint-disable-next-line @typescript-eslint/prefer-optional-chain -- an empty digest must fail too
    if (!computed || computed.length !== stored.length) return false;
    return crypto.timingSafeEqual(Buffer.from(computed), Buffer.from(stored));
  }

  private fields(content: RequestContent, transient: string | null): string {
    return JSON.stringify([
      VERSION,
      content.channel,
      content.chaincode,
      content.transactionName,
      content.args,
      content.identity ?? DEFAULT_IDENTITY,
      transient,
    ]);
  }

  private keyed(key: Buffer, content: RequestContent): string {
    const transient =
      Object.keys(content.transient).length === 0 ? null : canonicalTransient(content.transient);
    const hmac = crypto.createHmac('sha256', key).update(this.fields(content, transient));
    return `k:${hmac.digest('base64url')}`;
  }

  private plain(content: RequestContent): string {
    const transient =
      Object.keys(content.transient).length === 0
        ? null
        : crypto
            .createHmac('sha256', this.processKey)
            .update(canonicalTransient(content.transient))
            .digest('base64url');
    const hash = crypto.createHash('sha256').update(this.fields(content, transient));
    return `s:${hash.digest('base64url')}`;
  }
}
