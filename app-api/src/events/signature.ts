// SPDX-License-Identifier: Apache-2.0
import crypto from 'node:crypto';

/** Headers of a webhook delivery. */
export const SIGNATURE_HEADER = 'x-consortia-signature';
export const TIMESTAMP_HEADER = 'x-consortia-timestamp';
export const DELIVERY_HEADER = 'x-consortia-delivery';

/** A new webhook secret: 32 random bytes, base64url. */
export const newWebhookSecret = (): string => crypto.randomBytes(32).toString('base64url');

/**
 * `v1=<hex HMAC-SHA256 of "<timestamp>.<body>">`: the timestamp is signed with the body, so a
 * receiver that refuses old timestamps also refuses a replayed request.
 */
export function signature(secret: string, timestamp: string, body: string): string {
  const mac = crypto.createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return `v1=${mac}`;
}

/**
 * What a receiver checks: the signature matches (in constant time) and the timestamp (seconds
 * since the epoch) is within `toleranceSeconds` of now.
 */
export function verifySignature(
  secret: string,
  headers: { signature: string | undefined; timestamp: string | undefined },
  body: string,
  toleranceSeconds = 300,
  now = Date.now(),
): boolean {
  if (!headers.signature || !headers.timestamp || !/^\d{1,15}$/.test(headers.timestamp))
    return false;
  if (Math.abs(now / 1000 - Number(headers.timestamp)) > toleranceSeconds) return false;
  const expected = Buffer.from(signature(secret, headers.timestamp, body));
  const given = Buffer.from(headers.signature);
  return expected.length === given.length && crypto.timingSafeEqual(expected, given);
}
