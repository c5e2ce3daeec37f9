// SPDX-License-Identifier: Apache-2.0
/**
 * Test support for every workspace's integration tests: the shared local network and a gateway
 * connection as an organization's user.
 */
export { connectGateway } from '../fabric/gateway-client';
export type { GatewayConnection } from '../fabric/gateway-client';
export type { KafkaClientUser } from '../kafka/client-listener';
export {
  serviceKafkaEnv,
  sharedTestNetwork,
  stopTestNetwork,
  testNetworkBasePort,
  testNetworkDir,
  testNetworkUnavailable,
  TEST_CHAINCODE,
  TEST_NETWORK_BASE_PORT,
  TEST_NETWORK_BASE_PORT_ENV,
  TEST_NETWORK_ENV,
  TEST_TOKEN,
} from './test-network';
export type { TestNetwork } from './test-network';
export type { TestKafka } from './kafka';
export { startTestKafka, testKafkaUnavailable } from './kafka';
export type { TestCas } from './test-cas';
export { startTestCas, testCasUnavailable } from './test-cas';
export type { TestNetworkCa } from './ca-network';
export { caTestNetwork, CA_NETWORK_BASE_PORT_ENV, CA_NETWORK_ENV } from './ca-network';
