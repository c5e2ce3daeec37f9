// SPDX-License-Identifier: Apache-2.0
import type { Logger } from '@consortia/common';
import type { Request } from 'express';

import type { Caller, CallerPolicy } from '../access/callers';
import type { ContractCatalog } from '../fabric/metadata';
import type { UserIdentityAdministration } from '../fabric/user-identities';
import { ValidationError } from '../fabric/metadata';
import type { Submitter } from '../fabric/submitter';
import type { DappMetrics } from '../metrics';
import type { QueuePublisher } from '../queue/kafka';
import type { RetryPolicy } from '../queue/retry';
import type { RequestRecord, RequestStore } from '../store/request-store';
import type { TransientVault } from '../store/transient-vault';
import type { NewUserIdentity, RevokeUserIdentity } from './api/identities';
import type { z } from './api/kit';
import { IDENTITY_HEADER } from './api/kit';
import type { QueryRequest, TransactionRequest } from './api/transactions';
import { ApiError } from './errors';
import type { BodyValidator, SchemaName } from './openapi';
import { requireIdentity } from './ownership';

export { IDENTITY_HEADER };

export interface RouteDependencies {
  channels: readonly string[];
  chaincodes: readonly string[];
  defaultChannel: string;
  catalogs: { get(channel: string, chaincode: string): Promise<ContractCatalog> };
  submitter: Submitter;
  store: RequestStore;
  /** The request store's id, written into queued messages so only its workers run them. */
  storeId: string;
  /** Settles an `unknown` request from the ledger when its status is read. */
  ledger?: { settleCommitted(record: RequestRecord): Promise<boolean> };
  /** Absent when no Kafka is configured: async requests are then refused. */
  publisher: QueuePublisher | undefined;
  retryPolicy: RetryPolicy;
  /** Which Fabric identities each caller may use. */
  policy: CallerPolicy;
  /** Seals transient data of queued requests; hashes request content. */
  vault: TransientVault;
  bodies: BodyValidator;
  /** Per-user identities (enroll, re-enroll, revoke); absent without FABRIC_IDENTITY_KEKS. */
  userIdentities?: UserIdentityAdministration;
  metrics: DappMetrics;
  logger: Logger;
}

/** A request body's type, from the schema it was validated against. */
export interface RequestBodies {
  TransactionRequest: z.input<typeof TransactionRequest>;
  QueryRequest: z.input<typeof QueryRequest>;
  NewUserIdentity: z.input<typeof NewUserIdentity>;
  RevokeUserIdentity: z.input<typeof RevokeUserIdentity>;
}

/**
 * The body, checked against its schema in the document generated from ./api/ (INVALID_REQUEST
 * naming each problem), with the schema's type.
 */
export function checkedBody<N extends SchemaName>(
  bodies: BodyValidator,
  schema: N,
  body: unknown,
): RequestBodies[N] {
  const problems = bodies.problems(schema, body);
  if (problems.length > 0) throw new ValidationError('INVALID_REQUEST', problems);
  return body as RequestBodies[N];
}

export function transientText(
  transient: Record<string, unknown> | undefined,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(transient ?? {}).map(([name, value]) => [
      name,
      typeof value === 'string' ? value : JSON.stringify(value),
    ]),
  );
}

export function param(request: Request, name: string): string {
  const value = request.params[name];
  return typeof value === 'string' ? value : '';
}

export interface Target {
  channel: string;
  chaincode: string;
  identity: string | undefined;
  catalog: ContractCatalog;
}

/** The channel, chaincode and identity, each refused before anything is sent to Fabric. */
export async function target(
  deps: RouteDependencies,
  request: Request,
  caller: Caller,
): Promise<Target> {
  const channel = param(request, 'channel');
  const chaincode = param(request, 'chaincode');
  if (!deps.channels.includes(channel)) {
    throw new ApiError(404, 'UNKNOWN_CHANNEL', `this DAPP does not serve channel '${channel}'`, {
      channels: deps.channels,
    });
  }
  if (!deps.chaincodes.includes(chaincode)) {
    throw new ApiError(
      404,
      'UNKNOWN_CHAINCODE',
      `this DAPP does not serve chaincode '${chaincode}'`,
      {
        chaincodes: deps.chaincodes,
      },
    );
  }
  const identity = request.get(IDENTITY_HEADER) || undefined;
  requireIdentity(deps.policy, caller, identity);
  return { channel, chaincode, identity, catalog: await deps.catalogs.get(channel, chaincode) };
}
