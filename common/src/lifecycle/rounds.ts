// SPDX-License-Identifier: Apache-2.0
export interface RoundsOptions {
  intervalMs: number;
  /** One round; a round still running when the next is due is not started twice. */
  round: () => Promise<unknown>;
  /** A failed round is reported here; the next one runs on schedule. */
  onError: (error: unknown) => void;
  /** Run the first round at once rather than after one interval. */
  immediately?: boolean;
}

export interface Rounds {
  /** Stops scheduling and waits for a round in progress. */
  stop(): Promise<void>;
}

/**
 * Background work done in rounds on a timer (settling, reconciling): at most one round at a time,
 * failures reported without stopping the schedule, and a timer that never keeps the process alive.
 */
export function everyInterval(options: RoundsOptions): Rounds {
  let running: Promise<void> | undefined;
  const tick = () => {
    running ??= options
      .round()
      .then(() => undefined)
      .catch(options.onError)
      .finally(() => {
        running = undefined;
      });
  };
  if (options.immediately) tick();
  let timer: NodeJS.Timeout | undefined = setInterval(tick, options.intervalMs);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}
