// SPDX-License-Identifier: Apache-2.0
import type { Logger } from '@consortia/common';
import type { common } from '@hyperledger/fabric-protos';
import type pg from 'pg';

import type { ChannelConfig } from '../decode/channel-config';
import { decodeChannelConfig } from '../decode/channel-config';
import type { DecodedBlock } from '../decode/types';

/**
 * The membership and ordering each mirrored config block sets, kept in `channel_configs` so
 * readers (the explorer's members view, the app-api) follow organizations joining and leaving,
 * and a consensus migration, without a restart. A config is written before its block: a crash in
 * between leaves a row that the block's second pass rewrites unchanged, never a config block
 * without its row.
 */
export class ConfigBlocks {
  readonly #pending = new Map<number, ChannelConfig>();

  constructor(
    private readonly channel: string,
    private readonly logger: Logger,
  ) {}

  /** Decodes the membership of a config block as it passes on its way to the writer. */
  note(raw: common.Block, block: DecodedBlock): void {
    if (!block.isConfig) return;
    try {
      const config = decodeChannelConfig(raw);
      if (config) this.#pending.set(block.number, config);
    } catch (error) {
      // the block itself is still mirrored; only its members view stays at the previous config
      this.logger.warn(
        { channel: this.channel, block: block.number, err: error },
        'config block without a readable channel config',
      );
    }
  }

  /** Records the configs of the blocks about to be written. */
  async record(pool: pg.Pool, blocks: readonly DecodedBlock[]): Promise<void> {
    for (const block of blocks) {
      const config = this.#pending.get(block.number);
      if (!config) continue;
      const { ordering } = config;
      await pool.query(
        `INSERT INTO channel_configs (channel, block_number, members, orderer_orgs,
           consensus_type, consensus_state, consenters, kafka_brokers)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (channel, block_number)
         DO UPDATE SET members = EXCLUDED.members, orderer_orgs = EXCLUDED.orderer_orgs,
           consensus_type = EXCLUDED.consensus_type, consensus_state = EXCLUDED.consensus_state,
           consenters = EXCLUDED.consenters, kafka_brokers = EXCLUDED.kafka_brokers`,
        [
          this.channel,
          block.number,
          JSON.stringify(config.members),
          JSON.stringify(config.ordererOrgs),
          ordering?.consensusType ?? null,
          ordering?.state ?? null,
          ordering ? JSON.stringify(ordering.consenters) : null,
          ordering ? JSON.stringify(ordering.kafkaBrokers) : null,
        ],
      );
      this.#pending.delete(block.number);
    }
  }

  /** Forgets what a pass decoded but did not write (it is read again from the checkpoint). */
  clear(): void {
    this.#pending.clear();
  }
}
