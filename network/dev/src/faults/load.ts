// SPDX-License-Identifier: Apache-2.0
/**
 * A steady mixed load: sync and async asset creations and token transfers, through the DAPP and
 * through the app-api, each carrying a unique marker (the asset id, or a recipient account made
 * from it) so the ledger's write sets show exactly which requests landed and how often. Clients
 * retry what got no answer or a 5xx with the same request id, as a portal would.
 */
import crypto from 'node:crypto';

import { backoffDelay } from '@consortia/common/backoff';

import type { AppApiClient, DappClient, HttpAnswer } from './clients';

export type Via = 'dapp' | 'app-api';
export type Mode = 'sync' | 'async';
export type Kind = 'asset' | 'transfer';

export interface LoadRequest {
  requestId: string;
  marker: string;
  via: Via;
  mode: Mode;
  kind: Kind;
  /** The fault phase it was sent in. */
  phase: string;
  /** Which app-api user sent it (index into the stack's clients). */
  user: number;
  answers: number[];
  /** A 2xx (202 included) came back. */
  accepted: boolean;
  /** No answer, then the DAPP's 409 naming this request unfailed: known to it, not accepted. */
  heldAfterRetry?: boolean;
  /** Finished sending (accepted, refused, or retries spent). */
  done: boolean;
  txId?: string;
}

const RETRYABLE = new Set([0, 429, 500, 502, 503, 504]);
const MAX_ATTEMPTS = 12;
const MAX_RETRY_MS = 60_000;
const RETRY_BACKOFF = { minMs: 500, maxMs: 5000 };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The cycle of request shapes; assets outnumber transfers, which all debit one account. */
const FIRST_SHAPE = { via: 'dapp', mode: 'sync', kind: 'asset' } as const;
const CYCLE: readonly { via: Via; mode: Mode; kind: Kind }[] = [
  { via: 'dapp', mode: 'sync', kind: 'asset' },
  { via: 'app-api', mode: 'async', kind: 'asset' },
  { via: 'dapp', mode: 'async', kind: 'transfer' },
  { via: 'app-api', mode: 'sync', kind: 'asset' },
  { via: 'dapp', mode: 'async', kind: 'asset' },
  { via: 'app-api', mode: 'sync', kind: 'transfer' },
  { via: 'dapp', mode: 'sync', kind: 'asset' },
  { via: 'app-api', mode: 'async', kind: 'asset' },
  { via: 'app-api', mode: 'async', kind: 'transfer' },
  { via: 'dapp', mode: 'async', kind: 'asset' },
  { via: 'app-api', mode: 'sync', kind: 'asset' },
  { via: 'dapp', mode: 'sync', kind: 'transfer' },
];

/** A transfer's recipient: an account id (64 hex) only this request uses. */
export function recipientOf(seed: string): string {
  return crypto.createHash('sha256').update(seed).digest('hex');
}

export class LoadGenerator {
  readonly requests: LoadRequest[] = [];
  #sequence = 0;
  #running = new Set<Promise<void>>();
  #timer?: NodeJS.Timeout;
  #phase = '';

  constructor(
    private readonly clients: { dapp: DappClient; appApis: AppApiClient[] },
    private readonly options: { runId: string; tps: number; async: boolean },
  ) {}

  /** Starts sending, tagging requests with the phase, until stop(). */
  start(phase: string): void {
    this.#phase = phase;
    if (this.#timer) return;
    this.#timer = setInterval(
      () => void this.send(),
      Math.max(50, Math.round(1000 / this.options.tps)),
    );
  }

  /** Stops sending new requests and waits for the ones in flight (bounded by their retry limit). */
  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    await Promise.all([...this.#running]);
  }

  /** Sends one request now; returns it once its client is done (used as a recovery probe). */
  async send(shape?: { via: Via; mode: Mode; kind: Kind }, retries = true): Promise<LoadRequest> {
    let chosen = shape ?? CYCLE[this.#sequence % CYCLE.length] ?? FIRST_SHAPE;
    if (chosen.mode === 'async' && !this.options.async) chosen = { ...chosen, mode: 'sync' };
    const seed = `fz-${this.options.runId}-${++this.#sequence}`;
    const request: LoadRequest = {
      requestId: `r-${seed}`,
      marker: chosen.kind === 'asset' ? seed : recipientOf(seed),
      ...chosen,
      phase: this.#phase,
      user: this.#sequence % this.clients.appApis.length,
      answers: [],
      accepted: false,
      done: false,
    };
    this.requests.push(request);
    const running = this.#drive(request, retries);
    this.#running.add(running);
    await running.finally(() => this.#running.delete(running));
    return request;
  }

  async #drive(request: LoadRequest, retries: boolean): Promise<void> {
    const started = Date.now();
    try {
      for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
        const answer = await this.#attempt(request);
        request.answers.push(answer.status);
        const unansweredBefore = request.answers
          .slice(0, -1)
          .some((status) => RETRYABLE.has(status));
        if (answer.status >= 200 && answer.status < 300) {
          request.accepted = true;
          if (typeof answer.body.txId === 'string') request.txId = answer.body.txId;
          return;
        }
        if (answer.status === 409 && unansweredBefore && heldByDapp(answer)) {
          // an earlier attempt reached the DAPP, which holds the request: a portal stops
          // resending and follows its status, which must then match the ledger
          request.heldAfterRetry = true;
          return;
        }
        if (!retries || !RETRYABLE.has(answer.status) || Date.now() - started > MAX_RETRY_MS)
          return;
        await sleep(backoffDelay(RETRY_BACKOFF, attempt));
      }
    } finally {
      request.done = true;
    }
  }

  #attempt(request: LoadRequest): Promise<HttpAnswer> {
    const timeoutMs = request.mode === 'sync' ? 75_000 : 20_000;
    const amount = '0.01';
    if (request.via === 'dapp') {
      const call =
        request.kind === 'asset'
          ? {
              function: 'AssetContract:CreateAsset',
              args: [request.marker, 'fault-load', 'faults', JSON.stringify({ via: 'dapp' })],
            }
          : { function: 'TokenContract:Transfer', args: [request.marker, amount] };
      // one key for every transfer: the sender's debits are ordered, as the app-api orders them
      const key = request.kind === 'transfer' ? 'identity:default' : undefined;
      return this.clients.dapp.submit(
        { ...call, requestId: request.requestId, mode: request.mode, key },
        timeoutMs,
      );
    }
    const appApi = this.clients.appApis[request.user];
    if (!appApi) throw new Error(`no app-api client ${request.user}`);
    return request.kind === 'asset'
      ? appApi.write(
          '/v1/assets',
          { id: request.marker, type: 'fault-load', attributes: { via: 'app-api' } },
          request.requestId,
          request.mode,
          timeoutMs,
        )
      : appApi.write(
          '/v1/tokens/transfers',
          { to: request.marker, amount },
          request.requestId,
          request.mode,
          timeoutMs,
        );
  }
}

/**
 * The DAPP's 409 to a retry names the request it holds (the app-api's says the first attempt
 * failed).
 */
function heldByDapp(answer: HttpAnswer): boolean {
  const error = answer.body.error as
    | { code?: string; request?: { status?: string }; details?: { request?: { status?: string } } }
    | undefined;
  const held = error?.request ?? error?.details?.request;
  return error?.code === 'DUPLICATE_REQUEST' && held !== undefined && held.status !== 'failed';
}
