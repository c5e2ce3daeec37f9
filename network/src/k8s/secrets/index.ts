// SPDX-License-Identifier: Apache-2.0
/**
 * The Secrets an organization's charts mount: find the org's crypto material (locate), pack its
 * folders into Secret keys (files), name and collect every Secret (names, collect), and apply
 * them to the cluster (apply).
 */
export type { SecretOutcome } from './apply';
export { applySecrets, secretObject } from './apply';
export type { SecretSpec } from './collect';
export { collectSecrets } from './collect';
export { nodeOuConfig } from './files';
export type { OrgCrypto } from './locate';
export { locateOrgCrypto } from './locate';
