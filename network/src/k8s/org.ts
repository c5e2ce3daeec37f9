// SPDX-License-Identifier: Apache-2.0
// A new organization for a consortium running on Kubernetes: its crypto material beside the
// consortium's (TLS names of its in-cluster Services), its definition for the channel config
// update that the members sign, and the values of its two releases.
import fs from 'node:fs';
import path from 'node:path';

import YAML from 'yaml';

import { UserError } from '../errors';
import type { Json } from '../fabric/config-update';
import { runFabric } from '../fabric/tools';
import { PROFILES } from '../templates/configtx';
import type { ClusterMaterialOptions } from './material';
import { clusterConfigtx, clusterCryptoConfig, peerService } from './material';
import type { OrgLayout } from './naming';
import { orgLayout } from './naming';

export interface ClusterOrgOptions {
  home: string;
  /** The directory `consortia k8s material` wrote (crypto/ in cryptogen's layout). */
  material: string;
  /** Org<n>. */
  name: string;
  peers: number;
  channel: string;
  clusterDomain: string;
  chaincode: string;
  progress?: (line: string) => void;
}

export interface ClusterOrg {
  layout: OrgLayout;
  mspId: string;
  /** peerOrganizations/<domain> of the new org, for its Secrets. */
  orgDir: string;
  /** The org's channel group (`org update create --add` / `k8s org update create --add`). */
  definitionFile: string;
  values: { blockchain: string; application: string };
}

/** The org's index from its name, refusing another shape or an org the material already has. */
function orgIndex(material: string, name: string): number {
  const index = Number(/^Org(\d+)$/.exec(name)?.[1]);
  if (!Number.isInteger(index) || index < 1) {
    throw new UserError(`an organization name is Org<n>, got '${name}'`, 'e.g. --org Org3');
  }
  if (fs.existsSync(orgDirOf(material, index))) {
    throw new UserError(
      `${name} already has crypto material in ${material}`,
      'choose the next free Org<n>, or use its existing material with `consortia k8s secrets`',
    );
  }
  return index;
}

function orgDirOf(material: string, index: number): string {
  return path.join(material, 'crypto', 'peerOrganizations', `org${index}.example.com`);
}

/** The consortium material's options as far as the new org's entries depend on them. */
function materialOptions(options: ClusterOrgOptions, index: number): ClusterMaterialOptions {
  return {
    home: options.home,
    out: options.material,
    orgs: index,
    peersPerOrg: options.peers,
    orderers: 1,
    kafkaBrokers: 1,
    channel: options.channel,
    clusterDomain: options.clusterDomain,
  };
}

/** Only the new org's entry of a cryptogen or configtx list (the lists name Org1..Org<index>). */
function entryOf<T extends { Name: string }>(list: T[] | undefined, name: string): T {
  const entry = list?.find((candidate) => candidate.Name === name);
  if (!entry) throw new Error(`${name} is missing from the generated configuration`);
  return entry;
}

/** `configtxgen -printOrg`, plus the org's first peer Service as its anchor peer. */
async function definition(
  options: ClusterOrgOptions,
  index: number,
  dir: string,
  logFile: string,
): Promise<Json> {
  const mspId = `Org${index}MSP`;
  const cryptoDir = path.join(options.material, 'crypto');
  const configtx = clusterConfigtx(materialOptions(options, index), cryptoDir) as {
    Profiles: Record<string, { Application?: { Organizations: { Name: string }[] } }>;
  };
  const member = entryOf(
    configtx.Profiles[PROFILES.kafkaApplicationChannel]?.Application?.Organizations,
    mspId,
  );
  fs.writeFileSync(
    path.join(dir, 'configtx.yaml'),
    YAML.stringify({ Organizations: [member] }, { lineWidth: 0 }),
  );
  const output = await runFabric('configtxgen', ['-configPath', dir, '-printOrg', mspId], {
    home: options.home,
    logFile,
  });
  const printed = /^\{[\s\S]*?^\}$/m.exec(output);
  if (!printed) throw new Error(`configtxgen -printOrg ${mspId} printed no definition`);
  const group = JSON.parse(printed[0]) as Json;
  const anchor = peerService(index, 0);
  const values = (group.values as Json | undefined) ?? {};
  values.AnchorPeers = {
    mod_policy: 'Admins',
    value: {
      anchor_peers: [
        {
          host: `${anchor.name}.${anchor.namespace}.svc.${options.clusterDomain}`,
          port: 7051,
        },
      ],
    },
    version: '0',
  };
  group.values = values;
  return group;
}

/** What differs for the new org in each of its releases; the cloud's values file does the rest. */
export function clusterOrgValues(
  options: Pick<ClusterOrgOptions, 'peers' | 'channel' | 'clusterDomain' | 'chaincode'>,
  index: number,
): { blockchain: Json; application: Json } {
  const layout = orgLayout(`Org${index}`);
  const peerAddress = (peer: number) => {
    const service = peerService(index, peer);
    return `${service.name}.${service.namespace}.svc.${options.clusterDomain}:7051`;
  };
  return {
    blockchain: {
      org: { mspId: `Org${index}MSP` },
      channel: options.channel,
      clusterDomain: options.clusterDomain,
      peer: {
        replicas: options.peers,
        nodes: Array.from({ length: options.peers }, (_, peer) => ({
          externalEndpoint: peerAddress(peer),
        })),
      },
    },
    application: {
      channel: options.channel,
      chaincode: { name: options.chaincode },
      clusterDomain: options.clusterDomain,
      dapp: { url: `https://dapp.${layout.slug}.example.com` },
    },
  };
}

/**
 * Extends the consortium's material with the org (cryptogen extend: the existing orgs' keys are
 * untouched), and writes into <material>/<org>/ its definition and its releases' values.
 */
export async function addClusterOrg(options: ClusterOrgOptions): Promise<ClusterOrg> {
  const material = path.resolve(options.material);
  const cryptoDir = path.join(material, 'crypto');
  if (!fs.existsSync(path.join(cryptoDir, 'peerOrganizations'))) {
    throw new UserError(
      `${material} holds no consortium material (crypto/peerOrganizations)`,
      'pass --material the directory `consortia k8s material --out` wrote',
    );
  }
  const index = orgIndex(material, options.name);
  const layout = orgLayout(options.name);
  const mspId = `Org${index}MSP`;
  const out = path.join(material, layout.slug);
  fs.mkdirSync(out, { recursive: true });
  const logFile = path.join(out, 'org.log');
  const opts = { ...options, material };

  options.progress?.(
    `${options.name}: crypto material (cryptogen extend) with in-cluster TLS names`,
  );
  const crypto = clusterCryptoConfig(materialOptions(opts, index)) as {
    PeerOrgs: { Name: string }[];
  };
  const cryptoConfig = path.join(out, 'crypto-config.yaml');
  fs.writeFileSync(
    cryptoConfig,
    YAML.stringify({ PeerOrgs: [entryOf(crypto.PeerOrgs, options.name)] }, { lineWidth: 0 }),
  );
  await runFabric('cryptogen', ['extend', '--input', cryptoDir, '--config', cryptoConfig], {
    home: options.home,
    logFile,
  });

  options.progress?.(`${options.name}: its channel definition (configtxgen -printOrg ${mspId})`);
  const definitionFile = path.join(out, `${mspId}.json`);
  const group = await definition(opts, index, out, logFile);
  fs.writeFileSync(definitionFile, `${JSON.stringify(group, null, 2)}\n`);

  const values = clusterOrgValues(opts, index);
  const files = {
    blockchain: path.join(out, 'org-blockchain-values.yaml'),
    application: path.join(out, 'org-application-values.yaml'),
  };
  for (const kind of ['blockchain', 'application'] as const) {
    fs.writeFileSync(files[kind], YAML.stringify(values[kind], { lineWidth: 0 }));
  }
  return { layout, mspId, orgDir: orgDirOf(material, index), definitionFile, values: files };
}
