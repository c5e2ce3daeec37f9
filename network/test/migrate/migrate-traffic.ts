// SPDX-License-Identifier: Apache-2.0
/**
 * Continuous asset creations through the Fabric Gateway while the ordering service migrates: a
 * synchronous loop (submit, wait for the commit) and an asynchronous one (submit, collect the
 * commit later). A request the orderer refuses (maintenance mode, a restarting orderer) is
 * retried with the same asset id, after asking the ledger whether an earlier attempt committed,
 * so every accepted request commits once and a retry can never create a second asset.
 */
import type { Contract } from '@hyperledger/fabric-gateway';

export interface Request {
  id: string;
  mode: 'sync' | 'async';
  acceptedAt: number;
  attempts: number;
  committedAt?: number;
  /** A commit status other than VALID, e.g. MVCC_READ_CONFLICT. */
  invalid?: string;
}

export interface Traffic {
  requests: Request[];
  /** Commit times in ms since the epoch, as the client saw each commit. */
  commits: () => number[];
  stop: () => Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function committedBefore(contract: Contract, id: string): Promise<boolean> {
  const answer = await contract.evaluateTransaction('AssetExists', id).catch(() => undefined);
  return answer !== undefined && Buffer.from(answer).toString() === 'true';
}

/** Submits until one attempt commits VALID or the ledger shows the asset exists. */
async function createOnce(contract: Contract, request: Request, stopped: () => boolean) {
  for (;;) {
    request.attempts += 1;
    try {
      const submitted = await contract.submitAsync('CreateAsset', {
        arguments: [request.id, 'migration', 'alice', `{"mode":"${request.mode}"}`],
      });
      const status = await submitted.getStatus();
      if (status.successful) {
        request.committedAt = Date.now();
        return;
      }
      request.invalid = String(status.code);
    } catch {
      // refused or timed out: ask the ledger before trying again
    }
    if (await committedBefore(contract, request.id)) {
      request.committedAt = Date.now();
      return;
    }
    if (stopped() && request.attempts > 40) return;
    await sleep(500);
  }
}

export function startTraffic(contract: Contract, prefix: string): Traffic {
  const requests: Request[] = [];
  let stopping = false;
  let counter = 0;
  const next = (mode: Request['mode']): Request => {
    counter += 1;
    const request = { id: `${prefix}-${counter}`, mode, acceptedAt: Date.now(), attempts: 0 };
    requests.push(request);
    return request;
  };
  const syncLoop = async () => {
    while (!stopping) {
      await createOnce(contract, next('sync'), () => stopping);
    }
  };
  const asyncLoop = async () => {
    const inFlight: Promise<void>[] = [];
    while (!stopping) {
      inFlight.push(createOnce(contract, next('async'), () => stopping));
      // a new request every 300 ms, whether or not the earlier ones have committed
      await sleep(300);
      if (inFlight.length > 50) await inFlight.shift();
    }
    await Promise.all(inFlight);
  };
  const loops = [syncLoop(), asyncLoop()];
  return {
    requests,
    commits: () =>
      requests
        .map((request) => request.committedAt)
        .filter((time): time is number => time !== undefined)
        .sort((a, b) => a - b),
    stop: async () => {
      stopping = true;
      await Promise.all(loops);
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
