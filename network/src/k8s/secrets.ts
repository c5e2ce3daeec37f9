import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import YAML from 'yaml';

import { UserError } from '../errors';
import type { DappApiCredentials } from './dapp-api-key';
import type { OrgLayout, ReleaseKind } from './naming';

export type { SecretOutcome } from './secrets-apply';
export { applySecrets, ensureNamespace, secretObject } from './secrets-apply';

/** A Secret the charts mount, described by name and content; content never reaches the output. */
export interface SecretSpec {
  name: string;
  kind: ReleaseKind;
  /** What it holds, for the report (e.g. "peer0 MSP"). */
  purpose: string;
  files: Record<string, Buffer>;
  /** Random credentials: made once, never replaced, since running databases already use them. */
  generated?: boolean;
}

/** Where cryptogen (or the local network) left an organization's crypto material. */
export interface OrgCrypto {
  /** peerOrganizations/<domain> */
  orgDir: string;
  /** ordererOrganizations/<domain>, when present alongside. */
  ordererOrgDir?: string;
}

function isDir(dir: string): boolean {
  try {
    return fs.statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

function isOrgDir(dir: string): boolean {
  return (
    isDir(path.join(dir, 'msp')) &&
    (isDir(path.join(dir, 'peers')) || isDir(path.join(dir, 'users')))
  );
}

/** Breadth-first search for directories named `name`, a few levels deep. */
function findDirsNamed(root: string, name: string, depth = 5): string[] {
  const found: string[] = [];
  let level = [root];
  for (let i = 0; i <= depth && level.length > 0; i++) {
    const next: string[] = [];
    for (const dir of level) {
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(dir, { withFileTypes: true });
      } catch {
        continue;
      }
      for (const entry of entries) {
        if (!entry.isDirectory() || entry.name === 'node_modules' || entry.name.startsWith('.'))
          continue;
        const child = path.join(dir, entry.name);
        if (entry.name === name) found.push(child);
        else next.push(child);
      }
    }
    level = next;
  }
  return found;
}

/** Whether a directory name such as org1.example.com belongs to the org (Org1, org1.example.com). */
function matchesOrg(dirName: string, org: string, slug: string): boolean {
  const lower = dirName.toLowerCase();
  return lower === org.toLowerCase() || lower.split('.')[0] === slug;
}

/** Accepts the org's own crypto folder or any directory above it (a network state dir). */
export function locateOrgCrypto(from: string, layout: OrgLayout): OrgCrypto {
  const root = path.resolve(from);
  if (!isDir(root)) {
    throw new UserError(
      `${from} is not a directory`,
      'pass --from the network state directory or the org MSP folder',
    );
  }
  if (isOrgDir(root)) {
    const sibling = path.join(path.dirname(path.dirname(root)), 'ordererOrganizations');
    return { orgDir: root, ordererOrgDir: firstChild(sibling) };
  }
  if (isDir(path.join(root, 'signcerts'))) {
    throw new UserError(
      `${from} is a single identity's MSP; the Secrets need the whole organization`,
      'pass --from the organization folder (peerOrganizations/<domain>) or the network state directory',
    );
  }
  for (const peerOrgs of findDirsNamed(root, 'peerOrganizations')) {
    for (const entry of fs.readdirSync(peerOrgs)) {
      const candidate = path.join(peerOrgs, entry);
      if (matchesOrg(entry, layout.org, layout.slug) && isOrgDir(candidate)) {
        return {
          orgDir: candidate,
          ordererOrgDir: firstChild(path.join(path.dirname(peerOrgs), 'ordererOrganizations')),
        };
      }
    }
  }
  throw new UserError(
    `no crypto material for ${layout.org} under ${from}`,
    `pass --from the network state directory (holding peerOrganizations/${layout.slug}.<domain>) or that folder itself; generate it first if the network has never run`,
  );
}

function firstChild(dir: string): string | undefined {
  if (!isDir(dir)) return undefined;
  const child = fs
    .readdirSync(dir)
    .sort()
    .map((entry) => path.join(dir, entry))
    .find(isDir);
  return child;
}

function onlyFile(dir: string, required: boolean): Buffer | undefined {
  const files = isDir(dir)
    ? fs
        .readdirSync(dir)
        .sort()
        .filter((entry) => fs.statSync(path.join(dir, entry)).isFile())
    : [];
  const first = files[0];
  if (first === undefined) {
    if (required) {
      throw new UserError(
        `${dir} holds no file`,
        'regenerate the crypto material for this identity',
      );
    }
    return undefined;
  }
  return fs.readFileSync(path.join(dir, first));
}

/**
 * NodeOU settings that point at the CA certificate where the charts project it
 * (cacerts/cacert.pem), whatever file name cryptogen or a CA gave it.
 */
export function nodeOuConfig(existing: string | undefined): string {
  if (existing) {
    const parsed: unknown = YAML.parse(existing);
    const rewrite = (node: unknown): unknown => {
      if (Array.isArray(node)) return node.map(rewrite);
      if (typeof node !== 'object' || node === null) return node;
      return Object.fromEntries(
        Object.entries(node).map(([key, value]) => [
          key,
          key === 'Certificate' && typeof value === 'string'
            ? 'cacerts/cacert.pem'
            : rewrite(value),
        ]),
      );
    };
    return YAML.stringify(rewrite(parsed));
  }
  const unit = (name: string) => ({
    Certificate: 'cacerts/cacert.pem',
    OrganizationalUnitIdentifier: name,
  });
  return YAML.stringify({
    NodeOUs: {
      Enable: true,
      ClientOUIdentifier: unit('client'),
      PeerOUIdentifier: unit('peer'),
      AdminOUIdentifier: unit('admin'),
      OrdererOUIdentifier: unit('orderer'),
    },
  });
}

/** The keys of an MSP Secret, as the charts' projected volume expects them. */
export function mspFiles(mspDir: string): Record<string, Buffer> {
  const files: Record<string, Buffer> = {};
  const configFile = path.join(mspDir, 'config.yaml');
  const config = fs.existsSync(configFile) ? fs.readFileSync(configFile, 'utf8') : undefined;
  files['config.yaml'] = Buffer.from(nodeOuConfig(config));
  files['cert.pem'] = onlyFile(path.join(mspDir, 'signcerts'), true) as Buffer;
  files['key.pem'] = onlyFile(path.join(mspDir, 'keystore'), true) as Buffer;
  files['cacert.pem'] = onlyFile(path.join(mspDir, 'cacerts'), true) as Buffer;
  const tlsCa = onlyFile(path.join(mspDir, 'tlscacerts'), false);
  if (tlsCa) files['tlscacert.pem'] = tlsCa;
  const intermediate = onlyFile(path.join(mspDir, 'intermediatecerts'), false);
  if (intermediate) files['intermediatecert.pem'] = intermediate;
  return files;
}

/** The keys of a TLS Secret: tls.crt, tls.key, ca.crt. */
export function tlsFiles(tlsDir: string): Record<string, Buffer> {
  const read = (names: string[]) => {
    for (const name of names) {
      const file = path.join(tlsDir, name);
      if (fs.existsSync(file)) return fs.readFileSync(file);
    }
    throw new UserError(
      `${tlsDir} lacks ${names.join(' or ')}`,
      'regenerate the TLS material for this node',
    );
  };
  return {
    'tls.crt': read(['server.crt', 'client.crt', 'tls.crt']),
    'tls.key': read(['server.key', 'client.key', 'tls.key']),
    'ca.crt': read(['ca.crt']),
  };
}

/** `peer0.org1.example.com` -> 0; nodes without a number count in directory order. */
function nodeIndex(dirName: string, prefix: string, fallback: number): number {
  const match = new RegExp(`^${prefix}(\\d+)`).exec(dirName);
  return match?.[1] === undefined ? fallback : Number(match[1]);
}

function nodeDirs(parent: string): string[] {
  return isDir(parent)
    ? fs
        .readdirSync(parent)
        .sort()
        .filter((entry) => isDir(path.join(parent, entry)))
    : [];
}

/** Secret names the charts look for; each can be overridden in the values. */
export const secretNames = {
  peerMsp: (layout: OrgLayout, index: number) => `${layout.releases.blockchain}-peer${index}-msp`,
  peerTls: (layout: OrgLayout, index: number) => `${layout.releases.blockchain}-peer${index}-tls`,
  adminMsp: (layout: OrgLayout) => `${layout.releases.blockchain}-admin-msp`,
  ordererMsp: (layout: OrgLayout, index: number) =>
    `${layout.releases.ordering}-orderer${index}-msp`,
  ordererTls: (layout: OrgLayout, index: number) =>
    `${layout.releases.ordering}-orderer${index}-tls`,
  dappIdentity: (layout: OrgLayout) => `${layout.releases.blockchain}-dapp-identity`,
  datasyncIdentity: (layout: OrgLayout) => `${layout.releases.blockchain}-datasync-identity`,
  dappApiKeys: (layout: OrgLayout) => `${layout.releases.blockchain}-dapp-api-keys`,
  dappTransientKey: (layout: OrgLayout) => `${layout.releases.blockchain}-dapp-transient-key`,
  couchdb: (layout: OrgLayout) => `${layout.releases.blockchain}-couchdb`,
  appDappCredentials: (layout: OrgLayout) => `${layout.releases.application}-dapp-credentials`,
};

/** Reads every Secret the org's releases mount from its crypto folders. */
export function collectSecrets(
  crypto: OrgCrypto,
  layout: OrgLayout,
  ordering: boolean,
  /** The DAPP's API key entries and the key the applications present (dappApiCredentials). */
  dappKey: DappApiCredentials,
): SecretSpec[] {
  const specs: SecretSpec[] = [];
  const peers = nodeDirs(path.join(crypto.orgDir, 'peers'));
  if (peers.length === 0) {
    throw new UserError(
      `${crypto.orgDir} has no peers/`,
      'generate the org crypto material with its peers',
    );
  }
  peers.forEach((dirName, position) => {
    const index = nodeIndex(dirName, 'peer', position);
    const node = path.join(crypto.orgDir, 'peers', dirName);
    specs.push(
      {
        name: secretNames.peerMsp(layout, index),
        kind: 'blockchain',
        purpose: `${dirName} MSP`,
        files: mspFiles(path.join(node, 'msp')),
      },
      {
        name: secretNames.peerTls(layout, index),
        kind: 'blockchain',
        purpose: `${dirName} TLS`,
        files: tlsFiles(path.join(node, 'tls')),
      },
    );
  });
  const users = nodeDirs(path.join(crypto.orgDir, 'users'));
  const admin = users.find((user) => user.toLowerCase().startsWith('admin@'));
  if (!admin) {
    throw new UserError(
      `${crypto.orgDir} has no users/Admin@...`,
      'generate the org admin identity',
    );
  }
  const adminMsp = mspFiles(path.join(crypto.orgDir, 'users', admin, 'msp'));
  specs.push({
    name: secretNames.adminMsp(layout),
    kind: 'blockchain',
    purpose: `${admin} MSP`,
    files: adminMsp,
  });

  // the applications sign as an ordinary client when the org has one, else as the admin
  const client = users.find((user) => !user.toLowerCase().startsWith('admin@')) ?? admin;
  const clientMsp = path.join(crypto.orgDir, 'users', client, 'msp');
  const tlsCa =
    onlyFile(path.join(crypto.orgDir, 'tlsca'), false) ??
    (onlyFile(path.join(crypto.orgDir, 'msp', 'tlscacerts'), true) as Buffer);
  const identity = {
    'cert.pem': onlyFile(path.join(clientMsp, 'signcerts'), true) as Buffer,
    'key.pem': onlyFile(path.join(clientMsp, 'keystore'), true) as Buffer,
    'tlscacert.pem': tlsCa,
  };
  specs.push(
    {
      name: secretNames.dappIdentity(layout),
      kind: 'blockchain',
      purpose: `${client} identity for the DAPP`,
      files: identity,
    },
    {
      name: secretNames.datasyncIdentity(layout),
      kind: 'blockchain',
      purpose: `${client} identity for datasync`,
      files: identity,
    },
  );

  specs.push(
    {
      name: secretNames.couchdb(layout),
      kind: 'blockchain',
      purpose: 'CouchDB credentials (generated)',
      files: {
        username: Buffer.from('admin'),
        password: Buffer.from(randomBytes(24).toString('base64url')),
      },
      generated: true,
    },
    {
      // every DAPP process seals and opens queued transient data with it: made once, then kept
      name: secretNames.dappTransientKey(layout),
      kind: 'blockchain',
      purpose: 'DAPP_TRANSIENT_KEY, AES-256-GCM key for queued transient data (generated)',
      files: { 'transient-key': Buffer.from(randomBytes(32).toString('base64')) },
      generated: true,
    },
    {
      // kept as it is unless it lacked a valid entry for the applications' key
      name: secretNames.dappApiKeys(layout),
      kind: 'blockchain',
      purpose: 'DAPP_API_KEYS entries (name:salt:hash:identities) the DAPP verifies keys against',
      files: { 'api-keys': Buffer.from(dappKey.entries) },
    },
    {
      name: secretNames.appDappCredentials(layout),
      kind: 'application',
      purpose: 'API key the applications present to the DAPP',
      files: { 'api-key': Buffer.from(dappKey.key) },
    },
  );

  if (ordering) {
    const ordererOrg = crypto.ordererOrgDir;
    const orderers = ordererOrg ? nodeDirs(path.join(ordererOrg, 'orderers')) : [];
    if (!ordererOrg || orderers.length === 0) {
      throw new UserError(
        'the org runs the ordering service but no ordererOrganizations/<domain>/orderers was found',
        'pass --from the network state directory that holds the orderer crypto material, or drop --ordering',
      );
    }
    orderers.forEach((dirName, position) => {
      const index = nodeIndex(dirName, 'orderer', position);
      const node = path.join(ordererOrg, 'orderers', dirName);
      specs.push(
        {
          name: secretNames.ordererMsp(layout, index),
          kind: 'ordering',
          purpose: `${dirName} MSP`,
          files: mspFiles(path.join(node, 'msp')),
        },
        {
          name: secretNames.ordererTls(layout, index),
          kind: 'ordering',
          purpose: `${dirName} TLS`,
          files: tlsFiles(path.join(node, 'tls')),
        },
      );
    });
  }
  return specs;
}
