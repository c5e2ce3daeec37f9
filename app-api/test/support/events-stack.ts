// SPDX-License-Identifier: Apache-2.0
// What the event stream suites on the real network share: a member writing assets of their own
// (so events of other suites on the same channel are filtered out), the app-api started again
// with webhook settings, and checks of what a receiver got.
import assert from 'node:assert/strict';

import { testNetworkUnavailable } from '@consortia/network/testing';

import type { StreamEvent } from '../../src/events/model';
import type { Child } from './events-processes';
import { spawnApi } from './events-processes';
import type { RealStack } from './real-stack';
import { startRealStack } from './real-stack';
import type { LoggedIn, TestApi } from './stack';
import { appApiEnv, call, login, startAppApi } from './stack';

export const log = (message: string): void => void process.stderr.write(`      ${message}\n`);

export interface Committed {
  status: string;
  txId: string;
  blockNumber: number;
}

/** The real stack of a suite, the app-api serving now (tests restart it) and the member. */
export interface MemberStack {
  stack: RealStack;
  api: TestApi;
  member: LoggedIn;
}

/**
 * Mocha hooks of a suite on the real stack: before it, the stack and a member named `username`
 * (the suite is skipped, with the reason, where Fabric cannot run); after it, `cleanup`, then
 * the app-api and the stack stop.
 */
export function memberStack(
  prefix: string,
  admin: { username: string; password: string },
  username: string,
  password: string,
  cleanup: () => Promise<void> | void,
): MemberStack {
  const state = {} as Partial<MemberStack>;
  before(async function () {
    const unavailable = testNetworkUnavailable();
    if (unavailable) {
      log(`${unavailable}: skipped`);
      this.skip();
    }
    state.stack = await startRealStack(prefix, admin, log);
    state.api = state.stack.api;
    state.member = await createMember(state.stack, admin, username, password);
  });
  after(async function () {
    await cleanup();
    if (state.api !== state.stack?.api) await state.api?.stop();
    await state.stack?.stop();
  });
  return state as MemberStack;
}

/** A member with the run's own Fabric identity, logged in. */
async function createMember(
  stack: RealStack,
  admin: { username: string; password: string },
  username: string,
  password: string,
): Promise<LoggedIn> {
  const session = await login(stack.api.base, admin.username, admin.password);
  const created = await call(stack.api.base, 'POST', '/v1/users', {
    token: session.accessToken,
    body: { username, password, roles: ['member'], fabricIdentity: stack.identities.own },
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  return login(stack.api.base, username, password);
}

/**
 * Creates assets `<prefix>-<first>` … of the member, `parallel` at a time; their commits, in
 * no particular order.
 */
export async function createAssets(
  api: () => Pick<TestApi, 'base'>,
  member: LoggedIn,
  prefix: string,
  first: number,
  count: number,
  parallel = count,
): Promise<Committed[]> {
  const commits: Committed[] = [];
  for (let start = first; start < first + count; start += parallel) {
    const size = Math.min(parallel, first + count - start);
    const wave = await Promise.all(
      Array.from({ length: size }, async (_, i) => {
        const created = await call<Committed>(api().base, 'POST', '/v1/assets', {
          token: member.accessToken,
          body: { id: `${prefix}-${start + i}`, type: 'crate', attributes: { n: start + i } },
        });
        assert.equal(created.status, 201, JSON.stringify(created.body));
        return created.body;
      }),
    );
    commits.push(...wave);
  }
  return commits;
}

/** The filter of a subscription to the member's own `AssetCreated` events. */
export const ownAssetsCreated = (username: string) => ({
  eventName: 'AssetCreated',
  // Other suites write to the same channel: only this member's assets.
  payloadFilters: { asset: { owner: { ownerId: username } } },
});

const stackApiEnv = (stack: RealStack, overrides: NodeJS.ProcessEnv) =>
  appApiEnv(stack.databases, {
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DAPP_URL: stack.dappBase,
    DAPP_API_KEY: stack.dappKey,
    FABRIC_CHANNEL: stack.network.topology.options.channel,
    FABRIC_CHAINCODE: stack.network.chaincode,
    RATE_LIMIT_PER_USER: '100000',
    RATE_LIMIT_PER_IP: '100000',
    ...overrides,
  });

/** The app-api on the stack's databases, DAPP and channel, with `overrides` (webhook settings). */
export function startStackApi(stack: RealStack, overrides: NodeJS.ProcessEnv): Promise<TestApi> {
  return startAppApi(stackApiEnv(stack, overrides));
}

/** The app-api as a separate process on the stack (PORT in `overrides`, or a free one). */
export function spawnStackApi(
  stack: RealStack,
  overrides: NodeJS.ProcessEnv,
): Promise<Child & { base: string }> {
  return spawnApi(stackApiEnv(stack, overrides));
}

/** Receipt order with redeliveries removed: each id once, where first received. */
export const firstReceipts = (events: StreamEvent[]): StreamEvent[] => {
  const seen = new Map<string, StreamEvent>();
  for (const event of events) if (!seen.has(event.id)) seen.set(event.id, event);
  return [...seen.values()];
};

export const inLedgerOrder = (events: StreamEvent[]): boolean =>
  events.every((event, index) => {
    const previous = events[index - 1];
    return (
      !previous ||
      previous.blockNumber < event.blockNumber ||
      (previous.blockNumber === event.blockNumber && previous.txIndex < event.txIndex)
    );
  });
