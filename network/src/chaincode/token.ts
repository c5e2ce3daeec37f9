// SPDX-License-Identifier: Apache-2.0
import type { Org, Topology } from '../topology/topology';
import { connectGateway } from '../fabric/gateway-client';

/** The consortium token a local network starts with. */
export const LOCAL_TOKEN = { name: 'Consortia Token', symbol: 'CTK', decimals: 2 } as const;

export type TokenSetup = 'initialized' | 'present';

/**
 * Initializes the business chaincode's token as the org's first user, unless it already is. The
 * initializing organization becomes the token's admin and its only minter.
 */
export async function ensureTokenInitialized(
  topology: Topology,
  org: Org,
  chaincode: string,
  token: { name: string; symbol: string; decimals: number } = LOCAL_TOKEN,
): Promise<TokenSetup> {
  const connection = connectGateway(topology, org);
  try {
    const contract = connection.gateway
      .getNetwork(topology.options.channel)
      .getContract(chaincode, 'TokenContract');
    try {
      await contract.evaluateTransaction('GetTokenInfo');
      return 'present';
    } catch {
      // not initialized yet: GetTokenInfo refuses until Initialize commits
    }
    await contract.submitTransaction(
      'Initialize',
      token.name,
      token.symbol,
      String(token.decimals),
      '',
    );
    return 'initialized';
  } finally {
    connection.close();
  }
}
