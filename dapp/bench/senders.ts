// SPDX-License-Identifier: Apache-2.0
// What one benchmark request is in each mode: a direct fabric-gateway submission, a DAPP
// sync request, or a DAPP async request followed to its commit (read from the DAPP's store,
// so async throughput counts at commit, not at accept).
import crypto from 'node:crypto';

import { type Completion, type Dispatch, RequestFailure, type Send } from '@consortia/common/bench';
import type { Gateway } from '@hyperledger/fabric-gateway';
import pg from 'pg';
import { Agent, request } from 'undici';

import { chaincodeRequestId } from '../src/access/callers';
import { classifyFabricError, validationName } from '../src/fabric/errors';
import { CHAINCODE } from '../test/support/fabric';
import type { Accounts } from './accounts';
import type { Workload } from './options';

export interface Call {
  fn: string;
  args: string[];
}

/** The call a request makes: a 0.01 token transfer, or a new asset with a unique id. */
export function workloadCall(
  workload: Workload,
  accounts: Accounts,
  tag: string,
): (dispatch: Dispatch) => Call {
  if (workload === 'transfer') {
    return ({ index }) => ({
      fn: 'TokenContract:Transfer',
      args: [accounts.recipient(index), '0.01'],
    });
  }
  return ({ index, slot }) => ({
    fn: 'AssetContract:CreateAsset',
    args: [`bench-${tag}-${index}`, 'bench', `owner${slot}`, JSON.stringify({ index })],
  });
}

export function directSender(
  gateways: readonly Gateway[],
  channel: string,
  call: (dispatch: Dispatch) => Call,
): Send {
  return async (dispatch) => {
    const gateway = gateways[dispatch.slot];
    if (!gateway) throw new Error(`no gateway for slot ${dispatch.slot}`);
    const { fn, args } = call(dispatch);
    let status;
    try {
      const proposal = gateway
        .getNetwork(channel)
        .getContract(CHAINCODE)
        .newProposal(fn, {
          arguments: args,
          transientData: { requestId: crypto.randomUUID() },
        });
      const transaction = await proposal.endorse();
      status = await (await transaction.submit()).getStatus();
    } catch (error) {
      throw new RequestFailure(classifyFabricError(error).code, String(error));
    }
    if (!status.successful) throw new RequestFailure(validationName(status.code));
  };
}

const CALLER = 'bench';

export interface DappTarget {
  base: string;
  apiKey: string;
  channel: string;
}

// undici's own request API: the load generator shares the machine with what it measures, and
// this costs about a third of the CPU a request of the global fetch (built on the same undici).
const connections = new Agent({ keepAliveTimeout: 30_000 });

/** Posts one request; sync resolves at commit, async once the DAPP accepted it (202). */
async function post(
  target: DappTarget,
  mode: 'sync' | 'async',
  identity: string,
  call: Call,
  requestId: string,
): Promise<void> {
  const response = await request(
    `${target.base}/v1/channels/${target.channel}/chaincodes/${CHAINCODE}/transactions`,
    {
      dispatcher: connections,
      method: 'POST',
      headers: {
        'x-api-key': target.apiKey,
        'content-type': 'application/json',
        'x-fabric-identity': identity,
      },
      body: JSON.stringify({ function: call.fn, args: call.args, mode, key: identity, requestId }),
    },
  );
  if (response.statusCode === (mode === 'sync' ? 200 : 202)) {
    await response.body.dump();
    return;
  }
  const body = (await response.body.json().catch(() => ({}))) as {
    error?: { code?: string; validationCode?: string; message?: string };
  };
  throw new RequestFailure(
    body.error?.validationCode ?? body.error?.code ?? `HTTP_${response.statusCode}`,
    body.error?.message,
  );
}

/**
 * Sends one query as each identity before the DAPP's first round, so its one-time work (the
 * API key's check, the chaincode metadata, a gateway per identity) is not measured.
 */
export async function primeDapp(target: DappTarget, identities: readonly string[]): Promise<void> {
  const query = async (identity: string) => {
    const response = await fetch(
      `${target.base}/v1/channels/${target.channel}/chaincodes/${CHAINCODE}/queries`,
      {
        method: 'POST',
        headers: {
          'x-api-key': target.apiKey,
          'content-type': 'application/json',
          'x-fabric-identity': identity,
        },
        body: JSON.stringify({ function: 'TokenContract:ClientAccountID', args: [] }),
      },
    );
    const text = await response.text();
    if (response.status !== 200)
      throw new Error(`query as ${identity}: ${response.status} ${text}`);
  };
  for (let i = 0; i < identities.length; i += 16) {
    await Promise.all(identities.slice(i, i + 16).map(query));
  }
}

/**
 * A request that counts at its answer: sync at commit, async at its 202 (the front door alone,
 * for a DAPP nothing consumes from).
 */
export function dappAnsweredSender(
  target: DappTarget,
  mode: 'sync' | 'async',
  call: (dispatch: Dispatch) => Call,
): Send {
  return (dispatch) =>
    post(target, mode, `bench${dispatch.slot}`, call(dispatch), crypto.randomUUID());
}

export function dappAsyncSender(
  target: DappTarget,
  commits: AsyncCommits,
  call: (dispatch: Dispatch) => Call,
): Send {
  return async (dispatch) => {
    const requestId = crypto.randomUUID();
    const done = commits.follow(chaincodeRequestId(CALLER, requestId));
    try {
      await post(target, 'async', `bench${dispatch.slot}`, call(dispatch), requestId);
    } catch (error) {
      commits.forget(chaincodeRequestId(CALLER, requestId));
      throw error;
    }
    return done;
  };
}

interface Waiter {
  resolve: (completion: Completion) => void;
  reject: (error: Error) => void;
}

/**
 * Follows async requests to their outcome with one query of the DAPP's request store every
 * `intervalMs`; a committed request completes at the time the DAPP recorded its commit.
 */
export class AsyncCommits {
  private readonly waiting = new Map<string, Waiter>();
  private readonly pool: pg.Pool;
  private timer: NodeJS.Timeout | undefined;
  private polling = false;

  constructor(
    connectionString: string,
    private readonly intervalMs = 200,
  ) {
    this.pool = new pg.Pool({ connectionString, max: 1 });
  }

  follow(id: string): Promise<Completion> {
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      // A failed query is tried again at the next tick.
      this.timer ??= setInterval(() => this.poll().catch(() => undefined), this.intervalMs);
    });
  }

  forget(id: string): void {
    this.waiting.delete(id);
  }

  private async poll(): Promise<void> {
    if (this.polling || this.waiting.size === 0) return;
    this.polling = true;
    try {
      const { rows } = await this.pool.query<{
        request_id: string;
        status: string;
        validation_code: string | null;
        code: string | null;
        updated_at: Date;
      }>(
        `SELECT request_id, status, validation_code, reason->>'code' AS code, updated_at
           FROM dapp_requests
          WHERE request_id = ANY($1::text[]) AND status IN ('committed', 'failed')`,
        [[...this.waiting.keys()]],
      );
      for (const row of rows) {
        const waiter = this.waiting.get(row.request_id);
        if (!waiter) continue;
        this.waiting.delete(row.request_id);
        if (row.status === 'committed') {
          waiter.resolve({ completedAt: row.updated_at.getTime() - performance.timeOrigin });
        } else {
          waiter.reject(new RequestFailure(row.validation_code ?? row.code ?? 'FAILED'));
        }
      }
    } finally {
      this.polling = false;
    }
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.pool.end();
  }
}
