// SPDX-License-Identifier: Apache-2.0
import { createHash, randomUUID } from 'node:crypto';

import type { Gateway } from '@hyperledger/fabric-gateway';
import { CommitError, EndorseError } from '@hyperledger/fabric-gateway';

import { CHAINCODE } from './fabric';

/**
 * Business traffic on a real network: token initialisation, then asset creations submitted
 * concurrently, with a token transfer as every `transferEvery`th transaction. Returns how many
 * transactions committed.
 */
export async function generateTraffic(
  gateway: Gateway,
  channel: string,
  transactions: number,
  concurrency = 20,
  transferEvery = 4,
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
      if (index % transferEvery !== transferEvery - 1) {
        const id = `bench-${randomUUID()}`;
        await retryingEndorsement(() =>
          assets.submitTransaction(
            'CreateAsset',
            id,
            'container',
            'alice',
            JSON.stringify({ index }),
          ),
        );
      } else {
        const recipient = createHash('sha256')
          .update(`recipient-${index % 16}`)
          .digest('hex');
        // debits of one account are serialized by the ledger (concurrent ones conflict), so
        // transfers from this one sender go one at a time, as a real client's would
        const transfer = transfers.then(() =>
          retryingConflicts(() => tokens.submitTransaction('Transfer', recipient, '1')),
        );
        transfers = transfer.catch(() => undefined);
        await transfer;
      }
      committed++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return committed;
}

/**
 * A peer that misses its endorsement deadline under a burst of load fails the proposal before
 * anything reaches the ledger; a client sends it again. A creation is idempotent until it commits.
 */
async function retryingEndorsement(submit: () => Promise<unknown>, attempts = 3): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await submit();
      return;
    } catch (error) {
      if (!(error instanceof EndorseError) || attempt >= attempts) throw error;
      process.stderr.write(
        `      endorsement failed (${error.details.map((detail) => detail.message).join('; ')}); sending again\n`,
      );
    }
  }
}

/** Fabric's validation code for a read of a key that another transaction has since written. */
const MVCC_READ_CONFLICT = 11;

/**
 * Even one at a time, a transfer can be endorsed by a peer that has not yet committed the
 * sender's previous debit, and then fails validation; the client submits it again.
 */
async function retryingConflicts(submit: () => Promise<unknown>, attempts = 5): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await submit();
      return;
    } catch (error) {
      const conflict = error instanceof CommitError && error.code === MVCC_READ_CONFLICT;
      if (!conflict || attempt >= attempts) throw error;
    }
  }
}
