// SPDX-License-Identifier: Apache-2.0
import { OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { documentOperations } from '@consortia/common';
import Ajv from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';

import { OpenAPIRegistry } from './api/kit';
import { identityOperations } from './api/identities';
import { ledgerOperations, operationsEndpoints } from './api/ledger';
import { transactionOperations } from './api/transactions';

/**
 * The DAPP's OpenAPI 3.1 document, generated from the zod schemas of ./api/ (one module per
 * resource), which also type the routes. It is the contract in both directions: request bodies
 * are validated against its component schemas (BodyValidator), and every successful answer is
 * checked against a closed copy of it (./responses.ts). A running DAPP serves this document with
 * each served chaincode's functions and parameters added (./api/contracts.ts).
 */

type Schema = Record<string, unknown>;

export interface Operation {
  operationId: string;
  summary: string;
  security?: Record<string, string[]>[];
  parameters?: Schema[];
  requestBody?: Schema;
  responses: Record<string, Schema>;
}

export type HttpMethod = 'get' | 'post';

export interface OpenApiDocument {
  openapi: string;
  info: Schema;
  security: Record<string, string[]>[];
  paths: Record<string, Partial<Record<HttpMethod, Operation>>>;
  components: { securitySchemes: Schema; schemas: Record<string, Schema> };
}

function generate(): OpenApiDocument {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'apiKey', {
    type: 'apiKey',
    in: 'header',
    name: 'x-api-key',
  });
  registry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
  registry.registerComponent('securitySchemes', 'mutualTls', { type: 'mutualTLS' });
  transactionOperations(registry);
  ledgerOperations(registry);
  identityOperations(registry);
  operationsEndpoints(registry);
  const document = new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Consortia DAPP',
      version: '1.0.0',
      description:
        'Turns application requests into endorsed, ordered and committed Hyperledger Fabric transactions, synchronously or through Kafka.',
    },
    security: [{ apiKey: [] }, { bearer: [] }, { mutualTls: [] }],
  });
  // A plain JSON copy: validators must not see zod's objects.
  return JSON.parse(JSON.stringify(document)) as OpenApiDocument;
}

export const openApiDocument: OpenApiDocument = generate();

export type SchemaName =
  'TransactionRequest' | 'QueryRequest' | 'NewUserIdentity' | 'RevokeUserIdentity';

/** Every operation of the document with its path and method. */
export const operations = (document: OpenApiDocument = openApiDocument) =>
  documentOperations<HttpMethod, Operation>(document);

function describe(error: ErrorObject): string {
  const where =
    error.instancePath === '' ? 'body' : `body${error.instancePath.replace(/\//g, '.')}`;
  if (error.keyword === 'additionalProperties') {
    return `${where} has unknown property '${String(error.params.additionalProperty)}'`;
  }
  if (error.keyword === 'enum') {
    return `${where} must be one of ${(error.params.allowedValues as unknown[]).join(', ')}`;
  }
  return `${where} ${error.message ?? 'is invalid'}`;
}

/** Validates request bodies against the generated document's component schemas. */
export class BodyValidator {
  private readonly validators = new Map<SchemaName, ValidateFunction>();
  private readonly ajv: Ajv;

  constructor() {
    // The document has OpenAPI keywords beside its schemas; ajv reads only the schemas.
    this.ajv = new Ajv({ strict: false, allErrors: true });
    this.ajv.addSchema(openApiDocument, 'openapi.json');
  }

  /** The problems with `body`, empty when it is valid. */
  problems(schema: SchemaName, body: unknown): string[] {
    let validate = this.validators.get(schema);
    if (!validate) {
      validate = this.ajv.getSchema(`openapi.json#/components/schemas/${schema}`);
      if (!validate) throw new Error(`no schema ${schema} in the OpenAPI document`);
      this.validators.set(schema, validate);
    }
    if (validate(body)) return [];
    return (validate.errors ?? []).map(describe);
  }
}
