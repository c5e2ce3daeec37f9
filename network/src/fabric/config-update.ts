// SPDX-License-Identifier: Apache-2.0
/**
 * Channel configuration updates, the one way Consortia changes a live channel's configuration
 * (an org's CRL, members joining and leaving, the consensus type). The steps follow Fabric's own
 * tools so each can run in a different organization's environment: an admin fetches the current
 * config block, configtxlator decodes it to JSON, the caller edits a copy, configtxlator computes
 * the update and it is wrapped in an envelope file; each organization's admin signs that file
 * (`peer channel signconfigtx`, which this module also uses), and one admin submits it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { UserError } from '../errors';
import type { Org, Topology } from '../topology/topology';
import { firstPeer, ORDERER_MSP_ID, ordererAdminDir, ordererTlsCaFile } from '../topology/topology';
import type { Json, Signer } from './config-signatures';
import { signerOf, text } from './config-signatures';
import { ordererArgs, peerAdminEnv, runFabric, setupLogFile } from './tools';

export type { Json } from './config-signatures';

/** An admin the peer CLI acts as: an org's admin, or the ordering service's. */
export interface ConfigAdmin {
  mspId: string;
  env: Record<string, string>;
}

/**
 * Where the Fabric programs are and where their output is logged: the steps that only decode,
 * compute and sign need no network (an organization's admin signing a file from elsewhere).
 */
export interface ToolContext {
  home: string;
  /** Default: the local network's setup log, else nowhere. */
  logFile?: string;
  topology?: Topology;
}

/** The tools, and the local network whose orderer the fetch and submit steps reach. */
export interface ConfigUpdateContext extends ToolContext {
  topology: Topology;
}

/** A config update envelope read back from its file. */
export interface DecodedEnvelope {
  channel: string;
  /** The common.ConfigUpdate: channel_id, read_set, write_set. */
  update: Json;
  signers: Signer[];
}

/** An org's admin, through the org's first peer (whose core.yaml the peer CLI reads). */
export function orgAdmin(topology: Topology, org: Org): ConfigAdmin {
  return { mspId: org.mspId, env: peerAdminEnv(topology, org, firstPeer(org)) };
}

/** The ordering service's admin, who governs the system channel and each channel's Orderer group. */
export function ordererAdmin(topology: Topology): ConfigAdmin {
  const org = topology.orgs[0];
  if (!org) throw new Error('the network has no orgs');
  // the peer CLI needs a core.yaml; any peer's serves, since only the orderer is contacted
  return {
    mspId: ORDERER_MSP_ID,
    env: {
      FABRIC_CFG_PATH: firstPeer(org).dir,
      CORE_PEER_TLS_ENABLED: 'true',
      CORE_PEER_LOCALMSPID: ORDERER_MSP_ID,
      CORE_PEER_TLS_ROOTCERT_FILE: ordererTlsCaFile(topology),
      CORE_PEER_MSPCONFIGPATH: path.join(ordererAdminDir(topology), 'msp'),
    },
  };
}

function run(context: ToolContext, env?: Record<string, string>) {
  const logFile = context.logFile ?? (context.topology && setupLogFile(context.topology));
  return { home: context.home, env, logFile };
}

async function lator(context: ToolContext, args: string[]): Promise<void> {
  await runFabric('configtxlator', args, run(context));
}

export async function decode(
  context: ToolContext,
  type: string,
  input: string,
  output: string,
): Promise<Json> {
  await lator(context, ['proto_decode', '--type', type, '--input', input, '--output', output]);
  return JSON.parse(fs.readFileSync(output, 'utf8')) as Json;
}

async function encode(
  context: ToolContext,
  type: string,
  value: Json,
  output: string,
): Promise<void> {
  const input = `${output}.json`;
  fs.writeFileSync(input, JSON.stringify(value));
  await lator(context, ['proto_encode', '--type', type, '--input', input, '--output', output]);
}

/** Runs `work` with a scratch directory that is removed afterwards. */
export async function withScratchDir<T>(prefix: string, work: (dir: string) => Promise<T>) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `consortia-${prefix}-`));
  try {
    return await work(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The channel's newest config block, decoded (common.Block JSON). */
export async function fetchConfigBlock(
  context: ConfigUpdateContext,
  channel: string,
  admin: ConfigAdmin,
): Promise<Json> {
  return withScratchDir('config', async (dir) => {
    const block = path.join(dir, 'config_block.pb');
    await runFabric(
      'peer',
      ['channel', 'fetch', 'config', block, '-c', channel, ...ordererArgs(context.topology)],
      run(context, admin.env),
    );
    return decode(context, 'common.Block', block, path.join(dir, 'block.json'));
  });
}

/** The common.Config inside a decoded config block. */
export function configOfBlock(block: Json): Json {
  const data = (block.data as Json | undefined)?.data as Json[] | undefined;
  const payload = data?.[0]?.payload as Json | undefined;
  const config = (payload?.data as Json | undefined)?.config as Json | undefined;
  if (!config) throw new Error('the block is not a config block');
  return config;
}

/** The channel's current configuration (common.Config JSON). */
export async function fetchChannelConfig(
  context: ConfigUpdateContext,
  channel: string,
  admin: ConfigAdmin,
): Promise<Json> {
  return configOfBlock(await fetchConfigBlock(context, channel, admin));
}

/**
 * Computes the update from `original` to `updated` and writes it, unsigned, as a config update
 * envelope (common.Envelope of type CONFIG_UPDATE) to `file`. Refuses an edit that changes nothing.
 */
export async function writeUpdateEnvelope(
  context: ToolContext,
  channel: string,
  original: Json,
  updated: Json,
  file: string,
): Promise<void> {
  if (JSON.stringify(original) === JSON.stringify(updated)) {
    throw new UserError(`the change leaves channel ${channel}'s configuration as it is`);
  }
  await withScratchDir('update', async (dir) => {
    const scratch = (name: string) => path.join(dir, name);
    await encode(context, 'common.Config', original, scratch('original.pb'));
    await encode(context, 'common.Config', updated, scratch('updated.pb'));
    await lator(context, [
      'compute_update',
      '--channel_id',
      channel,
      '--original',
      scratch('original.pb'),
      '--updated',
      scratch('updated.pb'),
      '--output',
      scratch('update.pb'),
    ]);
    const update = await decode(
      context,
      'common.ConfigUpdate',
      scratch('update.pb'),
      scratch('update.json'),
    );
    // the header type 2 is HeaderType CONFIG_UPDATE
    const envelope = {
      payload: {
        header: { channel_header: { channel_id: channel, type: 2 } },
        data: { config_update: update, signatures: [] },
      },
    };
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    await encode(context, 'common.Envelope', envelope, path.resolve(file));
  });
}

/**
 * Reads a config update envelope file, refusing anything that is not one: a file that does not
 * decode, another header type, or an envelope without a config update for a channel.
 */
export async function readUpdateEnvelope(
  context: ToolContext,
  file: string,
): Promise<DecodedEnvelope> {
  if (!fs.existsSync(file)) throw new UserError(`no envelope file ${file}`);
  const decoded = await withScratchDir('envelope', (dir) =>
    decode(context, 'common.Envelope', file, path.join(dir, 'envelope.json')).catch(
      (error: unknown) => {
        throw new UserError(
          `${file} is not a config update envelope: it does not decode as one (${lastLine(error)})`,
        );
      },
    ),
  );
  return envelopeContents(decoded, file);
}

/** The last line of a failed program's output: configtxlator puts its reason there. */
function lastLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.trim().split('\n').pop() ?? message;
}

/** The channel, update and signers of a decoded envelope; throws on anything malformed. */
export function envelopeContents(envelope: Json, file = 'the envelope'): DecodedEnvelope {
  const refuse = (why: string) =>
    new UserError(
      `${file} is not a config update envelope: ${why}`,
      'make one with `consortia org update create`',
    );
  const payload = envelope.payload as Json | undefined;
  const header = (payload?.header as Json | undefined)?.channel_header as Json | undefined;
  if (!header) throw refuse('it has no channel header');
  const type = Number(header.type ?? 0);
  if (type !== 2) throw refuse(`its header type is ${type}, not CONFIG_UPDATE (2)`);
  const data = payload?.data as Json | undefined;
  const update = data?.config_update as Json | undefined;
  if (!update) throw refuse('it carries no config update');
  const channel = text(update.channel_id);
  if (!channel) throw refuse('its config update names no channel');
  if (text(header.channel_id) !== channel) {
    throw refuse(
      `its header is for channel ${text(header.channel_id)} but the update is for ${channel}`,
    );
  }
  if (!update.write_set) throw refuse('its config update has no write set');
  const signatures = (data?.signatures as Json[] | undefined) ?? [];
  return { channel, update, signers: signatures.map((signature, i) => signerOf(signature, i)) };
}

/** Adds `admin`'s signature to the envelope file in place (`peer channel signconfigtx`). */
export async function signUpdateEnvelope(
  context: ToolContext,
  file: string,
  admin: ConfigAdmin,
): Promise<void> {
  await runFabric('peer', ['channel', 'signconfigtx', '-f', file], run(context, admin.env));
}

/**
 * Submits the envelope file to the ordering service as `admin`; `peer channel update` adds the
 * submitter's own signature, so the submitter need not have signed the file first.
 */
export async function submitUpdateEnvelope(
  context: ConfigUpdateContext,
  channel: string,
  file: string,
  admin: ConfigAdmin,
): Promise<void> {
  await runFabric(
    'peer',
    ['channel', 'update', '-f', file, '-c', channel, ...ordererArgs(context.topology)],
    run(context, admin.env),
  );
}

export interface ConfigChange {
  channel: string;
  /** Edits the decoded common.Config in place. */
  edit: (config: Json) => void;
  /** Submits the update, adding its signature. */
  submitter: ConfigAdmin;
  /** Admins whose signatures the update needs besides the submitter's. */
  signers?: ConfigAdmin[];
  /** Reads the config as this admin (default: the submitter). */
  reader?: ConfigAdmin;
}

/** Fetch, edit, compute, sign and submit in one go, for changes one environment can sign alone. */
export async function updateChannelConfig(
  context: ConfigUpdateContext,
  change: ConfigChange,
): Promise<void> {
  const original = await fetchChannelConfig(
    context,
    change.channel,
    change.reader ?? change.submitter,
  );
  const updated = structuredClone(original);
  change.edit(updated);
  await withScratchDir('change', async (dir) => {
    const file = path.join(dir, 'update.pb');
    await writeUpdateEnvelope(context, change.channel, original, updated, file);
    for (const signer of change.signers ?? []) {
      if (signer.mspId !== change.submitter.mspId) {
        await signUpdateEnvelope(context, file, signer);
      }
    }
    await submitUpdateEnvelope(context, change.channel, file, change.submitter);
  });
}
