// SPDX-License-Identifier: Apache-2.0
import path from 'node:path';

import { UserError } from '../errors';
import { REPOSITORY_ROOT } from '../repository';

export const CONSENSUS_TYPES = ['kafka', 'etcdraft'] as const;
export type Consensus = (typeof CONSENSUS_TYPES)[number];
/** Where the nodes' certificates come from: the organizations' Fabric CAs, or cryptogen (faster). */
export const CRYPTO_SOURCES = ['ca', 'cryptogen'] as const;
export type CryptoSource = (typeof CRYPTO_SOURCES)[number];

export const LIMITS = {
  orgs: { min: 1, max: 10 },
  peersPerOrg: { min: 1, max: 8 },
  basePort: { min: 1024, max: 64000 },
} as const;

/** What `consortia up` is asked to run. */
export interface NetworkOptions {
  consensus: Consensus;
  crypto: CryptoSource;
  orgs: number;
  peersPerOrg: number;
  channel: string;
  basePort: number;
  stateDir: string;
  /** How many orderers run; by default 1 under Kafka and 3 under Raft. */
  orderers?: number;
  /**
   * A Raft network migrated from Kafka keeps the system channel its orderers bootstrap from;
   * one created as Raft has none and uses channel participation.
   */
  systemChannel?: boolean;
  /**
   * The member organizations by index (Org<index>) and peer count, once organizations have
   * joined or left (`consortia org add|remove`); without it, orgs 1..`orgs` with `peersPerOrg`.
   */
  members?: OrgMember[];
}

/** One member organization of a network whose membership changed after `up`. */
export interface OrgMember {
  index: number;
  peers: number;
}

export const DEFAULTS = {
  consensus: 'kafka',
  crypto: 'ca',
  orgs: 2,
  peersPerOrg: 2,
  channel: 'consortium',
  basePort: 7000,
} as const satisfies Omit<NetworkOptions, 'stateDir'>;

export function defaultStateDir(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.CONSORTIA_STATE_DIR?.trim();
  return configured
    ? path.resolve(configured)
    : path.join(REPOSITORY_ROOT, '.consortia', 'network');
}

/** Raw option values as a command line or a test supplies them. */
export interface RawNetworkOptions {
  consensus?: string;
  crypto?: string;
  orgs?: string | number;
  peersPerOrg?: string | number;
  channel?: string;
  basePort?: string | number;
  stateDir?: string;
}

function integerOption(
  name: string,
  raw: string | number | undefined,
  fallback: number,
  range: { min: number; max: number },
): number {
  if (raw === undefined) return fallback;
  const text = String(raw).trim();
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value)) {
    throw new UserError(
      `--${name} must be a whole number, got '${raw}'`,
      `pass --${name} ${range.min}..${range.max}`,
    );
  }
  if (value < range.min || value > range.max) {
    throw new UserError(
      `--${name} must be between ${range.min} and ${range.max}, got ${value}`,
      `pass --${name} ${range.min}..${range.max}`,
    );
  }
  return value;
}

/** Fabric's rule for channel names: lower case letters, digits, dots and dashes, starting with a letter. */
const CHANNEL_NAME = /^[a-z][a-z0-9.-]{0,248}$/;

export function parseNetworkOptions(
  raw: RawNetworkOptions,
  env: NodeJS.ProcessEnv = process.env,
): NetworkOptions {
  const consensus = (raw.consensus ?? DEFAULTS.consensus).trim();
  if (!(CONSENSUS_TYPES as readonly string[]).includes(consensus)) {
    throw new UserError(
      `unknown consensus '${consensus}'`,
      `pass --consensus ${CONSENSUS_TYPES.join(' or --consensus ')}`,
    );
  }
  const crypto = (raw.crypto ?? DEFAULTS.crypto).trim();
  if (!(CRYPTO_SOURCES as readonly string[]).includes(crypto)) {
    throw new UserError(
      `unknown crypto source '${crypto}'`,
      `pass --crypto ${CRYPTO_SOURCES.join(' or --crypto ')}`,
    );
  }
  const channel = (raw.channel ?? DEFAULTS.channel).trim();
  if (!CHANNEL_NAME.test(channel)) {
    throw new UserError(
      `invalid channel name '${channel}'`,
      'use lower case letters, digits, dots and dashes, starting with a letter (at most 249 characters)',
    );
  }
  return {
    consensus: consensus as Consensus,
    crypto: crypto as CryptoSource,
    orgs: integerOption('orgs', raw.orgs, DEFAULTS.orgs, LIMITS.orgs),
    peersPerOrg: integerOption(
      'peers-per-org',
      raw.peersPerOrg,
      DEFAULTS.peersPerOrg,
      LIMITS.peersPerOrg,
    ),
    channel,
    basePort: integerOption('base-port', raw.basePort, DEFAULTS.basePort, LIMITS.basePort),
    stateDir: raw.stateDir ? path.resolve(raw.stateDir) : defaultStateDir(env),
  };
}
