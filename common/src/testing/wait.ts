// SPDX-License-Identifier: Apache-2.0
/**
 * Polls `probe` until it returns a value, or fails naming what it waited for (and the last error
 * the probe threw: a component that is still starting may refuse a few probes).
 */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 60_000,
  intervalMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        // eslint-disable-next-line @typescript-eslint/no-base-to-string -- errors print as `Name: message`
        `timed out waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Polls `condition` every 100 ms until it holds; a condition that throws counts as not yet. */
export async function waitUntil(
  description: string,
  condition: () => Promise<boolean>,
  timeoutMs = 60_000,
): Promise<void> {
  await eventually(
    description,
    async () => ((await condition()) ? true : undefined),
    timeoutMs,
    100,
  );
}
