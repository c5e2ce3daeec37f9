// SPDX-License-Identifier: Apache-2.0

export interface ReadAheadOptions {
  /** Most items handed over at once. */
  maxBatch: number;
  /** Most items read ahead and not yet handed over; reading pauses beyond it. */
  maxQueued: number;
}

/**
 * Reads `items` ahead of their consumer and hands them over in batches: everything that
 * arrived while the consumer was busy (up to `maxBatch`), or the next item as soon as it comes
 * when nothing is waiting. Order is kept; an error of the source is thrown to the consumer
 * after the items read before it. Ending the consumer's loop stops the reading at its next
 * item (abort the source to stop it sooner).
 */
export async function* readAhead<T>(
  items: AsyncIterable<T>,
  options: ReadAheadOptions,
): AsyncGenerator<T[]> {
  const queue: T[] = [];
  let done = false;
  let failure: { error: unknown } | undefined;
  let stopped = false;
  let wakeConsumer: (() => void) | undefined;
  let wakeReader: (() => void) | undefined;
  const signal = (wake: (() => void) | undefined) => wake?.();

  const reading = (async () => {
    try {
      for await (const item of items) {
        if (stopped) break;
        queue.push(item);
        signal(wakeConsumer);
        // a source whose items are ready at once (a buffered stream, decoding) would otherwise
        // keep the event loop to itself and hold up the writer's I/O until the queue is full
        await new Promise((resolve) => setImmediate(resolve));
        while (queue.length >= options.maxQueued && !stopped) {
          await new Promise<void>((resolve) => (wakeReader = resolve));
        }
        if (stopped) break;
      }
    } catch (error) {
      failure = { error };
    } finally {
      done = true;
      signal(wakeConsumer);
    }
  })();

  try {
    for (;;) {
      while (queue.length === 0 && !done) {
        await new Promise<void>((resolve) => (wakeConsumer = resolve));
      }
      if (queue.length > 0) {
        const batch = queue.splice(0, options.maxBatch);
        signal(wakeReader);
        yield batch;
        continue;
      }
      if (failure) throw failure.error;
      return;
    }
  } finally {
    stopped = true;
    signal(wakeReader);
    // the reader ends at its next item; it is not awaited, as that may be far off when live
    void reading;
  }
}

/** Splits items numbered in order into runs of consecutive numbers. */
export function consecutiveRuns<T extends { number: number }>(items: T[]): T[][] {
  const runs: T[][] = [];
  for (const item of items) {
    const run = runs[runs.length - 1];
    const last = run?.[run.length - 1];
    if (run && last && item.number === last.number + 1) run.push(item);
    else runs.push([item]);
  }
  return runs;
}
