// SPDX-License-Identifier: Apache-2.0
import type { Logger } from '@consortia/common';
import { BLOCKS_NOTIFICATION } from '@consortia/datasync/read';
import type pg from 'pg';

/**
 * Listens for datasync's notification of each applied block (LISTEN on the mirror), so live
 * deliveries wake at once instead of at the next poll. One connection of the mirror pool is
 * held for it and replaced after a failure; the poll stays as the fallback meanwhile.
 */
export class BlockNotifications {
  #client?: pg.PoolClient;
  #timer?: NodeJS.Timeout;
  #stopped = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly onBlock: (channel: string, block: number) => void,
    private readonly logger: Logger,
    private readonly retryMs = 1_000,
  ) {}

  start(): void {
    void this.#connect();
  }

  async #connect(): Promise<void> {
    if (this.#stopped) return;
    let client: pg.PoolClient | undefined;
    try {
      client = await this.pool.connect();
      const held = client;
      held.on('notification', (message) => {
        if (message.channel !== BLOCKS_NOTIFICATION || !message.payload) return;
        try {
          const { channel, block } = JSON.parse(message.payload) as {
            channel: string;
            block: number;
          };
          // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-conversion -- parsed JSON: a string block still becomes a number
          this.onBlock(channel, Number(block));
        } catch {
          // Not a notification this API understands; the poll covers it.
        }
      });
      held.on('error', (error) => this.#lost(held, error));
      await held.query(`LISTEN ${BLOCKS_NOTIFICATION}`);
      if (this.#stopped) {
        held.release(true);
        return;
      }
      this.#client = held;
    } catch (error) {
      if (client) this.#lost(client, error);
      else this.#retry(error);
    }
  }

  #lost(client: pg.PoolClient, error: unknown): void {
    if (this.#client === client) this.#client = undefined;
    client.release(true);
    this.#retry(error);
  }

  #retry(error: unknown): void {
    if (this.#stopped) return;
    this.logger.debug({ err: error }, 'block notifications lost; polling until they are back');
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#connect(), this.retryMs);
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    // The connection was LISTENing: it is closed rather than returned to the pool.
    this.#client?.release(true);
    this.#client = undefined;
  }
}
