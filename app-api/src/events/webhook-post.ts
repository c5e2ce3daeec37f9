// SPDX-License-Identifier: Apache-2.0
import http from 'node:http';
import https from 'node:https';

import type { WebhookAddressGuard } from './address-guard';
import { RefusedAddressError, refusalMessage } from './address-guard';
import { DELIVERY_HEADER, signature, SIGNATURE_HEADER, TIMESTAMP_HEADER } from './signature';

export interface PostOutcome {
  ok: boolean;
  error?: string;
  /** The receiver's address is refused (see {@link WebhookAddressGuard}): no retry helps. */
  refused?: boolean;
}

/** One signed POST of a batch's body, named by its batch id. */
export type Post = (
  url: string,
  secret: string,
  body: string,
  delivery: string,
) => Promise<PostOutcome>;

export interface PostOptions {
  /** Deadline of one POST. */
  timeoutMs: number;
  /** Extra CA certificates (PEM) a receiver's HTTPS certificate may chain to. */
  ca?: string;
}

/**
 * POSTs signed bodies; a 2xx answer acknowledges one. The connection goes only to an address
 * the guard accepted (its lookup resolves the name), and a redirect is a failure like any
 * other non-2xx answer: it is never followed, so it cannot lead to an address never checked.
 */
export function signedPoster(options: PostOptions, guard: WebhookAddressGuard): Post {
  return (url, secret, body, delivery) => {
    const target = new URL(url);
    const literal = guard.literalRefusal(target);
    if (literal) {
      return Promise.resolve({
        ok: false,
        refused: true,
        error: refusalMessage(target.hostname, literal),
      });
    }
    const timestamp = String(Math.floor(Date.now() / 1000));
    const secure = target.protocol === 'https:';
    const client = secure ? https : http;
    return new Promise((resolve) => {
      const request = client.request(
        target,
        {
          method: 'POST',
          timeout: options.timeoutMs,
          // A kept-alive connection stays with the address checked when it was opened.
          lookup: guard.lookup,
          ca: secure && options.ca ? options.ca : undefined,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            'user-agent': 'consortia-app-api',
            [TIMESTAMP_HEADER]: timestamp,
            [SIGNATURE_HEADER]: signature(secret, timestamp, body),
            [DELIVERY_HEADER]: delivery,
          },
        },
        (response) => {
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => {
            if (text.length < 300) text += chunk;
          });
          response.on('end', () => {
            const status = response.statusCode ?? 0;
            const redirect = status >= 300 && status < 400 ? ' (redirects are not followed)' : '';
            resolve(
              status >= 200 && status < 300
                ? { ok: true }
                : { ok: false, error: `HTTP ${status}${redirect}: ${text.slice(0, 200)}` },
            );
          });
        },
      );
      request.on('timeout', () =>
        request.destroy(new Error(`no answer in ${options.timeoutMs} ms`)),
      );
      request.on('error', (error) =>
        resolve(
          error instanceof RefusedAddressError
            ? { ok: false, refused: true, error: error.message }
            : { ok: false, error: error.message },
        ),
      );
      request.end(body);
    });
  };
}
