// SPDX-License-Identifier: Apache-2.0
import type { Logger } from '@consortia/common';
import { Backoff } from '@consortia/common/backoff';
import type pg from 'pg';

import { decodeBlock } from '../decode/block';
import type { DecodedBlock } from '../decode/types';
import type { SyncMetrics } from '../http/metrics';
import type { BlockSource, SourcedBlock } from '../source/block-source';
import type { PlannerStatistics } from '../store/statistics';
import { applyBlocks, nextBlockNumber } from '../store/writer';
import { ConfigBlocks } from './config-blocks';
import { consecutiveRuns, readAhead } from './read-ahead';

export interface ChannelSyncOptions {
  channel: string;
  source: BlockSource;
  pool: pg.Pool;
  logger: Logger;
  metrics?: SyncMetrics;
  retry?: { minMs: number; maxMs: number };
  heightPollMs?: number;
  /** Told of every applied run of blocks, to analyze the mirror as it grows. */
  statistics?: PlannerStatistics;
}

const RATE_WINDOW_MS = 10_000;
/** Blocks written in one transaction at most, and read ahead of the writer at most. */
const READ_AHEAD = { maxBatch: 100, maxQueued: 400 };

/** Resolves after `ms`, or at once when the signal aborts. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve();
      return;
    }
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * Mirrors one channel: from the block after the checkpoint, catches up to the chain height and
 * follows live blocks. Any failure (peer or Postgres gone) backs off exponentially and resumes
 * from the checkpoint, which only moves together with its block, so nothing is lost or doubled.
 */
export class ChannelSync {
  readonly channel: string;
  #stop = new AbortController();
  #running?: Promise<void>;
  #height = 0;
  #syncedBlock = -1;
  #syncedTimestamp: Date | null = null;
  #recent: number[] = [];
  #lastError?: string;
  readonly #configs: ConfigBlocks;

  constructor(private readonly options: ChannelSyncOptions) {
    this.channel = options.channel;
    this.#configs = new ConfigBlocks(options.channel, options.logger);
  }

  /** Last block mirrored, -1 before the first. */
  get syncedBlock(): number {
    return this.#syncedBlock;
  }

  get height(): number {
    return this.#height;
  }

  /** Why syncing is currently failing, if it is. */
  get lastError(): string | undefined {
    return this.#lastError;
  }

  start(): void {
    this.#running ??= Promise.all([this.#follow(), this.#pollHeight()]).then(() => undefined);
  }

  async stop(): Promise<void> {
    this.#stop.abort();
    await this.#running;
  }

  async #follow(): Promise<void> {
    const { source, pool, logger, metrics, channel } = this.options;
    const retry = this.options.retry ?? { minMs: 500, maxMs: 30_000 };
    const signal = this.#stop.signal;
    const backoff = new Backoff(retry);
    while (!signal.aborted) {
      try {
        const start = await nextBlockNumber(pool, channel);
        this.#syncedBlock = Math.max(this.#syncedBlock, start - 1);
        // from the checkpoint on: a datasync that starts caught up reports its mirror at once,
        // rather than only after the next block
        if (this.#syncedBlock >= 0) metrics?.syncedBlock.set({ channel }, this.#syncedBlock);
        logger.info({ channel, startBlock: start }, 'following blocks');
        let restart = false;
        // this pass's own signal: a restart ends its block stream, not the whole sync
        const pass = new AbortController();
        const endPass = () => pass.abort();
        signal.addEventListener('abort', endPass, { once: true });
        try {
          const decoded = this.#decoded(source.blocks(channel, start, pass.signal));
          // Blocks that arrived while the last batch was being written go in together: a
          // catch-up commits once per batch, a live block still goes in as soon as it comes.
          for await (const batch of readAhead(decoded, READ_AHEAD)) {
            for (const run of consecutiveRuns(batch)) {
              await this.#configs.record(pool, run);
              const result = await applyBlocks(pool, run);
              if (result.status === 'gap') {
                // the source skipped blocks: ask again from the checkpoint rather than skip them
                logger.warn(
                  { channel, expected: result.expected, received: run[0]?.number },
                  'gap in block numbers; re-requesting',
                );
                metrics?.gapsRefilled.inc({ channel });
                restart = true;
                break;
              }
              if (result.status === 'applied') {
                this.options.statistics?.applied(result.transactions);
                for (const block of run) {
                  if (block.number <= this.#syncedBlock) continue;
                  this.#recordApplied(block.number, block.timestamp, block.transactions.length);
                  // the last leg of a request's correlation id (app-api, DAPP, chaincode
                  // event, mirror), so `consortia logs --correlation-id` finds it here too
                  for (const tx of block.transactions) {
                    if (tx.correlationId === null) continue;
                    logger.info(
                      {
                        correlationId: tx.correlationId,
                        channel,
                        block: block.number,
                        txId: tx.txId,
                        validationCode: tx.validationCode,
                      },
                      'transaction mirrored',
                    );
                  }
                }
                backoff.succeeded();
                this.#lastError = undefined;
              }
            }
            if (restart) break;
          }
        } finally {
          signal.removeEventListener('abort', endPass);
          pass.abort();
          this.#configs.clear();
        }
        if (!restart && !signal.aborted) {
          // the stream ended without an error: reconnect from the checkpoint
          await pause(retry.minMs, signal);
        }
      } catch (error) {
        if (signal.aborted) break;
        this.#lastError = error instanceof Error ? error.message : String(error);
        metrics?.reconnects.inc({ channel });
        const delay = backoff.failed();
        logger.warn(
          { channel, err: error, retryInMs: delay },
          'sync failed; resuming from the checkpoint',
        );
        await pause(delay, signal);
      }
    }
  }

  /** The source's blocks decoded, each checked to belong to this channel. */
  async *#decoded(blocks: AsyncIterable<SourcedBlock>): AsyncGenerator<DecodedBlock> {
    const channel = this.channel;
    for await (const sourced of blocks) {
      const block = decodeBlock(sourced.block, sourced.privateData);
      if (block.channel && block.channel !== channel) {
        throw new Error(
          `block ${block.number} belongs to channel ${block.channel}, not ${channel}`,
        );
      }
      this.#configs.note(sourced.block, block);
      yield { ...block, channel };
    }
  }

  #recordApplied(number: number, timestamp: Date | null, transactions: number): void {
    const { metrics, channel } = this.options;
    this.#syncedBlock = number;
    this.#syncedTimestamp = timestamp;
    this.#height = Math.max(this.#height, number + 1);
    const now = Date.now();
    this.#recent.push(now);
    this.#recent = this.#recent.filter((time) => time >= now - RATE_WINDOW_MS);
    if (!metrics) return;
    metrics.blocksApplied.inc({ channel });
    metrics.transactionsApplied.inc({ channel }, transactions);
    metrics.syncedBlock.set({ channel }, number);
    this.#updateLag();
  }

  #updateLag(): void {
    const { metrics, channel } = this.options;
    if (!metrics) return;
    const behind = Math.max(0, this.#height - 1 - this.#syncedBlock);
    metrics.chainHeight.set({ channel }, this.#height);
    metrics.lagBlocks.set({ channel }, behind);
    const age = this.#syncedTimestamp ? (Date.now() - this.#syncedTimestamp.getTime()) / 1000 : 0;
    metrics.lagSeconds.set({ channel }, behind > 0 ? Math.max(0, age) : 0);
    const now = Date.now();
    const inWindow = this.#recent.filter((time) => time >= now - RATE_WINDOW_MS).length;
    metrics.blocksPerSecond.set({ channel }, inWindow / (RATE_WINDOW_MS / 1000));
  }

  async #pollHeight(): Promise<void> {
    const signal = this.#stop.signal;
    const interval = this.options.heightPollMs ?? 5_000;
    while (!signal.aborted) {
      try {
        this.#height = Math.max(this.#height, await this.options.source.height(this.channel));
        this.#updateLag();
      } catch (error) {
        this.options.logger.debug(
          { channel: this.channel, err: error },
          'chain height unavailable',
        );
      }
      await pause(interval, signal);
    }
  }
}
