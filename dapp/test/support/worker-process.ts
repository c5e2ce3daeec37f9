// SPDX-License-Identifier: Apache-2.0
// A DAPP worker process for the crash test: the real worker (Kafka consumer group, retries,
// request store, offsets) with the Fabric submitter replaced by StubLedgerSubmitter, because this
// test runs without a Fabric network. Started with `node --require tsx/cjs`, killed with SIGKILL.
import { createLogger, gracefulShutdown } from '@consortia/common';

import { readConfig } from '../../src/config';
import { startService } from '../../src/service';
import { StubLedgerSubmitter } from './stub-submitter';

async function run(): Promise<void> {
  const config = readConfig();
  const logger = createLogger('dapp-worker-test', config.LOG_LEVEL);
  // A commit wait long enough that the test's kill, however busy its process, lands while some
  // committed requests are not yet recorded (STUB_ENDORSE_MS holds requests before the ledger, for a rebalance to land among them).
  const endorseMs = Number(process.env.STUB_ENDORSE_MS ?? 5);
  const submitter = new StubLedgerSubmitter(config.DATABASE_URL ?? '', undefined, endorseMs, 300);
  await submitter.init();
  const service = await startService(config, logger, 'worker', { submitter });
  gracefulShutdown(logger, service.shutdownSteps);
  process.send?.('ready');
}

run().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
