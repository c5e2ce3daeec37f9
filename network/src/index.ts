// SPDX-License-Identifier: Apache-2.0
/**
 * The network workspace's programmatic API, for other workspaces' tests and tools: bring a local
 * network up and down, deploy chaincode, find its identities and endpoints, run a Kafka broker.
 */
export { deployChaincode } from './chaincode/deploy';
export type { DeployRequest } from './chaincode/deploy';
export { restartChaincodeServices } from './chaincode/service';
export { ensureTokenInitialized } from './chaincode/token';
export { UserError, describeError } from './errors';
export { COMPONENTS, consortiaHome, installComponents } from './install';
export { startNodes } from './fabric/network';
export { publishCrl } from './ca/publish-crl';
export type { CrlPublication } from './ca/publish-crl';
export { fabricComponent, FABRIC_VERSION } from './install/fabric';
export { kafkaComponent } from './install/kafka';
export { chromiumComponent, chromiumPath } from './install/chromium';
export { kafkaClient, prepareBroker, startBroker } from './kafka/broker';
export { formatTable } from './cli/output';
export { down } from './operations/down';
export { loadNetwork, networkStatus } from './operations/status';
export { up } from './operations/up';
export {
  isOurs,
  listPidRecords,
  readPidRecord,
  startDaemon,
  stopDaemon,
} from './process/supervisor';
export { runCommand } from './process/run-command';
export { tcpOpen } from './process/wait';
export { REPOSITORY_ROOT, workspaces, workspaceSelector, workspacesWithScript } from './repository';
export { writeManifest } from './state/manifest';
export type { DeployedChaincode, NetworkManifest } from './state/manifest';
export type { Consensus, NetworkOptions, RawNetworkOptions } from './topology/options';
export {
  buildTopology,
  firstOrg,
  firstPeer,
  HOST,
  orgAdminMspDir,
  orgOf,
  orgTlsCaFile,
  orgUserDir,
  peerCryptoDir,
  servicePorts,
  TLS_HOST_NAME,
} from './topology/topology';
export type { KafkaNode, LocalServiceName, Org, PeerNode, Topology } from './topology/topology';
export {
  localCredentials,
  localServices,
  mirrorDatabaseUrl,
  startLocalServices,
} from './services/local-services';
export type { LocalCredentials, LocalService } from './services/local-services';
