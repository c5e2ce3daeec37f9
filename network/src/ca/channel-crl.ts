// SPDX-License-Identifier: Apache-2.0
import fs from 'node:fs';
import path from 'node:path';

import { runFabric, ordererArgs, peerAdminEnv, setupLogFile } from '../fabric/tools';
import type { Org, Topology } from '../topology/topology';
import { firstPeer } from '../topology/topology';

type Json = Record<string, unknown>;

/** The org's MSP definition inside a decoded channel config. */
function orgMspConfig(config: Json, mspId: string): Json {
  const groups = (config.channel_group as Json).groups as Json;
  const org = ((groups.Application as Json).groups as Json)[mspId] as Json | undefined;
  if (!org) throw new Error(`the channel has no application org ${mspId}`);
  return ((((org.values as Json).MSP as Json).value as Json).config as Json) ?? {};
}

/**
 * Puts a CRL into an org's MSP in the channel configuration, so every peer and orderer rejects
 * the certificates it lists. It is a config update of the org's own group, which the org's
 * Admins policy governs: its admin fetches the config, computes the update with configtxlator,
 * signs and submits it. The CRL replaces the org's previous one, since the CA's newest CRL lists
 * every certificate it has revoked.
 */
export async function setChannelCrl(
  home: string,
  topology: Topology,
  org: Org,
  crlPem: string,
): Promise<void> {
  const channel = topology.options.channel;
  const dir = fs.mkdtempSync(path.join(topology.paths.config, `crl-${org.mspId}-`));
  const file = (name: string) => path.join(dir, name);
  const logFile = setupLogFile(topology);
  const env = peerAdminEnv(topology, org, firstPeer(org));
  const lator = (args: string[]) => runFabric('configtxlator', args, { home, logFile });
  try {
    await runFabric(
      'peer',
      [
        'channel',
        'fetch',
        'config',
        file('config_block.pb'),
        '-c',
        channel,
        ...ordererArgs(topology),
      ],
      { home, env, logFile },
    );
    await lator([
      'proto_decode',
      '--type',
      'common.Block',
      '--input',
      file('config_block.pb'),
      '--output',
      file('block.json'),
    ]);
    const block = JSON.parse(fs.readFileSync(file('block.json'), 'utf8')) as Json;
    const envelope = ((block.data as Json).data as Json[])[0] as Json;
    const original = ((envelope.payload as Json).data as Json).config as Json;
    const updated = structuredClone(original);
    orgMspConfig(updated, org.mspId).revocation_list = [Buffer.from(crlPem).toString('base64')];

    fs.writeFileSync(file('original.json'), JSON.stringify(original));
    fs.writeFileSync(file('updated.json'), JSON.stringify(updated));
    for (const name of ['original', 'updated']) {
      await lator([
        'proto_encode',
        '--type',
        'common.Config',
        '--input',
        file(`${name}.json`),
        '--output',
        file(`${name}.pb`),
      ]);
    }
    await lator([
      'compute_update',
      '--channel_id',
      channel,
      '--original',
      file('original.pb'),
      '--updated',
      file('updated.pb'),
      '--output',
      file('update.pb'),
    ]);
    await lator([
      'proto_decode',
      '--type',
      'common.ConfigUpdate',
      '--input',
      file('update.pb'),
      '--output',
      file('update.json'),
    ]);
    const update = JSON.parse(fs.readFileSync(file('update.json'), 'utf8')) as Json;
    const wrapped = {
      payload: {
        header: { channel_header: { channel_id: channel, type: 2 } },
        data: { config_update: update },
      },
    };
    fs.writeFileSync(file('envelope.json'), JSON.stringify(wrapped));
    await lator([
      'proto_encode',
      '--type',
      'common.Envelope',
      '--input',
      file('envelope.json'),
      '--output',
      file('envelope.pb'),
    ]);
    // `peer channel update` adds the submitting admin's signature, the one the org's policy needs
    await runFabric(
      'peer',
      ['channel', 'update', '-f', file('envelope.pb'), '-c', channel, ...ordererArgs(topology)],
      { home, env, logFile },
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
