// SPDX-License-Identifier: Apache-2.0
/**
 * Test support for workspaces that read the mirror: Fabric blocks constructed with the
 * fabric-protos classes, and a block source that replays them in place of a peer. Nothing here
 * runs in production; it lets another workspace fill a real mirror with the real datasync
 * writer when no Fabric network is available.
 */
export type { BuiltBlock, TxSpec, WriteSpec } from './blocks';
export {
  compositeKey,
  configBlock,
  endorserBlock,
  TEST_CERTIFICATE,
  workloadChain,
} from './blocks';
export type { OrderingSpec } from './channel-configs';
export { membershipConfig } from './channel-configs';
export { ReplayBlockSource } from './replay-source';
