// SPDX-License-Identifier: Apache-2.0
/** Minimal HTTP clients of the DAPP and the app-api, as a portal calls them (127.0.0.1 only). */

export interface HttpAnswer {
  /** 0 when no answer came (connection refused or reset, timeout). */
  status: number;
  body: Record<string, unknown>;
  error?: string;
}

export async function callJson(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: unknown; timeoutMs?: number },
): Promise<HttpAnswer> {
  if (!/^http:\/\/127\.0\.0\.1:\d+\//.test(url)) throw new Error(`refusing to call ${url}`);
  try {
    const response = await fetch(url, {
      method: init.method ?? 'GET',
      headers: { 'content-type': 'application/json', ...init.headers },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: AbortSignal.timeout(init.timeoutMs ?? 30_000),
    });
    const text = await response.text();
    let body: Record<string, unknown> = {};
    try {
      body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      body = { text };
    }
    return { status: response.status, body };
  } catch (error) {
    return { status: 0, body: {}, error: error instanceof Error ? error.message : String(error) };
  }
}

export interface WriteCall {
  function: string;
  args: string[];
  requestId: string;
  mode: 'sync' | 'async';
  key?: string;
}

/** What a service says about a request it accepted. */
export interface RecordedStatus {
  /** 'missing' when the service does not know the request; 'unreachable' when it did not answer. */
  status: string;
  txId?: string;
  /** The failure's code, when failed. */
  reason?: string;
}

function recorded(answer: HttpAnswer): RecordedStatus {
  if (answer.status === 404) return { status: 'missing' };
  // no status to read: `http-500`, `http-429`, `http-0` (no answer)
  if (answer.status !== 200) return { status: `http-${answer.status}` };
  const { status, txId, reason } = answer.body;
  const code = (reason as { code?: unknown } | undefined)?.code;
  return {
    ...(typeof code === 'string' ? { reason: code } : {}),
    status: typeof status === 'string' ? status : 'http-200-without-status',
    txId: typeof txId === 'string' ? txId : undefined,
  };
}

export class DappClient {
  constructor(
    readonly url: string,
    private readonly apiKey: string,
    private readonly channel: string,
    private readonly chaincode = 'consortia',
  ) {}

  submit(call: WriteCall, timeoutMs: number): Promise<HttpAnswer> {
    return callJson(
      `${this.url}/v1/channels/${this.channel}/chaincodes/${this.chaincode}/transactions`,
      {
        method: 'POST',
        headers: { 'x-api-key': this.apiKey },
        body: {
          function: call.function,
          args: call.args,
          requestId: call.requestId,
          mode: call.mode,
          ...(call.key ? { key: call.key } : {}),
        },
        timeoutMs,
      },
    );
  }

  async status(requestId: string): Promise<RecordedStatus> {
    return recorded(
      await callJson(`${this.url}/v1/requests/${encodeURIComponent(requestId)}`, {
        headers: { 'x-api-key': this.apiKey },
        timeoutMs: 10_000,
      }),
    );
  }

  async healthy(): Promise<boolean> {
    return (await callJson(`${this.url}/healthz`, { timeoutMs: 3000 })).status === 200;
  }

  /** `dapp_worker_in_flight` from /metrics: transactions the worker is submitting now. */
  async inFlight(): Promise<number> {
    try {
      const response = await fetch(`${this.url}/metrics`, { signal: AbortSignal.timeout(2000) });
      const match = /^dapp_worker_in_flight(?:\{[^}]*\})? (\d+(?:\.\d+)?)/m.exec(
        await response.text(),
      );
      return match ? Number(match[1]) : 0;
    } catch {
      return 0;
    }
  }
}

/**
 * Paces every call to the app-api from this process (all come from 127.0.0.1, one address for
 * its per-IP rate limit) to stay under that limit.
 */
class Pacer {
  #next = 0;
  constructor(private readonly intervalMs: number) {}
  async wait(): Promise<void> {
    const now = Date.now();
    const slot = Math.max(now, this.#next);
    this.#next = slot + this.intervalMs;
    if (slot > now) await new Promise((resolve) => setTimeout(resolve, slot - now));
  }
}

/** 8 calls a second: under the app-api's default 600 a minute per IP. */
const APP_API_PACER = new Pacer(125);

export class AppApiClient {
  #token = '';
  #login?: { username: string; password: string };

  constructor(readonly url: string) {}

  async login(username: string, password: string): Promise<void> {
    this.#login = { username, password };
    await APP_API_PACER.wait();
    const answer = await callJson(`${this.url}/v1/auth/login`, {
      method: 'POST',
      body: { username, password },
      timeoutMs: 15_000,
    });
    const token = answer.body.accessToken;
    if (answer.status !== 200 || typeof token !== 'string') {
      throw new Error(`app-api login failed: ${answer.status} ${JSON.stringify(answer.body)}`);
    }
    this.#token = token;
  }

  /** Calls with the access token; logs in again once when it expired or the app-api restarted. */
  async call(
    path: string,
    init: { method?: string; body?: unknown; headers?: Record<string, string>; timeoutMs?: number },
  ): Promise<HttpAnswer> {
    const send = async () => {
      await APP_API_PACER.wait();
      return callJson(`${this.url}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${this.#token}`, ...init.headers },
      });
    };
    let answer = await send();
    if (answer.status === 401 && this.#login) {
      await this.login(this.#login.username, this.#login.password).catch(() => undefined);
      answer = await send();
    }
    return answer;
  }

  write(
    path: string,
    body: unknown,
    requestId: string,
    mode: 'sync' | 'async',
    timeoutMs: number,
  ): Promise<HttpAnswer> {
    return this.call(`${path}?mode=${mode}`, {
      method: 'POST',
      body,
      headers: { 'idempotency-key': requestId },
      timeoutMs,
    });
  }

  async status(requestId: string): Promise<RecordedStatus> {
    return recorded(
      await this.call(`/v1/requests/${encodeURIComponent(requestId)}`, { timeoutMs: 10_000 }),
    );
  }

  async account(): Promise<string> {
    const answer = await this.call('/v1/tokens/account', { timeoutMs: 30_000 });
    const account = answer.body.account;
    if (answer.status !== 200 || typeof account !== 'string') {
      throw new Error(`no token account: ${answer.status} ${JSON.stringify(answer.body)}`);
    }
    return account;
  }

  /** The block the mirror has applied, or -1. */
  async mirrorBlock(): Promise<number> {
    const answer = await this.call('/v1/mirror/status', { timeoutMs: 5000 });
    const found = /"syncedBlock":(-?\d+)/.exec(JSON.stringify(answer.body));
    return answer.status === 200 && found ? Number(found[1]) : -1;
  }

  async healthy(): Promise<boolean> {
    return (await callJson(`${this.url}/healthz`, { timeoutMs: 3000 })).status === 200;
  }
}
