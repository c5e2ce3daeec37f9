// SPDX-License-Identifier: Apache-2.0
// A webhook receiver as an application would run one: HTTPS with its own certificate, checking
// each delivery's signature, answering errors on purpose when told to.
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';

import { selfSigned } from '@consortia/common/testing';

import type { StreamEvent } from '../../src/events/model';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifySignature } from '../../src/events/signature';

export interface Delivery {
  /** When its body had arrived (ms since the epoch). */
  at: number;
  batchId: string;
  events: StreamEvent[];
  /** Whether the signature verified with the receiver's secret. */
  verified: boolean;
  /** Whether it verified with a wrong secret (it must not). */
  verifiedWithWrongSecret: boolean;
  status: number;
  /** Processed, but the connection was cut before the answer (see `dropNext`). */
  dropped?: boolean;
}

/** A certificate for 127.0.0.1 (its own CA), as `<dir>/receiver.pem` and its key. */
export function localhostCertificate(dir: string): { cert: string; key: string } {
  return selfSigned(dir, 'receiver', { subject: '/CN=127.0.0.1', subjectAltName: 'IP:127.0.0.1' });
}

export class WebhookReceiver {
  readonly deliveries: Delivery[] = [];
  secret = '';
  /** Answers 500 to this many requests before accepting. */
  failNext = 0;
  /** Answers every request 503 while true. */
  down = false;
  /**
   * Takes this many requests and cuts their connection instead of answering, as a receiver
   * that dies after processing a batch: the events count as received, and come again.
   */
  dropNext = 0;
  /**
   * Cuts the connection of the delivery with this index (0-based) the same way, once: a drop at
   * a set point of a stream however fast the batches come.
   */
  dropAt?: number;
  /** Answers 401 to a delivery whose signature does not verify (kept as not accepted). */
  requireSignature = false;
  /**
   * Called with each delivery it is about to accept, before the answer: a receiver that
   * stores what it got (and may die before answering, so the batch comes again).
   */
  onAccepted?: (delivery: Delivery) => void;
  #server?: http.Server;
  url = '';

  /** Listens on `port` (any free one at first); deliveries so far are kept across a restart. */
  async start(tls?: { cert: string; key: string }, port = 0): Promise<void> {
    const handler = (request: http.IncomingMessage, response: http.ServerResponse) => {
      let body = '';
      request.setEncoding('utf8');
      request.on('data', (chunk: string) => (body += chunk));
      request.on('end', () => {
        const headers = {
          signature: request.headers[SIGNATURE_HEADER] as string | undefined,
          timestamp: request.headers[TIMESTAMP_HEADER] as string | undefined,
        };
        const verified = verifySignature(this.secret, headers, body);
        const refused = this.requireSignature && !verified;
        const dropHere = this.dropAt === this.deliveries.length && !this.down && !refused;
        if (dropHere) this.dropAt = undefined;
        const dropped = dropHere || (this.dropNext > 0 && !this.down && !refused);
        let status = 200;
        if (refused) status = 401;
        else if (dropped) {
          if (!dropHere) this.dropNext--;
        } else if (this.down) status = 503;
        else if (this.failNext > 0) {
          this.failNext--;
          status = 500;
        }
        const parsed = JSON.parse(body) as { batchId: string; events: StreamEvent[] };
        const delivery: Delivery = {
          at: Date.now(),
          batchId: parsed.batchId,
          events: parsed.events,
          verified,
          verifiedWithWrongSecret: verifySignature(`${this.secret}x`, headers, body),
          status,
          ...(dropped ? { dropped } : {}),
        };
        this.deliveries.push(delivery);
        if (status === 200) this.onAccepted?.(delivery);
        if (dropped) {
          request.socket.destroy();
          return;
        }
        response
          .writeHead(status, { 'content-type': 'text/plain' })
          .end(status === 200 ? 'ok' : refused ? 'bad signature' : 'try later');
      });
    };
    this.#server = tls
      ? https.createServer(
          { cert: fs.readFileSync(tls.cert), key: fs.readFileSync(tls.key) },
          handler,
        )
      : http.createServer(handler);
    await new Promise<void>((resolve) => this.#server?.listen(port, '127.0.0.1', resolve));
    const bound = (this.#server.address() as AddressInfo).port;
    this.url = `${tls ? 'https' : 'http'}://127.0.0.1:${bound}/hook`;
  }

  /** Events of the acknowledged deliveries, in order. */
  get accepted(): StreamEvent[] {
    return this.deliveries.filter((d) => d.status === 200).flatMap((d) => d.events);
  }

  /** Stops at once: connections in progress are cut, as when the receiver's process dies. */
  async stop(): Promise<void> {
    this.#server?.closeAllConnections();
    await new Promise<void>((resolve) => this.#server?.close(() => resolve()) ?? resolve());
  }
}
