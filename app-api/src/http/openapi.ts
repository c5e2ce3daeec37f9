// SPDX-License-Identifier: Apache-2.0
import { OpenApiGeneratorV3 } from '@asteasolutions/zod-to-openapi';
import { documentOperations } from '@consortia/common';

import type { Permission } from '../auth/permissions';
import { eventOperations } from '../events/api';
import { assetOperations } from './api/assets';
import { auditOperations } from './api/audit';
import { authOperations } from './api/auth';
import { OpenAPIRegistry } from './api/kit';
import { ledgerOperations } from './api/ledger';
import { memberOperations } from './api/members';
import { tokenOperations } from './api/tokens';
import { identityOperations } from './api/identities';
import { userOperations } from './api/users';

/**
 * The API's OpenAPI 3.0 document, generated from the zod schemas of ./api/ (one module per
 * resource), which also type the routes. It is the contract in both directions:
 * express-openapi-validator checks every request against it, every successful answer is checked
 * against a closed copy of it (./responses.ts), and each operation names the permission it
 * requires (`x-permission`) or declares itself public (`security: []`).
 */

type Schema = Record<string, unknown>;

export interface Operation {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  'x-permission'?: Permission;
  security?: Record<string, string[]>[];
  parameters?: Schema[];
  requestBody?: Schema;
  responses: Record<string, Schema>;
}

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface OpenApiDocument {
  openapi: string;
  info: Schema;
  servers?: Schema[];
  tags: Schema[];
  security: Record<string, string[]>[];
  paths: Record<string, Partial<Record<HttpMethod, Operation>>>;
  components: { securitySchemes: Schema; schemas: Record<string, Schema>; parameters?: Schema };
}

function generate(): OpenApiDocument {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'The `accessToken` of `POST /v1/auth/login` or `/v1/auth/refresh`',
  });
  authOperations(registry);
  userOperations(registry);
  identityOperations(registry);
  assetOperations(registry);
  tokenOperations(registry);
  ledgerOperations(registry);
  memberOperations(registry);
  auditOperations(registry);
  eventOperations(registry);
  const document = new OpenApiGeneratorV3(registry.definitions).generateDocument({
    openapi: '3.0.3',
    info: {
      title: 'Consortia app-api',
      version: '1.0.0',
      description:
        'The API behind an organization’s web and mobile portals. Reads come from the ledger mirror that datasync keeps in Postgres (each answer says how fresh it is); writes are relayed to the DAPP, which submits them to Fabric. Authenticate with `POST /v1/auth/login` and send `Authorization: Bearer <accessToken>`.',
    },
    tags: [
      { name: 'auth', description: 'Log in, refresh, log out' },
      { name: 'users', description: 'Users, roles and their Fabric identities (admins)' },
      { name: 'assets', description: 'Assets: reads from the mirror, writes through the DAPP' },
      { name: 'tokens', description: 'The consortium token: balances, transfers, minting' },
      { name: 'ledger', description: 'Write requests, mirrored transactions, mirror status' },
      { name: 'audit', description: 'The audit trail' },
      {
        name: 'events',
        description:
          'Event subscriptions: chaincode events from any block, over WebSocket (`/v1/event-streams`) or signed webhooks',
      },
    ],
    security: [{ bearer: [] }],
  });
  // A plain JSON copy: the validator and the response checker must not see zod's objects.
  return withoutUntypedNullable(JSON.parse(JSON.stringify(document))) as OpenApiDocument;
}

/**
 * zod's `unknown` comes out as `{nullable: true}`; OpenAPI 3.0 allows `nullable` only beside a
 * `type` (the validator refuses it otherwise), and a schema without a type admits null anyway.
 */
function withoutUntypedNullable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutUntypedNullable);
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value).filter(
    ([key]) => !(key === 'nullable' && !('type' in value) && !('$ref' in value)),
  );
  return Object.fromEntries(entries.map(([key, item]) => [key, withoutUntypedNullable(item)]));
}

export const openApiDocument: OpenApiDocument = generate();

/** Every operation of the document with its path and method (the role matrix walks these). */
export function operations(
  document: OpenApiDocument = openApiDocument,
): { path: string; method: HttpMethod; operation: Operation }[] {
  return documentOperations<HttpMethod, Operation>(document);
}

/** Public operations declare `security: []`; every other one needs a bearer token. */
export function isPublic(operation: Pick<Operation, 'security'>): boolean {
  return Array.isArray(operation.security) && operation.security.length === 0;
}
