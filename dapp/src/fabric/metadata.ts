// SPDX-License-Identifier: Apache-2.0
import Ajv from 'ajv';
import type { ValidateFunction } from 'ajv';

import type { ResultFormat } from './submitter';

/** The part of `org.hyperledger.fabric:GetMetadata` the DAPP validates requests against. */
export type JsonSchema = Record<string, unknown>;

export interface ParameterMetadata {
  name: string;
  description?: string;
  schema?: JsonSchema;
}

export interface TransactionMetadata {
  name: string;
  tag?: string[];
  parameters?: ParameterMetadata[];
  returns?: JsonSchema;
}

export interface ContractMetadataEntry {
  name?: string;
  transactions: TransactionMetadata[];
}

export interface ChaincodeMetadata {
  contracts: Record<string, ContractMetadataEntry>;
  components?: { schemas?: Record<string, JsonSchema> };
}

export type CallPurpose = 'submit' | 'evaluate';

/** A request that cannot be sent as it is; each problem names what is wrong. */
export class ValidationError extends Error {
  constructor(
    readonly code: string,
    readonly problems: string[],
  ) {
    super(problems.join('; '));
    this.name = 'ValidationError';
  }
}

/** A call checked against the metadata, with arguments as the strings Fabric takes. */
export interface PreparedCall {
  contract: string;
  function: string;
  /** `Contract:Function`, the name the chaincode dispatches on. */
  transactionName: string;
  args: string[];
  tags: string[];
  resultFormat: ResultFormat;
}

/** Fabric's own contract, present in every contract chaincode's metadata. */
const SYSTEM_CONTRACT = 'org.hyperledger.fabric';
const COMPONENT_REF = /^#\/components\/schemas\/(.+)$/;

/** Metadata refers to components as `#/components/schemas/X` or `X`; ajv knows them by `$id` X. */
function normalizeRefs(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(normalizeRefs);
  if (typeof schema !== 'object' || schema === null) return schema;
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === '$ref' && typeof value === 'string') {
      copy[key] = COMPONENT_REF.exec(value)?.[1] ?? value;
    } else {
      copy[key] = normalizeRefs(value);
    }
  }
  return copy;
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** Fabric arguments are strings: strings pass as they are, anything else as JSON. */
function toFabricArgument(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * One chaincode's contracts, functions and parameter schemas, answering whether a request names a
 * function that exists and gives it arguments of the right types.
 */
export class ContractCatalog {
  private readonly ajv: Ajv;
  private readonly validators = new Map<string, ValidateFunction>();
  readonly defaultContract: string | undefined;

  constructor(readonly metadata: ChaincodeMetadata) {
    // Chaincode authors may use any keyword; only types and structure matter here.
    this.ajv = new Ajv({ strict: false, allErrors: true });
    for (const [name, schema] of Object.entries(metadata.components?.schemas ?? {})) {
      const normalized = normalizeRefs(schema) as JsonSchema;
      this.ajv.addSchema({ ...normalized, $id: name });
    }
    // fabric-contract-api lists the default contract (the first exported) first.
    this.defaultContract = Object.keys(metadata.contracts).find((name) => name !== SYSTEM_CONTRACT);
  }

  functionNames(): string[] {
    return Object.entries(this.metadata.contracts)
      .filter(([name]) => name !== SYSTEM_CONTRACT)
      .flatMap(([contract, entry]) => entry.transactions.map((tx) => `${contract}:${tx.name}`));
  }

  /** `Contract:Function`, or a bare function name of the default contract. */
  resolve(requested: string): { contract: string; transaction: TransactionMetadata } {
    const separator = requested.lastIndexOf(':');
    const contract = separator >= 0 ? requested.slice(0, separator) : this.defaultContract;
    const name = separator >= 0 ? requested.slice(separator + 1) : requested;
    const entry = contract === undefined ? undefined : this.metadata.contracts[contract];
    if (contract === undefined || !entry || contract === SYSTEM_CONTRACT) {
      throw new ValidationError('UNKNOWN_FUNCTION', [
        `unknown contract '${contract ?? ''}' in function '${requested}'; known contracts: ${Object.keys(
          this.metadata.contracts,
        )
          .filter((known) => known !== SYSTEM_CONTRACT)
          .join(', ')}`,
      ]);
    }
    const transaction = entry.transactions.find((candidate) => candidate.name === name);
    if (!transaction) {
      throw new ValidationError('UNKNOWN_FUNCTION', [
        `unknown function '${name}' in contract ${contract}; known functions: ${entry.transactions
          .map((tx) => tx.name)
          .join(', ')}`,
      ]);
    }
    return { contract, transaction };
  }

  private validatorFor(key: string, schema: JsonSchema): ValidateFunction {
    let validator = this.validators.get(key);
    if (!validator) {
      validator = this.ajv.compile(normalizeRefs(schema) as JsonSchema);
      this.validators.set(key, validator);
    }
    return validator;
  }

  /**
   * Checks the function and its arguments (positional array, or an object keyed by parameter
   * name) and returns the call to send; throws ValidationError naming every problem.
   */
  prepare(requested: string, args: unknown, purpose: CallPurpose): PreparedCall {
    const { contract, transaction } = this.resolve(requested);
    const tags = transaction.tag ?? [];
    if (purpose === 'submit' && tags.includes('EVALUATE') && !tags.includes('SUBMIT')) {
      throw new ValidationError('NOT_A_TRANSACTION', [
        `${contract}:${transaction.name} only reads the ledger; send it to the queries endpoint`,
      ]);
    }
    const parameters = transaction.parameters ?? [];
    const positional = this.positionalArguments(contract, transaction, parameters, args);
    const problems: string[] = [];
    parameters.forEach((parameter, index) => {
      const value = positional[index];
      if (!parameter.schema) return;
      const validate = this.validatorFor(
        `${contract}:${transaction.name}:${parameter.name}`,
        parameter.schema,
      );
      if (!validate(value)) {
        const reasons = (validate.errors ?? [])
          .map((error) => `${error.instancePath || ''} ${error.message ?? 'is invalid'}`.trim())
          .join(', ');
        problems.push(
          `argument ${index + 1} '${parameter.name}' of ${contract}:${transaction.name} ${reasons} (got ${describeType(value)})`,
        );
      }
    });
    if (problems.length > 0) throw new ValidationError('INVALID_ARGUMENT', problems);
    return {
      contract,
      function: transaction.name,
      transactionName: `${contract}:${transaction.name}`,
      args: positional.map(toFabricArgument),
      tags,
      resultFormat: transaction.returns?.type === 'string' ? 'text' : 'json',
    };
  }

  private positionalArguments(
    contract: string,
    transaction: TransactionMetadata,
    parameters: ParameterMetadata[],
    args: unknown,
  ): unknown[] {
    const signature = `${contract}:${transaction.name}(${parameters.map((p) => p.name).join(', ')})`;
    if (args === undefined) args = [];
    if (Array.isArray(args)) {
      if (args.length !== parameters.length) {
        throw new ValidationError('INVALID_ARGUMENT', [
          `${signature} takes ${parameters.length} argument(s), got ${args.length}`,
        ]);
      }
      return args;
    }
    if (typeof args === 'object' && args !== null) {
      const named = args as Record<string, unknown>;
      const known = new Set(parameters.map((parameter) => parameter.name));
      const problems = [
        ...Object.keys(named)
          .filter((name) => !known.has(name))
          .map((name) => `${signature} has no parameter '${name}'`),
        ...parameters
          .filter((parameter) => !(parameter.name in named))
          .map((parameter) => `${signature} is missing argument '${parameter.name}'`),
      ];
      if (problems.length > 0) throw new ValidationError('INVALID_ARGUMENT', problems);
      return parameters.map((parameter) => named[parameter.name]);
    }
    throw new ValidationError('INVALID_ARGUMENT', [
      `args must be an array or an object keyed by parameter name, for ${signature}`,
    ]);
  }
}

/**
 * Catalogs per channel and chaincode, fetched once and kept for a while; concurrent requests
 * share one fetch, and a failed fetch is not remembered.
 */
export class MetadataCache {
  private readonly entries = new Map<
    string,
    { catalog: Promise<ContractCatalog>; fetchedAt: number }
  >();

  constructor(
    private readonly fetchMetadata: (channel: string, chaincode: string) => Promise<unknown>,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get(channel: string, chaincode: string): Promise<ContractCatalog> {
    const key = `${channel}\u0000${chaincode}`;
    const cached = this.entries.get(key);
    if (cached && this.now() - cached.fetchedAt < this.ttlMs) return cached.catalog;
    const catalog = this.fetchMetadata(channel, chaincode).then(
      (metadata) => new ContractCatalog(asMetadata(metadata, chaincode)),
    );
    this.entries.set(key, { catalog, fetchedAt: this.now() });
    catalog.catch(() => {
      if (this.entries.get(key)?.catalog === catalog) this.entries.delete(key);
    });
    return catalog;
  }
}

function asMetadata(value: unknown, chaincode: string): ChaincodeMetadata {
  const contracts = (value as { contracts?: unknown } | null)?.contracts;
  if (typeof contracts !== 'object' || contracts === null) {
    throw new Error(`chaincode ${chaincode} returned metadata without contracts`);
  }
  return value as ChaincodeMetadata;
}
