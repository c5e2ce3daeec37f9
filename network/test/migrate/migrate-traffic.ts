// SPDX-License-Identifier: Apache-2.0
/**
 * Continuous asset creations through the local DAPP's HTTP API while the ordering service
 * migrates: a synchronous loop (the DAPP answers once the transaction commits) and an
 * asynchronous one (the DAPP answers 202 once Kafka holds the request; its worker submits it).
 * A request the DAPP accepts (200, or 202) must commit exactly once. One it refuses (503 while
 * the orderers are in maintenance, or once the async intake is closed) must not commit at all:
 * the sync loop asks the ledger, then tries the same asset again under a new request id.
 */
export interface Request {
  requestId: string;
  assetId: string;
  mode: 'sync' | 'async';
  sentAt: number;
  /** The DAPP's answer: accepted (200/202) or refused, with its HTTP status. */
  httpStatus: number;
  accepted: boolean;
  /** The DAPP's final status of an accepted request, and when the client saw it. */
  status?: string;
  txId?: string;
  committedAt?: number;
  errorCode?: string;
}

export interface Traffic {
  requests: Request[];
  /** Commit times in ms since the epoch, as the client saw each commit. */
  commits: () => number[];
  /** Refused requests whose asset the ledger nevertheless holds (must stay empty). */
  anomalies: string[];
  stop: () => Promise<void>;
}

export interface DappClient {
  url: string;
  apiKey: string;
  channel: string;
  chaincode: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const FINAL = new Set(['committed', 'failed']);

async function call(
  dapp: DappClient,
  method: 'GET' | 'POST',
  route: string,
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  try {
    const response = await fetch(`${dapp.url}${route}`, {
      method,
      headers: { 'x-api-key': dapp.apiKey, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(120_000),
    });
    const text = await response.text();
    let json: Record<string, unknown> = {};
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      json = { text };
    }
    return { status: response.status, json };
  } catch (error) {
    return { status: 0, json: { error: { code: String(error) } } };
  }
}

function errorCode(json: Record<string, unknown>): string | undefined {
  const error = json.error as { code?: string } | undefined;
  return error?.code;
}

/** Sends one CreateAsset through the DAPP and records its answer. */
async function send(dapp: DappClient, request: Request): Promise<void> {
  const { status, json } = await call(
    dapp,
    'POST',
    `/v1/channels/${dapp.channel}/chaincodes/${dapp.chaincode}/transactions`,
    {
      function: 'AssetContract:CreateAsset',
      args: [request.assetId, 'migration', 'alice', `{"mode":"${request.mode}"}`],
      requestId: request.requestId,
      mode: request.mode,
    },
  );
  request.httpStatus = status;
  request.accepted = status === 200 || status === 202;
  if (status === 0) {
    // no answer at all (a timeout): the DAPP may still have stored the request
    const stored = await call(dapp, 'GET', `/v1/requests/${request.requestId}`);
    request.accepted = stored.status === 200;
    if (request.accepted) request.status = stored.json.status as string;
  }
  if (!request.accepted) request.errorCode = errorCode(json) ?? String(status);
  if (status === 200 && json.status === 'committed') {
    request.status = 'committed';
    request.txId = json.txId as string;
    request.committedAt = Date.now();
  }
}

/** Asks the DAPP for the status of every accepted request not yet final. */
async function settle(dapp: DappClient, requests: readonly Request[]): Promise<void> {
  for (const request of requests) {
    if (!request.accepted || (request.status && FINAL.has(request.status))) continue;
    const { status, json } = await call(dapp, 'GET', `/v1/requests/${request.requestId}`);
    if (status !== 200) continue;
    request.status = json.status as string;
    if (request.status === 'committed') {
      request.txId = json.txId as string;
      request.committedAt = Date.now();
    }
  }
}

export async function assetExists(dapp: DappClient, assetId: string): Promise<boolean> {
  const { status, json } = await call(
    dapp,
    'POST',
    `/v1/channels/${dapp.channel}/chaincodes/${dapp.chaincode}/queries`,
    { function: 'AssetContract:AssetExists', args: [assetId] },
  );
  if (status !== 200) throw new Error(`AssetExists ${assetId}: ${status} ${JSON.stringify(json)}`);
  return json.result === true || json.result === 'true';
}

/** Committed versions of an asset, from the ledger's history. */
export async function historyLength(dapp: DappClient, assetId: string): Promise<number> {
  const { status, json } = await call(
    dapp,
    'POST',
    `/v1/channels/${dapp.channel}/chaincodes/${dapp.chaincode}/queries`,
    { function: 'AssetContract:GetAssetHistory', args: [assetId, 100, ''] },
  );
  if (status !== 200) throw new Error(`history ${assetId}: ${status} ${JSON.stringify(json)}`);
  const result = (typeof json.result === 'string' ? JSON.parse(json.result) : json.result) as {
    records?: unknown[];
  };
  return result.records?.length ?? 0;
}

export function startTraffic(dapp: DappClient, prefix: string): Traffic {
  const requests: Request[] = [];
  const anomalies: string[] = [];
  let stopping = false;
  let counter = 0;
  const next = (mode: Request['mode'], assetId?: string): Request => {
    counter += 1;
    const request: Request = {
      requestId: `${prefix}-r${counter}`,
      assetId: assetId ?? `${prefix}-${mode}-${counter}`,
      mode,
      sentAt: Date.now(),
      httpStatus: 0,
      accepted: false,
    };
    requests.push(request);
    return request;
  };
  const syncLoop = async () => {
    while (!stopping) {
      let request = next('sync');
      await send(dapp, request);
      // refused: the same asset again under a new request id, once the ledger shows that the
      // refused request did not commit
      while (!request.accepted && !stopping) {
        await sleep(500);
        if (await assetExists(dapp, request.assetId).catch(() => undefined)) {
          anomalies.push(`${request.requestId}: ${request.assetId} exists after a refusal`);
          break;
        }
        request = next('sync', request.assetId);
        await send(dapp, request);
      }
    }
  };
  const asyncLoop = async () => {
    const inFlight = new Set<Promise<void>>();
    while (!stopping) {
      // a new request every 300 ms, whether or not the earlier ones have been answered
      const sending = send(dapp, next('async')).finally(() => inFlight.delete(sending));
      inFlight.add(sending);
      await sleep(300);
      while (inFlight.size >= 20) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
  };
  const settleLoop = async () => {
    while (!stopping) {
      await settle(dapp, requests);
      await sleep(1000);
    }
  };
  const loops = [syncLoop(), asyncLoop(), settleLoop()];
  return {
    requests,
    anomalies,
    commits: () =>
      requests
        .map((request) => request.committedAt)
        .filter((time): time is number => time !== undefined)
        .sort((a, b) => a - b),
    stop: async () => {
      stopping = true;
      await Promise.all(loops);
      // the answers still on their way, then every accepted request to its final status
      const deadline = Date.now() + 300_000;
      while (
        requests.some((request) => request.accepted && !FINAL.has(request.status ?? '')) &&
        Date.now() < deadline
      ) {
        await settle(dapp, requests);
        await sleep(1000);
      }
    },
  };
}

/** The longest stretch without a commit between `from` and `to`, in ms. */
export function longestPause(commits: readonly number[], from: number, to: number): number {
  let last = from;
  let longest = 0;
  for (const time of commits) {
    if (time < from) continue;
    if (time > to) {
      longest = Math.max(longest, time - last);
      return longest;
    }
    longest = Math.max(longest, time - last);
    last = time;
  }
  return Math.max(longest, to - last);
}

/** The longest a synchronous request committed after `since` waited for its answer, in ms. */
export function longestSyncWait(requests: readonly Request[], since: number): number {
  return Math.max(
    0,
    ...requests
      .filter((request) => request.mode === 'sync' && (request.committedAt ?? 0) > since)
      .map((request) => (request.committedAt ?? 0) - request.sentAt),
  );
}
