// SPDX-License-Identifier: Apache-2.0
// A process like a service: an embedded Postgres and, unless GRACEFUL=false, a graceful shutdown
// whose steps still use the database after the signal. Driven by graceful-shutdown.test.ts.
import pg from 'pg';

import { gracefulShutdown } from '../../src/lifecycle/shutdown';
import { createLogger } from '../../src/logging/logger';
import { openDatabase } from '../../src/postgres/database';

async function main(): Promise<void> {
  const logger = createLogger('graceful-test', 'info');
  const database = await openDatabase({
    dataDir: String(process.env.DATA_DIR),
    port: Number(process.env.PG_PORT),
    database: 'graceful',
    logger,
  });
  if (process.env.GRACEFUL !== 'false') {
    gracefulShutdown(
      logger,
      [
        { name: 'drain', run: () => new Promise((resolve) => setTimeout(resolve, 1_000)) },
        {
          name: 'write after the signal',
          run: async () => {
            const client = new pg.Client({ connectionString: database.connectionString });
            await client.connect();
            await client.query('SELECT 1');
            await client.end();
          },
        },
        { name: 'close database', run: () => database.stop() },
      ],
      { timeoutMs: 20_000 },
    );
  }
  // stays up until a signal
  setInterval(() => undefined, 60_000);
  process.stdout.write('READY\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
