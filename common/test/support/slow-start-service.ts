// SPDX-License-Identifier: Apache-2.0
// A service that already listens while it still starts (as the DAPP does while its worker joins
// its consumer group). Driven by shutdown.test.ts.
import { serveUntilSignalled } from '../../src/lifecycle/serve';

void serveUntilSignalled({
  service: 'slow-start-test',
  logLevel: 'silent',
  shutdownTimeoutMs: Number(process.env.SHUTDOWN_TIMEOUT_MS ?? 10_000),
  start: async () => {
    process.stdout.write('LISTENING\n');
    await new Promise((resolve) => setTimeout(resolve, Number(process.env.START_MS ?? 1_500)));
    process.stdout.write('STARTED\n');
    const steps = [{ name: 'close', run: async () => void process.stdout.write('STEP RAN\n') }];
    return { shutdownSteps: steps, stop: async () => undefined };
  },
});
// stays up until a signal
setInterval(() => undefined, 60_000);
