import Ajv from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';

const ERROR_RESPONSE = {
  description: 'The request was refused or failed; `error.code` says why',
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
};

/** Every /v1 route: no valid key (401); too many failed or concurrent key checks (429). */
const AUTH_RESPONSES = {
  '401': ERROR_RESPONSE,
  '429': {
    description:
      'Too many failed API key checks from this address (or from all), or too many at once: `TOO_MANY_ATTEMPTS`; retry after `Retry-After` seconds',
    headers: { 'Retry-After': { schema: { type: 'integer' }, description: 'seconds to wait' } },
    content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
  },
};

/** `x-fabric-identity` names an identity the caller may not use, or none at all (alike). */
const IDENTITY_FORBIDDEN = {
  description:
    '`IDENTITY_FORBIDDEN`: the caller may not use this Fabric identity (or it does not exist; the answer is the same and lists none); or the chaincode refused (`FORBIDDEN`)',
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
};

const json = (ref: string, description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } },
});

const pathParameter = (name: string, description: string) => ({
  name,
  in: 'path',
  required: true,
  description,
  schema: { type: 'string' },
});

const IDENTITY_HEADER = {
  name: 'x-fabric-identity',
  in: 'header',
  required: false,
  description:
    'Name of the signing identity to use (default: `default`); it must be one the API key (or client certificate) is allowed',
  schema: { type: 'string' },
};

/** The API's OpenAPI 3.1 document; its component schemas also validate request bodies. */
export const openApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'Consortia DAPP',
    version: '1.0.0',
    description:
      'Turns application requests into endorsed, ordered and committed Hyperledger Fabric transactions, synchronously or through Kafka.',
  },
  security: [{ apiKey: [] }, { bearer: [] }, { mutualTls: [] }],
  paths: {
    '/v1/channels/{channel}/chaincodes/{chaincode}/transactions': {
      post: {
        summary: 'Submit a transaction (sync: wait for the commit; async: queue it)',
        parameters: [
          pathParameter('channel', 'Channel name'),
          pathParameter('chaincode', 'Chaincode name'),
          IDENTITY_HEADER,
        ],
        requestBody: {
          required: true,
          content: {
            'application/json': { schema: { $ref: '#/components/schemas/TransactionRequest' } },
          },
        },
        responses: {
          '200': json('CommittedTransaction', 'Committed (sync)'),
          '202': json(
            'AcceptedRequest',
            'Queued in Kafka (async), or sent with its outcome unknown (sync: status `unknown`; ' +
              'follow statusUrl, the ledger settles it)',
          ),
          '400': ERROR_RESPONSE,
          ...AUTH_RESPONSES,
          '403': IDENTITY_FORBIDDEN,
          '404': ERROR_RESPONSE,
          '409': {
            description:
              'The request id was used before by this caller: `DUPLICATE_REQUEST` (same request; `error.request` is its record) or `REQUEST_ID_CONFLICT` (another function, arguments, transient data or identity)',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
          },
          '422': ERROR_RESPONSE,
          '502': ERROR_RESPONSE,
          '503': ERROR_RESPONSE,
          '504': ERROR_RESPONSE,
        },
      },
    },
    '/v1/channels/{channel}/chaincodes/{chaincode}/queries': {
      post: {
        summary: 'Evaluate a function on a peer without ordering a transaction',
        parameters: [
          pathParameter('channel', 'Channel name'),
          pathParameter('chaincode', 'Chaincode name'),
          IDENTITY_HEADER,
        ],
        requestBody: {
          required: true,
          content: {
            'application/json': { schema: { $ref: '#/components/schemas/QueryRequest' } },
          },
        },
        responses: {
          '200': json('QueryResult', 'The function result'),
          '400': ERROR_RESPONSE,
          ...AUTH_RESPONSES,
          '403': IDENTITY_FORBIDDEN,
          '404': ERROR_RESPONSE,
          '503': ERROR_RESPONSE,
        },
      },
    },
    '/v1/requests/{requestId}': {
      get: {
        summary:
          'Status of a request: queued, submitted, unknown (the ledger will tell), committed or ' +
          'failed (the last two are final)',
        parameters: [pathParameter('requestId', "The caller's own request id")],
        responses: {
          '200': json('RequestStatus', 'The request'),
          ...AUTH_RESPONSES,
          '404': {
            description:
              '`REQUEST_NOT_FOUND`: the caller has no request with this id (requests of other callers are never found)',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
          },
        },
      },
    },
    '/v1/transactions/{txId}': {
      get: {
        summary: "A transaction's commit status from the ledger (qscc)",
        parameters: [
          pathParameter('txId', 'Transaction id'),
          {
            name: 'channel',
            in: 'query',
            required: false,
            description: 'Channel (default: the configured one)',
            schema: { type: 'string' },
          },
        ],
        responses: {
          '200': json('TransactionStatus', 'Found'),
          ...AUTH_RESPONSES,
          '404': ERROR_RESPONSE,
        },
      },
    },
    '/healthz': {
      get: { summary: 'Liveness', security: [], responses: { '200': { description: 'Alive' } } },
    },
    '/readyz': {
      get: {
        summary: 'Readiness: a peer, Kafka and Postgres answer',
        security: [],
        responses: { '200': { description: 'Ready' }, '503': { description: 'Not ready' } },
      },
    },
    '/metrics': {
      get: {
        summary: 'Prometheus metrics',
        security: [],
        responses: { '200': { description: 'Metrics' } },
      },
    },
  },
  components: {
    securitySchemes: {
      apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' },
      bearer: { type: 'http', scheme: 'bearer' },
      mutualTls: { type: 'mutualTLS' },
    },
    schemas: {
      FunctionName: {
        type: 'string',
        minLength: 1,
        maxLength: 256,
        description: '`Contract:Function`, or a function of the default contract',
      },
      Arguments: {
        type: ['array', 'object'],
        description:
          'Positional arguments, or an object keyed by parameter name; strings pass as they are, other JSON values as JSON text',
      },
      Transient: {
        type: 'object',
        description: 'Transient fields (private data); strings as they are, other values as JSON',
        propertyNames: { not: { enum: ['requestId', 'correlationId'] } },
      },
      TransactionRequest: {
        type: 'object',
        additionalProperties: false,
        required: ['function'],
        properties: {
          function: { $ref: '#/components/schemas/FunctionName' },
          args: { $ref: '#/components/schemas/Arguments' },
          transient: { $ref: '#/components/schemas/Transient' },
          requestId: {
            type: 'string',
            pattern: '^[A-Za-z0-9._:@-]{1,128}$',
            description: 'Client request id; the chaincode refuses a second transaction with it',
          },
          mode: { enum: ['sync', 'async'], default: 'sync' },
          key: {
            type: 'string',
            minLength: 1,
            maxLength: 256,
            description: 'async: requests with the same key are submitted in order',
          },
        },
      },
      QueryRequest: {
        type: 'object',
        additionalProperties: false,
        required: ['function'],
        properties: {
          function: { $ref: '#/components/schemas/FunctionName' },
          args: { $ref: '#/components/schemas/Arguments' },
          transient: { $ref: '#/components/schemas/Transient' },
        },
      },
      CommittedTransaction: {
        type: 'object',
        properties: {
          requestId: { type: 'string' },
          status: { const: 'committed' },
          txId: { type: 'string' },
          validationCode: { type: 'string' },
          blockNumber: { type: 'integer', minimum: 0 },
          result: {},
        },
      },
      AcceptedRequest: {
        type: 'object',
        properties: {
          requestId: { type: 'string' },
          status: { enum: ['queued', 'unknown'] },
          /** With `unknown`: the transaction sent last, which may still commit. */
          txId: { type: 'string' },
          statusUrl: { type: 'string' },
        },
      },
      QueryResult: { type: 'object', properties: { result: {} } },
      RequestStatus: {
        type: 'object',
        properties: {
          requestId: { type: 'string' },
          mode: { enum: ['sync', 'async'] },
          status: { enum: ['queued', 'submitted', 'unknown', 'committed', 'failed'] },
          channel: { type: 'string' },
          chaincode: { type: 'string' },
          function: { type: 'string' },
          txId: { type: 'string' },
          validationCode: { type: 'string' },
          blockNumber: { type: 'integer', minimum: 0 },
          result: {},
          reason: { type: 'object' },
          attempts: { type: 'integer' },
          attemptTxIds: { type: 'array', items: { type: 'string' } },
          lastSentAt: { type: 'string' },
          createdAt: { type: 'string' },
          updatedAt: { type: 'string' },
        },
      },
      TransactionStatus: {
        type: 'object',
        properties: {
          txId: { type: 'string' },
          validationCode: { type: 'string' },
          valid: { type: 'boolean' },
          blockNumber: { type: 'integer', minimum: 0 },
        },
      },
      Error: {
        type: 'object',
        required: ['error'],
        properties: {
          error: {
            type: 'object',
            required: ['code', 'message'],
            properties: {
              code: { type: 'string' },
              message: { type: 'string' },
              problems: { type: 'array', items: { type: 'string' } },
              details: {
                type: 'array',
                description: "Each endorsing peer's (or orderer's) message",
                items: { type: 'object' },
              },
              chaincode: { type: 'object', description: "The chaincode's own JSON error" },
            },
          },
        },
      },
    },
  },
} as const;

export type SchemaName = keyof typeof openApiDocument.components.schemas;

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

/** Validates bodies against the document's component schemas, so the two cannot drift apart. */
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
