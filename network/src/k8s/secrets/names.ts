// SPDX-License-Identifier: Apache-2.0
import type { OrgLayout } from '../naming';

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
  dappIdentityKeks: (layout: OrgLayout) => `${layout.releases.blockchain}-dapp-identity-keks`,
  dappCaRegistrar: (layout: OrgLayout) => `${layout.releases.blockchain}-dapp-ca-registrar`,
  couchdb: (layout: OrgLayout) => `${layout.releases.blockchain}-couchdb`,
  appDappCredentials: (layout: OrgLayout) => `${layout.releases.application}-dapp-credentials`,
};
