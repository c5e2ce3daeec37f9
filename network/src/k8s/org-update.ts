// SPDX-License-Identifier: Apache-2.0
// The membership config update across clusters: each organization's admin identity lives in a
// Secret of its own cluster, so the envelope file travels and each admin signs it where their
// Secret is. Creating and checking the file need only the channel's config block (as
// `peer channel fetch config` writes it); the submit runs the peer CLI in a Job, inside the
// cluster that reaches the orderer.
import fs from 'node:fs';
import path from 'node:path';

import { UserError } from '../errors';
import type { Json, ToolContext } from '../fabric/config-update';
import {
  configOfBlock,
  decode,
  readUpdateEnvelope,
  signUpdateEnvelope,
  withScratchDir,
  writeUpdateEnvelope,
} from '../fabric/config-update';
import type { MembershipChange } from '../membership/update-files';
import { applyMembershipChange, statusAgainst } from '../membership/update-files';
import type { EnvelopeStatus } from '../membership/update-files';
import type { KubeClients } from './client';
import { apiFailure } from './client';
import type { JobOutcome } from './jobs';
import { findPeers, readInput, runPeerJob } from './jobs';
import type { OrgLayout } from './naming';
import { secretNames } from './secrets/names';

/** A channel's config block file, decoded: its channel and its configuration. */
export async function readConfigBlockFile(
  context: ToolContext,
  file: string,
): Promise<{ channel: string; config: Json }> {
  const block = await withScratchDir('config-block', (dir) =>
    decode(context, 'common.Block', readableFile(file, '--config-block'), path.join(dir, 'b.json')),
  ).catch((error: unknown) => {
    if (error instanceof UserError && error.message.startsWith('cannot read')) throw error;
    throw new UserError(`${file} is not a config block (${(error as Error).message})`);
  });
  const data = (block.data as Json | undefined)?.data as Json[] | undefined;
  const header = ((data?.[0]?.payload as Json | undefined)?.header as Json | undefined)
    ?.channel_header as Json | undefined;
  const channel = typeof header?.channel_id === 'string' ? header.channel_id : '';
  let config: Json;
  try {
    config = configOfBlock(block);
  } catch {
    throw new UserError(
      `${file} is not a config block`,
      'fetch it with `peer channel fetch config`',
    );
  }
  return { channel, config };
}

function readableFile(file: string, flag: string): string {
  if (!fs.existsSync(file))
    throw new UserError(`cannot read ${file}`, `pass ${flag} an existing file`);
  return file;
}

/** Writes the unsigned envelope that makes `change` to the channel the config block is of. */
export async function createUpdateFromBlock(
  context: ToolContext,
  request: { configBlock: string; change: MembershipChange; output: string },
): Promise<string> {
  const { channel, config } = await readConfigBlockFile(context, request.configBlock);
  const updated = structuredClone(config);
  applyMembershipChange(updated, channel, request.change);
  await writeUpdateEnvelope(context, channel, config, updated, request.output);
  return channel;
}

/**
 * The envelope's signatures against the policies in the channel's config block; `submitter`
 * counts the admin whose signature the submit adds.
 */
export async function envelopeStatusFromBlock(
  context: ToolContext,
  file: string,
  configBlock: string,
  submitter?: string,
): Promise<EnvelopeStatus> {
  const envelope = await readUpdateEnvelope(context, file);
  const { channel, config } = await readConfigBlockFile(context, configBlock);
  if (channel && channel !== envelope.channel) {
    throw new UserError(
      `${file} updates channel ${envelope.channel}, but ${configBlock} is a config block of ${channel}`,
    );
  }
  return statusAgainst(config, envelope, submitter ? [submitter] : []);
}

/** A core.yaml for the peer CLI when it only signs: the software crypto provider. */
const SIGNING_CORE_YAML =
  'peer:\n  BCCSP:\n    Default: SW\n    SW:\n      Hash: SHA2\n      Security: 256\n';

/**
 * Signs the envelope file in place as the org's admin, whose MSP is read from the admin Secret
 * of the org's release in this cluster (`consortia k8s secrets` made it). The key is written to
 * a scratch directory readable by the caller only, and removed after signing.
 */
export async function signWithClusterAdmin(
  context: ToolContext,
  clients: KubeClients,
  layout: OrgLayout,
  mspId: string,
  file: string,
): Promise<void> {
  const before = await readUpdateEnvelope(context, file);
  if (before.signers.some((signer) => signer.mspId === mspId && signer.admin)) {
    throw new UserError(`${file} already carries a signature of ${mspId}'s admin`);
  }
  const name = secretNames.adminMsp(layout);
  const namespace = layout.namespaces.blockchain;
  let data: Record<string, string>;
  try {
    data = (await clients.core.readNamespacedSecret({ name, namespace })).data ?? {};
  } catch (error) {
    throw apiFailure(`reading the admin Secret ${namespace}/${name}`, error, clients);
  }
  const files: Record<string, string> = {
    'config.yaml': 'config.yaml',
    'cert.pem': 'signcerts/cert.pem',
    'key.pem': 'keystore/key.pem',
    'cacert.pem': 'cacerts/cacert.pem',
  };
  await withScratchDir('admin-msp', async (dir) => {
    fs.chmodSync(dir, 0o700);
    const msp = path.join(dir, 'msp');
    for (const [key, target] of Object.entries(files)) {
      const value = data[key];
      if (value === undefined) {
        throw new UserError(
          `the admin Secret ${namespace}/${name} has no ${key}`,
          'recreate it with `consortia k8s secrets`',
        );
      }
      fs.mkdirSync(path.dirname(path.join(msp, target)), { recursive: true });
      fs.writeFileSync(path.join(msp, target), Buffer.from(value, 'base64'), { mode: 0o600 });
    }
    fs.writeFileSync(path.join(dir, 'core.yaml'), SIGNING_CORE_YAML);
    await signUpdateEnvelope(context, file, {
      mspId,
      env: { FABRIC_CFG_PATH: dir, CORE_PEER_LOCALMSPID: mspId, CORE_PEER_MSPCONFIGPATH: msp },
    });
  });
}

export interface SubmitJobOptions {
  layout: OrgLayout;
  mspId: string;
  file: string;
  channel: string;
  orderer: string;
  ordererCaFile: string;
  image: string;
  timeoutMs: number;
}

/** Submits the envelope from a Job in the org's namespace: `peer channel update` as its admin. */
export async function submitFromCluster(
  clients: KubeClients,
  options: SubmitJobOptions,
  progress: (line: string) => void,
): Promise<JobOutcome> {
  const peers = await findPeers(clients, options.layout);
  return runPeerJob(
    clients,
    {
      layout: options.layout,
      step: 'config-update',
      script:
        'cp /inputs/update.pb /work/update.pb\n' +
        'peer channel update -f /work/update.pb -c "$CHANNEL" -o "$ORDERER" --tls --cafile /inputs/orderer-ca.crt',
      env: {
        CHANNEL: options.channel,
        ORDERER: options.orderer,
        CORE_PEER_LOCALMSPID: options.mspId,
      },
      inputs: {
        'update.pb': readInput(options.file, 'config update envelope', '--file'),
        'orderer-ca.crt': readInput(options.ordererCaFile, 'orderer TLS CA', '--orderer-ca'),
      },
      image: options.image,
      timeoutMs: options.timeoutMs,
      tlsPeerIndex: peers[0]?.index ?? 0,
    },
    progress,
  );
}
