// SPDX-License-Identifier: Apache-2.0
// Run as its own process by tls-server-name.test.ts: connects as the CLI does and asks the peer
// for the channel's height, so the test sees every warning Node prints in a fresh process.
import { connectGateway } from '../../src/fabric/gateway-client';
import { loadNetwork } from '../../src/operations/status';
import { firstOrg } from '../../src/topology/topology';

async function probe(stateDir: string): Promise<void> {
  const { topology } = loadNetwork(stateDir);
  const connection = connectGateway(topology, firstOrg(topology));
  try {
    const info = await connection.gateway
      .getNetwork(topology.options.channel)
      .getContract('qscc')
      .evaluateTransaction('GetChainInfo', topology.options.channel);
    console.log(`answered ${info.length} bytes`);
  } finally {
    connection.close();
  }
}

probe(String(process.argv[2])).catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
