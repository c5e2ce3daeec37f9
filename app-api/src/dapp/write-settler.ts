// SPDX-License-Identifier: Apache-2.0
import type { Logger, Rounds } from '@consortia/common';
import { everyInterval } from '@consortia/common';

import type { WriteRequestStore } from '../store/write-requests';
import type { DappClient } from './client';
import type { WriteRequest } from '../store/write-requests';
import {
  neverReceivedAfterMs,
  outcomeFromDapp,
  outcomeWithoutDapp,
  refusedByDapp,
} from './write-status';

export interface WriteSettlerOptions {
  writes: WriteRequestStore;
  dapp: DappClient;
  intervalMs: number;
  /** A relay still in progress touched its row less than this long ago. */
  idleMs: number;
  logger: Logger;
  batchSize?: number;
}

/**
 * Brings writes that are not final (queued, submitted, unknown) up to the DAPP's record of them,
 * which the DAPP settles from the ledger, so the app-api's status converges even when nobody
 * polls it. It never decides an outcome itself. A write the DAPP never received (no record once
 * no call can still be in flight) is sent again from its kept call under the same request id,
 * which the DAPP and the chaincode let commit at most once.
 */
export class WriteSettler {
  private rounds: Rounds | undefined;
  private readonly logger: Logger;

  constructor(private readonly options: WriteSettlerOptions) {
    this.logger = options.logger.child({ component: 'write-settler' });
  }

  start(): void {
    this.rounds = everyInterval({
      intervalMs: this.options.intervalMs,
      round: () => this.runOnce(),
      onError: (error) => this.logger.warn({ err: error }, 'settling writes failed'),
    });
  }

  async stop(): Promise<void> {
    await this.rounds?.stop();
    this.rounds = undefined;
  }

  /** One round; answers how many writes changed status. */
  async runOnce(): Promise<number> {
    const { writes, dapp } = this.options;
    let changed = 0;
    for (const write of await writes.unsettled(
      this.options.idleMs,
      this.options.batchSize ?? 200,
    )) {
      // A DAPP that cannot be asked now ends the round; the writes wait for the next one.
      const known = await dapp.request(write.requestId);
      if (!known && this.neverReceived(write)) {
        if (await this.resend(write)) changed += 1;
        continue;
      }
      const outcome = known
        ? outcomeFromDapp(known)
        : { status: outcomeWithoutDapp(write, dapp.timeoutMs) };
      if (
        outcome.status !== write.status &&
        (await writes.recordOutcome(write.requestId, outcome))
      ) {
        changed += 1;
      } else {
        await writes.touch(write.requestId);
      }
    }
    if (changed > 0) this.logger.info({ changed }, 'writes settled from the DAPP');
    return changed;
  }

  private neverReceived(write: WriteRequest): boolean {
    const waitMs = neverReceivedAfterMs(this.options.dapp.timeoutMs);
    return write.dappCall !== null && Date.now() - Date.parse(write.sentAt) > waitMs;
  }

  /** Sends a kept call again; answers whether the write's status changed. */
  private async resend(write: WriteRequest): Promise<boolean> {
    const { writes, dapp } = this.options;
    if (!write.dappCall) return false;
    await writes.markSent(write.requestId);
    this.logger.info(
      { requestId: write.requestId },
      'the DAPP never received this write; sent again',
    );
    try {
      const outcome = await dapp.submit(write.dappCall);
      if (outcome.status === 'committed') {
        return await writes.recordOutcome(write.requestId, {
          status: 'committed',
          txId: outcome.txId,
          blockNumber: String(outcome.blockNumber),
        });
      }
      const txId = outcome.status === 'unknown' ? outcome.txId : undefined;
      return await writes.recordOutcome(write.requestId, { status: outcome.status, txId });
    } catch (error) {
      // Refused by the DAPP itself (a 4xx other than a known id): nothing of it can reach the
      // ledger. Anything else leaves it as it is, for the next round to look again.
      if (refusedByDapp(error)) {
        return writes.recordOutcome(write.requestId, { status: 'failed' });
      }
      this.logger.warn({ err: error, requestId: write.requestId }, 'sending again failed');
      return false;
    }
  }
}
