import type { Logger } from '@consortia/common';

import type { WriteRequestStore } from '../store/write-requests';
import type { DappClient } from './client';
import { outcomeFromDapp, outcomeWithoutDapp } from './write-status';

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
 * polls it. It never decides an outcome itself.
 */
export class WriteSettler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private readonly logger: Logger;

  constructor(private readonly options: WriteSettlerOptions) {
    this.logger = options.logger.child({ component: 'write-settler' });
  }

  start(): void {
    const tick = () => {
      this.running ??= this.runOnce()
        .then(() => undefined)
        .catch((error: unknown) => this.logger.warn({ err: error }, 'settling writes failed'))
        .finally(() => {
          this.running = undefined;
        });
    };
    this.timer = setInterval(tick, this.options.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
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
}
