// SPDX-License-Identifier: Apache-2.0
// Which Secrets an organization's releases mount, read from its crypto folders.
import { randomBytes } from 'node:crypto';
import path from 'node:path';

import { UserError } from '../../errors';
import type { DappApiCredentials } from '../dapp-api-key';
import type { OrgLayout, ReleaseKind } from '../naming';
import { mspFiles, nodeDirs, nodeIndex, requiredFile, tlsFiles } from './files';
import type { OrgCrypto } from './locate';
import { secretNames } from './names';
import { userIdentitySecrets } from './user-identities';

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

/** Reads every Secret the org's releases mount from its crypto folders. */
export function collectSecrets(
  crypto: OrgCrypto,
  layout: OrgLayout,
  ordering: boolean,
  /** The DAPP's API key entries and the key the applications present (dappApiCredentials). */
  dappKey: DappApiCredentials,
): SecretSpec[] {
  return [
    ...peerSecrets(crypto, layout),
    ...identitySecrets(crypto, layout),
    ...generatedSecrets(layout),
    ...dappKeySecrets(layout, dappKey),
    ...userIdentitySecrets(crypto, layout),
    ...(ordering ? ordererSecrets(crypto, layout) : []),
  ];
}

/** Each peer's MSP and TLS Secrets. */
function peerSecrets(crypto: OrgCrypto, layout: OrgLayout): SecretSpec[] {
  const peers = nodeDirs(path.join(crypto.orgDir, 'peers'));
  if (peers.length === 0) {
    throw new UserError(
      `${crypto.orgDir} has no peers/`,
      'generate the org crypto material with its peers',
    );
  }
  return nodeSecrets(path.join(crypto.orgDir, 'peers'), peers, 'peer', 'blockchain', {
    msp: (index) => secretNames.peerMsp(layout, index),
    tls: (index) => secretNames.peerTls(layout, index),
  });
}

/** The admin's MSP, and the identity the DAPP and datasync sign and connect with. */
function identitySecrets(crypto: OrgCrypto, layout: OrgLayout): SecretSpec[] {
  const users = nodeDirs(path.join(crypto.orgDir, 'users'));
  const admin = users.find((user) => user.toLowerCase().startsWith('admin@'));
  if (!admin) {
    throw new UserError(
      `${crypto.orgDir} has no users/Admin@...`,
      'generate the org admin identity',
    );
  }
  const adminMsp: SecretSpec = {
    name: secretNames.adminMsp(layout),
    kind: 'blockchain',
    purpose: `${admin} MSP`,
    files: mspFiles(path.join(crypto.orgDir, 'users', admin, 'msp')),
  };

  // the applications sign as an ordinary client when the org has one, else as the admin
  const client = users.find((user) => !user.toLowerCase().startsWith('admin@')) ?? admin;
  const clientMsp = path.join(crypto.orgDir, 'users', client, 'msp');
  // the org MSP's copy: tlsca/ holds the TLS CA's private key (priv_sk) beside its certificate
  const tlsCa = requiredFile(path.join(crypto.orgDir, 'msp', 'tlscacerts'));
  const identity = {
    'cert.pem': requiredFile(path.join(clientMsp, 'signcerts')),
    'key.pem': requiredFile(path.join(clientMsp, 'keystore')),
    'tlscacert.pem': tlsCa,
  };
  return [
    adminMsp,
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
  ];
}

/** Random credentials made here on first apply and kept after (see SecretSpec.generated). */
function generatedSecrets(layout: OrgLayout): SecretSpec[] {
  return [
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
  ];
}

/** The DAPP's API key entries and the key the applications present to it. */
function dappKeySecrets(layout: OrgLayout, dappKey: DappApiCredentials): SecretSpec[] {
  return [
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
  ];
}

/** Each orderer's MSP and TLS Secrets, for an org that runs the ordering service. */
function ordererSecrets(crypto: OrgCrypto, layout: OrgLayout): SecretSpec[] {
  const ordererOrg = crypto.ordererOrgDir;
  const orderers = ordererOrg ? nodeDirs(path.join(ordererOrg, 'orderers')) : [];
  if (!ordererOrg || orderers.length === 0) {
    throw new UserError(
      'the org runs the ordering service but no ordererOrganizations/<domain>/orderers was found',
      'pass --from the network state directory that holds the orderer crypto material, or drop --ordering',
    );
  }
  return nodeSecrets(path.join(ordererOrg, 'orderers'), orderers, 'orderer', 'ordering', {
    msp: (index) => secretNames.ordererMsp(layout, index),
    tls: (index) => secretNames.ordererTls(layout, index),
  });
}

/** Each node's MSP and TLS Secrets, named by the number in its folder name. */
function nodeSecrets(
  parent: string,
  dirNames: string[],
  prefix: string,
  kind: ReleaseKind,
  names: { msp: (index: number) => string; tls: (index: number) => string },
): SecretSpec[] {
  return dirNames.flatMap((dirName, position): SecretSpec[] => {
    const index = nodeIndex(dirName, prefix, position);
    const node = path.join(parent, dirName);
    return [
      {
        name: names.msp(index),
        kind,
        purpose: `${dirName} MSP`,
        files: mspFiles(path.join(node, 'msp')),
      },
      {
        name: names.tls(index),
        kind,
        purpose: `${dirName} TLS`,
        files: tlsFiles(path.join(node, 'tls')),
      },
    ];
  });
}
