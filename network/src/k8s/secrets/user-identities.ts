// SPDX-License-Identifier: Apache-2.0
// The Secrets of the DAPP's per-user identities (org-blockchain's dapp.userIdentities).
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import type { OrgLayout } from '../naming';
import type { SecretSpec } from './collect';
import { requiredFile } from './files';
import type { OrgCrypto } from './locate';
import { isDir } from './locate';
import { secretNames } from './names';

/**
 * Where a network made with CAs (`consortia up --crypto ca`) enrolled the org's intermediate CA
 * registrar, next to its crypto folder (<state>/crypto/peerOrganizations/<domain> beside
 * <state>/ca/<org>/intermediate-registrar).
 */
function registrarMsp(crypto: OrgCrypto, layout: OrgLayout): string | undefined {
  const stateDir = path.dirname(path.dirname(path.dirname(crypto.orgDir)));
  const msp = path.join(stateDir, 'ca', layout.slug, 'intermediate-registrar', 'msp');
  return isDir(path.join(msp, 'signcerts')) && fs.existsSync(path.join(msp, 'keystore'))
    ? msp
    : undefined;
}

/**
 * The key-encryption keys sealing users' private keys in the DAPP's Postgres: one random key
 * (`k1:<base64>`) made on first apply and never replaced, since the stored keys are sealed with
 * it (rotate by adding a new key first, see dapp/README.md). And, when the crypto material comes
 * from a network of CAs, the registrar the DAPP registers and revokes users as. Without it, the
 * chart's enrollment Job (ca.enroll) makes that Secret from the release's CA.
 */
export function userIdentitySecrets(crypto: OrgCrypto, layout: OrgLayout): SecretSpec[] {
  const specs: SecretSpec[] = [
    {
      name: secretNames.dappIdentityKeks(layout),
      kind: 'blockchain',
      purpose: "FABRIC_IDENTITY_KEKS, AES-256-GCM keys sealing users' Fabric keys (generated)",
      files: { keks: Buffer.from(`k1:${randomBytes(32).toString('base64')}`) },
      generated: true,
    },
  ];
  const msp = registrarMsp(crypto, layout);
  if (msp) {
    specs.push({
      name: secretNames.dappCaRegistrar(layout),
      kind: 'blockchain',
      purpose: "the org CA's registrar the DAPP enrolls and revokes users as",
      files: {
        'cert.pem': requiredFile(path.join(msp, 'signcerts')),
        'key.pem': requiredFile(path.join(msp, 'keystore')),
      },
    });
  }
  return specs;
}
