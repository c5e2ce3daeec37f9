import { createHash, randomUUID } from 'node:crypto';

import type { Gateway } from '@hyperledger/fabric-gateway';

import { CHAINCODE } from './fabric';

/**
 * Business traffic on a real network: token initialisation, then asset creations submitted
 * concurrently, with a token transfer as every fourth transaction. Returns how many transactions committed.
 */
export async function generateTraffic(
  gateway: Gateway,
  channel: string,
  transactions: number,
  concurrency = 20,
): Promise<number> {
  const network = gateway.getNetwork(channel);
  const assets = network.getContract(CHAINCODE, 'AssetContract');
  const tokens = network.getContract(CHAINCODE, 'TokenContract');
  const info = await tokens.evaluateTransaction('GetTokenInfo').catch(() => undefined);
  if (!info || info.length === 0) {
    await tokens.submitTransaction('Initialize', 'Consortium Token', 'CTK', '2', '');
  }
  const self = new TextDecoder().decode(await tokens.evaluateTransaction('ClientAccountID'));
  await tokens.submitTransaction('Mint', self, String(transactions * 10));
  let committed = 0;
  let next = 0;
  let transfers: Promise<unknown> = Promise.resolve();
  const worker = async () => {
    while (next < transactions) {
      const index = next++;
      if (index % 4 !== 3) {
        await assets.submitTransaction(
          'CreateAsset',
          `bench-${randomUUID()}`,
          'container',
          'alice',
          JSON.stringify({ index }),
        );
      } else {
        const recipient = createHash('sha256')
          .update(`recipient-${index % 16}`)
          .digest('hex');
        // debits of one account are serialized by the ledger (concurrent ones conflict), so
        // transfers from this one sender go one at a time, as a real client's would
        const transfer = transfers.then(() => tokens.submitTransaction('Transfer', recipient, '1'));
        transfers = transfer.catch(() => undefined);
        await transfer;
      }
      committed++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return committed;
}
