// SPDX-License-Identifier: Apache-2.0
import type { ChaincodeErrorBody } from '@consortia/chaincode/contract';
import { CORRELATION_HEADER, currentCorrelationId } from '@consortia/common';
import type { Response } from 'undici';
import { Agent, fetch } from 'undici';

/** The DAPP's header naming which of its configured signing identities to use. */
export const IDENTITY_HEADER = 'x-fabric-identity';

/**
 * A DAPP call that did not succeed, as the app-api answers it: the status and code to give the
 * portal, a sentence, and what the DAPP (or the chaincode through it) said.
 */
export class DappError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'DappError';
  }
}

export interface CommittedWrite {
  requestId: string;
  status: 'committed';
  txId: string;
  validationCode: string;
  blockNumber: number;
  result: unknown;
}

export interface QueuedWrite {
  requestId: string;
  status: 'queued';
}

/** Sent to the orderer without a verdict: it may still commit; the DAPP's status will tell. */
export interface UnknownWrite {
  requestId: string;
  status: 'unknown';
  txId?: string;
}

export interface RequestStatus {
  requestId: string;
  /** `unknown`: the ledger has not settled it yet; committed and failed are final. */
  status: 'queued' | 'submitted' | 'unknown' | 'committed' | 'failed';
  txId?: string;
  blockNumber?: number;
  validationCode?: string;
  result?: unknown;
  reason?: Record<string, unknown>;
  attempts?: number;
  createdAt?: string;
  updatedAt?: string;
}

export interface WriteCall {
  /** `Contract:Function`. */
  function: string;
  args: string[];
  transient?: Record<string, unknown>;
  requestId: string;
  mode: 'sync' | 'async';
  /** Requests with the same key are submitted in order (async). */
  key?: string;
  identity: string | undefined;
}

export interface DappClientOptions {
  url: string;
  apiKey: string;
  timeoutMs: number;
  channel: string;
  chaincode: string;
  observe?: (operation: string, outcome: string, seconds: number) => void;
}

interface DappErrorBody {
  error?: {
    code?: string;
    message?: string;
    /** The chaincode's own error body, as the DAPP passes it on. */
    chaincode?: Partial<ChaincodeErrorBody>;
    problems?: unknown;
  };
}

function causeCode(error: unknown): string | undefined {
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause;
  return typeof cause?.code === 'string' ? cause.code : undefined;
}

function seconds(since: bigint): number {
  return Number(process.hrtime.bigint() - since) / 1e9;
}

/**
 * The connection was closed or reset under the request before any answer came: what a pooled
 * keep-alive connection shows when the DAPP closes it as idle just as it is reused.
 */
const CONNECTION_LOST = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']);

/**
 * Maps a DAPP refusal to the app-api's answer. The portal's own mistakes (bad arguments, not
 * found, conflicts, business refusals) keep their status; the DAPP refusing the app-api itself
 * (its API key, an identity it does not know) is a fault on this side: 502.
 */
export function mapDappRefusal(status: number, body: unknown): DappError {
  const error = (body as DappErrorBody | null)?.error ?? {};
  const code = error.code ?? `DAPP_HTTP_${status}`;
  const message = error.message ?? `the DAPP answered ${status}`;
  const details: Record<string, unknown> = { source: 'dapp' };
  if (error.chaincode) details.chaincode = error.chaincode;
  if (error.chaincode?.field) details.field = error.chaincode.field;
  if (error.problems) details.problems = error.problems;
  if (status === 401) {
    return new DappError(
      502,
      'DAPP_REFUSED_CREDENTIALS',
      "the DAPP refused the app-api's API key (check DAPP_API_KEY)",
      details,
    );
  }
  if (status === 403 && !error.chaincode) {
    // The peers refused the signing identity itself: a setup problem, not the user's request.
    return new DappError(502, code, `the DAPP could not act for this user: ${message}`, details);
  }
  if (code === 'UNKNOWN_IDENTITY') {
    return new DappError(
      502,
      'FABRIC_IDENTITY_UNKNOWN',
      `the DAPP has no signing identity for this user: ${message}`,
      details,
    );
  }
  if (code === 'UNKNOWN_CHANNEL' || code === 'UNKNOWN_CHAINCODE' || code === 'QUEUE_DISABLED') {
    return new DappError(502, code, `the DAPP is not set up for this request: ${message}`, details);
  }
  if (status >= 500) return new DappError(status, code, message, details);
  return new DappError(status >= 400 ? status : 502, code, message, details);
}

/**
 * Talks to the DAPP over HTTP (undici, its own connection pool): API key, a deadline, the caller's
 * correlation id and the user's signing identity on every call.
 *
 * A call the DAPP can safely receive twice is sent once more when its connection is closed or
 * reset before any answer (a keep-alive connection the DAPP dropped as idle just as it was
 * reused): reads, queries (evaluated, never ordered) and writes with their request id. The DAPP
 * records a request id once (dapp/src/store/request-store.ts `create`, `ON CONFLICT (request_id)
 * DO NOTHING`) and answers a repeat `409 DUPLICATE_REQUEST` without submitting it
 * (dapp/src/http/submit.ts); the chaincode commits one transaction per request id.
 */
export class DappClient {
  private readonly base: string;
  private readonly agent: Agent;

  /** How long one call to the DAPP may last. */
  readonly timeoutMs: number;

  constructor(private readonly options: DappClientOptions) {
    this.timeoutMs = options.timeoutMs;
    this.base = options.url.replace(/\/+$/, '');
    // An idle connection is given up here first: 2 s before the keep-alive timeout the DAPP
    // advertises (Node servers do), 4 s when it advertises none (below Node's default of 5 s).
    this.agent = new Agent({ keepAliveTimeout: 4_000, keepAliveMaxTimeout: 60_000 });
  }

  /** Closes the pooled connections to the DAPP once the calls in progress are answered. */
  close(): Promise<void> {
    return this.agent.close();
  }

  private chaincodePath(kind: 'transactions' | 'queries'): string {
    const channel = encodeURIComponent(this.options.channel);
    const chaincode = encodeURIComponent(this.options.chaincode);
    return `/v1/channels/${channel}/chaincodes/${chaincode}/${kind}`;
  }

  private async call(
    operation: string,
    method: 'GET' | 'POST',
    route: string,
    options: {
      body?: unknown;
      identity?: string;
      timeoutMs?: number;
      /** The DAPP may receive it twice (GETs always may). */
      resendable?: boolean;
    } = {},
  ): Promise<{ status: number; body: unknown; resent: boolean }> {
    const headers: Record<string, string> = {
      accept: 'application/json',
      'x-api-key': this.options.apiKey,
    };
    const correlationId = currentCorrelationId();
    if (correlationId) headers[CORRELATION_HEADER] = correlationId;
    if (options.identity) headers[IDENTITY_HEADER] = options.identity;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    const signal = AbortSignal.timeout(options.timeoutMs ?? this.options.timeoutMs);
    const resendable = method === 'GET' || options.resendable === true;
    let started = process.hrtime.bigint();
    let outcome = 'error';
    let resent = false;
    try {
      let response: Response;
      try {
        const send = () =>
          fetch(`${this.base}${route}`, { method, headers, body, signal, dispatcher: this.agent });
        try {
          response = await send();
        } catch (error) {
          const code = causeCode(error);
          if (!resendable || code === undefined || !CONNECTION_LOST.has(code)) throw error;
          // Once, on a fresh connection, within the same deadline; the lost attempt is counted.
          this.options.observe?.(operation, 'resent', seconds(started));
          started = process.hrtime.bigint();
          resent = true;
          response = await send();
        }
      } catch (error) {
        const name = (error as { name?: string }).name;
        if (name === 'TimeoutError' || name === 'AbortError') {
          outcome = 'timeout';
          throw new DappError(
            504,
            'DAPP_TIMEOUT',
            `the DAPP did not answer within ${options.timeoutMs ?? this.options.timeoutMs} ms; a write may still commit, so check before repeating it`,
          );
        }
        outcome = 'unreachable';
        const cause = causeCode(error);
        throw new DappError(
          503,
          'DAPP_UNAVAILABLE',
          `the DAPP at ${this.base} could not be reached (${cause ?? 'network error'}); reads still work, retry writes later`,
          // ECONNREFUSED: the request never left; other causes may have reached the DAPP.
          cause ? { cause } : {},
        );
      }
      const text = await response.text();
      let answer: unknown;
      try {
        answer = text === '' ? null : JSON.parse(text);
      } catch {
        answer = { error: { message: text.slice(0, 200) } };
      }
      outcome = String(response.status);
      return { status: response.status, body: answer, resent };
    } finally {
      this.options.observe?.(operation, outcome, seconds(started));
    }
  }

  /**
   * Submits a transaction: committed (sync), accepted into the DAPP's queue (async), or sent
   * with its outcome unknown (sync, answered 202 `unknown`).
   */
  async submit(call: WriteCall): Promise<CommittedWrite | QueuedWrite | UnknownWrite> {
    const { status, body, resent } = await this.call(
      'submit',
      'POST',
      this.chaincodePath('transactions'),
      {
        identity: call.identity,
        body: {
          function: call.function,
          args: call.args,
          transient: call.transient,
          requestId: call.requestId,
          mode: call.mode,
          key: call.key,
        },
        // The DAPP records a request id once: sending it again never submits it twice.
        resendable: call.requestId !== '',
      },
    );
    if (resent && status === 409 && mapDappRefusal(status, body).code === 'DUPLICATE_REQUEST') {
      // The lost attempt reached the DAPP after all (same body): its outcome is the DAPP's record.
      return { requestId: call.requestId, status: 'unknown' };
    }
    if (status === 202) {
      const accepted = (body ?? {}) as { status?: string; txId?: string };
      if (accepted.status === 'unknown') {
        return { requestId: call.requestId, status: 'unknown', txId: accepted.txId };
      }
      return { requestId: call.requestId, status: 'queued' };
    }
    if (status !== 200) throw mapDappRefusal(status, body);
    const answer = body as {
      txId: string;
      validationCode: string;
      blockNumber: string;
      result: unknown;
    };
    return {
      requestId: call.requestId,
      status: 'committed',
      txId: answer.txId,
      validationCode: answer.validationCode,
      blockNumber: Number(answer.blockNumber),
      result: answer.result ?? null,
    };
  }

  /** Evaluates a read-only chaincode function on a peer (through the DAPP). */
  async query(fn: string, args: string[], identity: string | undefined): Promise<unknown> {
    const { status, body } = await this.call('query', 'POST', this.chaincodePath('queries'), {
      identity,
      body: { function: fn, args },
      // Evaluated on a peer, never ordered: asking twice changes nothing.
      resendable: true,
    });
    if (status !== 200) throw mapDappRefusal(status, body);
    return (body as { result?: unknown }).result ?? null;
  }

  /**
   * Registers and enrolls a user's Fabric identity at the org's CA (the DAPP's admin route; the
   * DAPP makes and keeps the key). An identity enrolled already comes back as it is.
   */
  async enrollUserIdentity(
    user: string,
    role: string,
  ): Promise<{ identity: string; created: boolean }> {
    const { status, body } = await this.call('enroll-identity', 'POST', '/v1/user-identities', {
      body: { user, role },
    });
    if (status !== 200 && status !== 201) throw mapDappRefusal(status, body);
    const enrolled = body as { identity: string; created: boolean };
    return { identity: enrolled.identity, created: enrolled.created };
  }

  /**
   * A user's own Fabric identity at the DAPP (admin route): read, re-enrolled, or revoked (the
   * answer then carries the CA's new CRL).
   */
  async userIdentity(
    user: string,
    action?: 'reenroll' | 'revoke',
    reason?: string,
  ): Promise<Record<string, unknown>> {
    const route = `/v1/user-identities/${encodeURIComponent(user)}${action ? `/${action}` : ''}`;
    const { status, body } = await this.call(
      `identity-${action ?? 'read'}`,
      action ? 'POST' : 'GET',
      route,
      action === 'revoke' ? { body: reason ? { reason } : {} } : {},
    );
    if (status !== 200) throw mapDappRefusal(status, body);
    return body as Record<string, unknown>;
  }

  /** The DAPP's record of a request; undefined when it does not know the id. */
  async request(requestId: string): Promise<RequestStatus | undefined> {
    const { status, body } = await this.call(
      'request',
      'GET',
      `/v1/requests/${encodeURIComponent(requestId)}`,
    );
    if (status === 404) return undefined;
    if (status !== 200) throw mapDappRefusal(status, body);
    const record = body as Omit<RequestStatus, 'blockNumber'> & { blockNumber?: string | number };
    return {
      ...record,
      blockNumber: record.blockNumber === undefined ? undefined : Number(record.blockNumber),
    };
  }

  /** Whether the DAPP answers at all (its /healthz). */
  async reachable(): Promise<true | string> {
    try {
      const { status } = await this.call('healthz', 'GET', '/healthz', { timeoutMs: 2_000 });
      return status === 200 ? true : `the DAPP answered ${status}`;
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
  }
}
