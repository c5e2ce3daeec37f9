// SPDX-License-Identifier: Apache-2.0
import type { ContractCatalog, JsonSchema, TransactionMetadata } from '../../fabric/metadata';
import type { OpenApiDocument, Operation } from '../openapi';
import { QUERIES_PATH, TRANSACTIONS_PATH } from './transactions';

// Each served chaincode's own request schemas, from the metadata the DAPP validates requests
// against (ContractCatalog): `function` is one of its functions and `args` their parameters, so
// a request this document admits is never refused by the DAPP as invalid (the chaincode itself
// may still refuse a value, e.g. an amount that is not positive).

export interface ServedChaincode {
  channel: string;
  chaincode: string;
  catalog: ContractCatalog;
}

interface FunctionEntry {
  contract: string;
  transaction: TransactionMetadata;
  /** `Contract:Function`, and the bare name for the default contract. */
  names: string[];
}

const COMPONENT_REF = /^(?:#\/components\/schemas\/)?([^#/]+)$/;

/** Component names must be `[A-Za-z0-9._-]+`. */
const componentPrefix = (channel: string, chaincode: string) =>
  `${channel}.${chaincode}.`.replace(/[^A-Za-z0-9._-]/g, '_');

/** Metadata refers to its components as `#/components/schemas/X` or `X`; here they are prefixed. */
function prefixRefs(schema: unknown, prefix: string, known: Set<string>): unknown {
  if (Array.isArray(schema)) return schema.map((item) => prefixRefs(item, prefix, known));
  if (typeof schema !== 'object' || schema === null) return schema;
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === '$id') continue;
    const target =
      key === '$ref' && typeof value === 'string' ? COMPONENT_REF.exec(value)?.[1] : undefined;
    copy[key] =
      target !== undefined && known.has(target)
        ? `#/components/schemas/${prefix}${target}`
        : prefixRefs(value, prefix, known);
  }
  return copy;
}

/** Positional (an array of exactly these) or named (an object of exactly these) arguments. */
function argumentsSchema(entry: FunctionEntry, parameterSchema: (schema?: JsonSchema) => unknown) {
  const parameters = entry.transaction.parameters ?? [];
  const signature = `${entry.contract}:${entry.transaction.name}(${parameters.map((p) => p.name).join(', ')})`;
  return {
    description: `The arguments of ${signature}: positional, or keyed by parameter name`,
    oneOf: [
      {
        type: 'array',
        prefixItems: parameters.map((parameter) => parameterSchema(parameter.schema)),
        minItems: parameters.length,
        maxItems: parameters.length,
      },
      {
        type: 'object',
        properties: Object.fromEntries(
          parameters.map((parameter) => [
            parameter.name,
            {
              ...(parameterSchema(parameter.schema) as JsonSchema),
              ...(parameter.description ? { description: parameter.description } : {}),
            },
          ]),
        ),
        required: parameters.map((parameter) => parameter.name),
        additionalProperties: false,
      },
    ],
  };
}

/** One closed object per function; `args` may be left out only when it takes none. */
function requestSchema(
  entries: FunctionEntry[],
  envelope: JsonSchema,
  parameterSchema: (schema?: JsonSchema) => unknown,
): JsonSchema {
  const properties = (envelope.properties ?? {}) as Record<string, JsonSchema>;
  if (entries.length === 0) return { not: {}, description: 'This chaincode has no such function' };
  return {
    oneOf: entries.map((entry) => ({
      title: `${entry.contract}:${entry.transaction.name}`,
      type: 'object',
      properties: {
        ...properties,
        function: { enum: entry.names },
        args: argumentsSchema(entry, parameterSchema),
      },
      required:
        (entry.transaction.parameters ?? []).length > 0 ? ['function', 'args'] : ['function'],
      additionalProperties: false,
    })),
  };
}

function functionsOf(catalog: ContractCatalog): FunctionEntry[] {
  return catalog.functionNames().map((name) => {
    const { contract, transaction } = catalog.resolve(name);
    const names = contract === catalog.defaultContract ? [name, transaction.name] : [name];
    return { contract, transaction, names };
  });
}

/** Read-only functions are refused as transactions (`NOT_A_TRANSACTION`). */
function submittable(entry: FunctionEntry): boolean {
  const tags = entry.transaction.tag ?? [];
  return !(tags.includes('EVALUATE') && !tags.includes('SUBMIT'));
}

function concreteOperation(
  template: Operation,
  served: ServedChaincode,
  bodyRef: string,
): Operation {
  return {
    ...structuredClone(template),
    operationId: `${template.operationId}.${served.channel}.${served.chaincode}`,
    summary: `${template.summary} (${served.chaincode} on ${served.channel})`,
    parameters: (template.parameters ?? []).filter((parameter) => parameter.in !== 'path'),
    requestBody: {
      required: true,
      content: { 'application/json': { schema: { $ref: `#/components/schemas/${bodyRef}` } } },
    },
  };
}

/**
 * The document with a path of its own for each served channel and chaincode whose metadata was
 * read: the same operations, with request bodies that name the chaincode's functions and their
 * parameters. The templated paths stay, for channels and chaincodes not served (404).
 */
export function withContracts(base: OpenApiDocument, served: ServedChaincode[]): OpenApiDocument {
  const document = structuredClone(base);
  const schemas = document.components.schemas;
  const transactions = base.paths[TRANSACTIONS_PATH]?.post;
  const queries = base.paths[QUERIES_PATH]?.post;
  if (!transactions || !queries) throw new Error('the document has no chaincode operations');
  for (const entry of served) {
    const prefix = componentPrefix(entry.channel, entry.chaincode);
    const components = entry.catalog.metadata.components?.schemas ?? {};
    const known = new Set(Object.keys(components));
    const parameterSchema = (schema?: JsonSchema) =>
      schema ? prefixRefs(schema, prefix, known) : {};
    for (const [name, schema] of Object.entries(components)) {
      schemas[`${prefix}${name}`] = prefixRefs(schema, prefix, known) as JsonSchema;
    }
    const functions = functionsOf(entry.catalog);
    const generic = (name: string) => schemas[name] ?? {};
    schemas[`${prefix}TransactionRequest`] = requestSchema(
      functions.filter(submittable),
      generic('TransactionRequest'),
      parameterSchema,
    );
    schemas[`${prefix}QueryRequest`] = requestSchema(
      functions,
      generic('QueryRequest'),
      parameterSchema,
    );
    const concrete = (template: string) =>
      template
        .replace('{channel}', encodeURIComponent(entry.channel))
        .replace('{chaincode}', encodeURIComponent(entry.chaincode));
    document.paths[concrete(TRANSACTIONS_PATH)] = {
      post: concreteOperation(transactions, entry, `${prefix}TransactionRequest`),
    };
    document.paths[concrete(QUERIES_PATH)] = {
      post: concreteOperation(queries, entry, `${prefix}QueryRequest`),
    };
  }
  return document;
}

export interface ServedChaincodes {
  channels: readonly string[];
  chaincodes: readonly string[];
  catalogs: { get(channel: string, chaincode: string): Promise<ContractCatalog> };
}

/**
 * The document a running DAPP serves: with the functions of every served chaincode whose
 * metadata can be read now (the catalogs cache it); one that cannot is left at the templated
 * paths and reported to `unreadable`.
 */
export async function servedDocument(
  base: OpenApiDocument,
  served: ServedChaincodes,
  unreadable: (channel: string, chaincode: string, error: unknown) => void,
): Promise<OpenApiDocument> {
  const pairs = served.channels.flatMap((channel) =>
    served.chaincodes.map((chaincode) => ({ channel, chaincode })),
  );
  const read = await Promise.all(
    pairs.map(async ({ channel, chaincode }) => {
      try {
        return { channel, chaincode, catalog: await served.catalogs.get(channel, chaincode) };
      } catch (error) {
        unreadable(channel, chaincode, error);
        return undefined;
      }
    }),
  );
  return withContracts(
    base,
    read.filter((entry): entry is ServedChaincode => entry !== undefined),
  );
}
