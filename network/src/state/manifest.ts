// SPDX-License-Identifier: Apache-2.0
import fs from 'node:fs';
import path from 'node:path';

import { UserError } from '../errors';
import type { Consensus, CryptoSource, NetworkOptions, OrgMember } from '../topology/options';
import { CONSENSUS_TYPES } from '../topology/options';

export function manifestPath(stateDir: string): string {
  return path.join(stateDir, 'network.json');
}

/** A chaincode deployed on the network, enough to restart its services after `down`. */
export interface DeployedChaincode {
  name: string;
  version: string;
  sequence: number;
  /** The chaincode workspace served, as an absolute path. */
  path: string;
  /** Position among the network's chaincodes; fixes its service ports. */
  slot: number;
  /** Per MSP id: the installed package id and the port of that org's chaincode service. */
  services: Record<string, { packageId: string; port: number }>;
}

/**
 * An organization's own DAPP and datasync, started by `org add --services`: what `start` and `up`
 * need to run them again as they first ran (their data dirs follow from the org's name).
 */
export interface OrgServicesRecord {
  /** The chaincode they serve. */
  chaincode: string;
  /** Their HTTP and embedded Postgres ports. */
  ports: Record<'dapp' | 'datasync', { http: number; postgres: number }>;
}

/** network.json in the state directory: what `up` built, so a later `up` restarts the same network. */
export interface NetworkManifest {
  formatVersion: 1;
  consensus: Consensus;
  /** Absent in networks made before the CAs existed, which all used cryptogen. */
  crypto?: CryptoSource;
  orgs: number;
  peersPerOrg: number;
  channel: string;
  basePort: number;
  fabricVersion: string;
  createdAt: string;
  /** Set once the channel exists and every peer joined it. */
  channelReady: boolean;
  chaincodes: DeployedChaincode[];
  /** Set when the orderer count differs from the consensus type's default (after a migration). */
  orderers?: number;
  /** Set on a Raft network migrated from Kafka, whose orderers keep the system channel. */
  systemChannel?: boolean;
  /** Set once organizations joined or left: each member's index and peer count. */
  members?: OrgMember[];
  /** Per MSP id: the own services of an organization that joined with them. */
  orgServices?: Record<string, OrgServicesRecord>;
}

export function manifestFromOptions(
  options: NetworkOptions,
  fabricVersion: string,
): NetworkManifest {
  return {
    formatVersion: 1,
    consensus: options.consensus,
    crypto: options.crypto,
    orgs: options.orgs,
    peersPerOrg: options.peersPerOrg,
    channel: options.channel,
    basePort: options.basePort,
    fabricVersion,
    createdAt: new Date().toISOString(),
    channelReady: false,
    chaincodes: [],
  };
}

function corrupt(file: string, reason: string): UserError {
  return new UserError(
    `the state directory is corrupt: ${file} ${reason}`,
    'run `consortia down --purge` with the same --state-dir to start afresh, or pass another --state-dir',
  );
}

/** Reads network.json; undefined when there is none, a clear error when it cannot be trusted. */
export function readManifest(file: string): NetworkManifest | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  let data: Partial<NetworkManifest>;
  try {
    data = JSON.parse(text) as Partial<NetworkManifest>;
  } catch {
    throw corrupt(file, 'is not valid JSON');
  }
  const integer = (value: unknown) =>
    typeof value === 'number' && Number.isInteger(value) && value > 0;
  if (data.formatVersion !== 1) throw corrupt(file, 'has an unknown format version');
  if (!(CONSENSUS_TYPES as readonly unknown[]).includes(data.consensus))
    throw corrupt(file, 'names no known consensus');
  if (!integer(data.orgs) || !integer(data.peersPerOrg) || !integer(data.basePort)) {
    throw corrupt(file, 'lacks orgs, peersPerOrg or basePort');
  }
  if (typeof data.channel !== 'string' || !Array.isArray(data.chaincodes))
    throw corrupt(file, 'lacks channel or chaincodes');
  return data as NetworkManifest;
}

export function writeManifest(file: string, manifest: NetworkManifest): void {
  const temporary = `${file}.tmp`;
  fs.writeFileSync(temporary, `${JSON.stringify(manifest, null, 2)}\n`);
  fs.renameSync(temporary, file);
}

/** The options of an existing network; explicit options that disagree with it are an error. */
export function optionsFromManifest(
  manifest: NetworkManifest,
  stateDir: string,
  explicit: Partial<Record<keyof NetworkOptions, unknown>>,
): NetworkOptions {
  const existing: NetworkOptions = {
    consensus: manifest.consensus,
    crypto: manifest.crypto ?? 'cryptogen',
    orgs: manifest.orgs,
    peersPerOrg: manifest.peersPerOrg,
    channel: manifest.channel,
    basePort: manifest.basePort,
    stateDir,
    ...(manifest.orderers === undefined ? {} : { orderers: manifest.orderers }),
    ...(manifest.systemChannel === undefined ? {} : { systemChannel: manifest.systemChannel }),
    ...(manifest.members === undefined ? {} : { members: manifest.members }),
  };
  const conflicts = (Object.keys(explicit) as (keyof NetworkOptions)[]).filter(
    (key) => key !== 'stateDir' && explicit[key] !== undefined && explicit[key] !== existing[key],
  );
  if (conflicts.length > 0) {
    throw new UserError(
      `${stateDir} holds a network with ${conflicts.map((key) => `${key}=${JSON.stringify(existing[key])?.replace(/^"(.*)"$/, '$1')}`).join(', ')}`,
      'drop those options to restart it, or use `consortia down --purge` / another --state-dir for a new network',
    );
  }
  return existing;
}
