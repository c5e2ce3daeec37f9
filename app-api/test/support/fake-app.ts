// SPDX-License-Identifier: Apache-2.0
// The app-api's HTTP layer over stand-ins for its databases and the DAPP, for unit tests of
// authentication, permissions and validation: everything in front of the routes is the real
// code; only what the routes would read or write is replaced.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import type { Logger } from '@consortia/common';
import { createLogger } from '@consortia/common';

import type { AuthService } from '../../src/auth/auth-service';
import { AccessTokens } from '../../src/auth/tokens';
import type { DappClient } from '../../src/dapp/client';
import { createApp } from '../../src/http/app';
import { AuditRecorder } from '../../src/http/audit';
import { AppMetrics } from '../../src/metrics';
import type { MirrorReader } from '../../src/mirror/reader';
import type { AuditEntry, AuditStore } from '../../src/store/audit';
import type { AppStore } from '../../src/store/store';
import type { PrincipalRow, UserStore } from '../../src/store/users';
import type { WriteRequestStore } from '../../src/store/write-requests';

export const UNIT_SECRET = new TextEncoder().encode('unit-test-secret-with-more-than-32-bytes');
export const TOKEN_OPTIONS = {
  issuer: 'consortia-app-api',
  audience: 'consortia-portal',
  ttlSeconds: 900,
};

export interface FakeUser {
  id: string;
  username: string;
  roles: string[];
  permissions: string[];
  disabled?: boolean;
  sessionRevoked?: boolean;
  /** e.g. `user:<name>` for a user with a Fabric identity of their own. */
  fabricIdentity?: string;
}

export interface FakeApp {
  base: string;
  tokens: AccessTokens;
  audit: AuditEntry[];
  recorder: AuditRecorder;
  /** An access token for a user known to the fake store. */
  tokenFor(user: FakeUser): Promise<string>;
  close(): Promise<void>;
}

export interface FakeOptions {
  mirror?: Partial<MirrorReader>;
  dapp?: Partial<DappClient>;
  writes?: Partial<WriteRequestStore>;
  perUser?: number;
  perIp?: number;
  bodyLimit?: string;
  corsOrigins?: string[];
  logger?: Logger;
}

const FRESHNESS = {
  channel: 'consortium',
  syncedBlock: 7,
  lastBlockHash: null,
  lastBlockTimestamp: null,
  syncedAt: null,
};

/** Starts the real express app on an ephemeral port with stand-in stores. */
export async function startFakeApp(options: FakeOptions = {}): Promise<FakeApp> {
  const users = new Map<string, FakeUser>();
  const audit: AuditEntry[] = [];
  const principal = async (userId: string): Promise<PrincipalRow | undefined> => {
    const user = users.get(userId);
    if (!user) return undefined;
    return {
      user: {
        id: user.id,
        username: user.username,
        displayName: null,
        fabricIdentity: user.fabricIdentity ?? null,
        disabled: user.disabled ?? false,
        roles: user.roles,
        lockedUntil: null,
        lastLoginAt: null,
        createdAt: new Date(0).toISOString(),
        updatedAt: new Date(0).toISOString(),
        createdBy: null,
      },
      permissions: user.permissions,
      sessionRevoked: user.sessionRevoked ?? false,
    };
  };
  // Stand-ins: only the members the code under test calls exist.
  const store = {
    users: { principal } as unknown as UserStore,
    audit: {
      record: async (entry: AuditEntry) => {
        audit.push(entry);
      },
    } as unknown as AuditStore,
    writes: (options.writes ?? {}) as WriteRequestStore,
  } as unknown as AppStore;
  const mirror = {
    freshness: async () => FRESHNESS,
    listAssets: async () => ({ items: [], nextCursor: null }),
    ...options.mirror,
  } as unknown as MirrorReader;
  const logger = options.logger ?? createLogger('app-api-unit', 'silent');
  const metrics = new AppMetrics(async () => 7);
  const tokens = new AccessTokens(UNIT_SECRET, TOKEN_OPTIONS);
  const recorder = new AuditRecorder(store.audit, logger, metrics);
  const app = createApp({
    store,
    mirror,
    dapp: (options.dapp ?? {}) as DappClient,
    auth: {} as AuthService,
    logger,
    passwordCost: 14,
    waitTimeoutMs: 100,
    tokens,
    metrics,
    recorder,
    checks: {},
    rateLimits: {
      windowMs: 60_000,
      perIp: options.perIp ?? 10_000,
      perUser: options.perUser ?? 10_000,
      loginPerIp: 10_000,
    },
    corsOrigins: options.corsOrigins ?? [],
    bodyLimit: options.bodyLimit ?? '100kb',
    trustProxy: 0,
  });
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    tokens,
    audit,
    recorder,
    tokenFor: async (user) => {
      users.set(user.id, user);
      return (
        await tokens.issue({
          sub: user.id,
          sid: `session-${user.id}`,
          username: user.username,
          roles: user.roles,
        })
      ).token;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
