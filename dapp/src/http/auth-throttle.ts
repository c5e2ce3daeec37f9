// SPDX-License-Identifier: Apache-2.0
/** Bounds on checking API keys, each check being a 16 MiB scrypt. */
export interface AuthLimits {
  /** scrypt checks running at once. */
  maxConcurrent: number;
  /** Checks waiting for a slot; beyond this a check is refused at once. */
  maxWaiting: number;
  /** Failed checks allowed from one source address within the window. */
  failuresPerSource: number;
  /** Failed checks allowed from all sources together within the window. */
  failuresGlobal: number;
  windowMs: number;
}

export const DEFAULT_AUTH_LIMITS: AuthLimits = {
  maxConcurrent: 2,
  maxWaiting: 32,
  failuresPerSource: 10,
  failuresGlobal: 100,
  windowMs: 60_000,
};

/** A key check refused before any scrypt work: the caller may try again after `retryAfterMs`. */
export class TooManyAttempts extends Error {
  constructor(
    readonly retryAfterMs: number,
    message: string,
  ) {
    super(message);
    this.name = 'TooManyAttempts';
  }
}

/** The times of recent failures, at most `limit` of them, within a sliding window. */
class FailureLog {
  private readonly times: number[] = [];

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** How long until another failure is allowed; 0 when it is allowed now. */
  blockedForMs(now: number): number {
    while (this.times.length > 0 && (this.times[0] ?? 0) <= now - this.windowMs) {
      this.times.shift();
    }
    if (this.times.length < this.limit) return 0;
    return (this.times[0] ?? now) + this.windowMs - now;
  }

  record(now: number): void {
    this.times.push(now);
    if (this.times.length > this.limit) this.times.shift();
  }

  get empty(): boolean {
    return this.times.length === 0;
  }
}

/** Source addresses remembered at once; the oldest is forgotten first. */
const MAX_SOURCES = 10_000;

/**
 * Refuses key checks from a source (and from everyone) that failed too often recently, and
 * bounds how many scrypt checks run or wait at once, so wrong keys cannot exhaust memory or CPU.
 */
export class AuthThrottle {
  private readonly sources = new Map<string, FailureLog>();
  private readonly global: FailureLog;
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly limits: AuthLimits = DEFAULT_AUTH_LIMITS,
    private readonly now: () => number = Date.now,
  ) {
    this.global = new FailureLog(limits.failuresGlobal, limits.windowMs);
  }

  /** Throws TooManyAttempts when the source, or all sources together, failed too often. */
  admit(source: string): void {
    const now = this.now();
    const own = this.sources.get(source)?.blockedForMs(now) ?? 0;
    if (own > 0) {
      throw new TooManyAttempts(own, 'too many failed API key checks from this address');
    }
    const global = this.global.blockedForMs(now);
    if (global > 0) throw new TooManyAttempts(global, 'too many failed API key checks');
  }

  recordFailure(source: string): void {
    const now = this.now();
    let log = this.sources.get(source);
    if (!log) {
      if (this.sources.size >= MAX_SOURCES) this.forgetOldest(now);
      log = new FailureLog(this.limits.failuresPerSource, this.limits.windowMs);
      this.sources.set(source, log);
    }
    log.record(now);
    this.global.record(now);
  }

  /** Runs one check in a bounded slot; throws TooManyAttempts when too many already wait. */
  async withSlot<T>(check: () => Promise<T>): Promise<T> {
    if (this.running >= this.limits.maxConcurrent) {
      if (this.waiting.length >= this.limits.maxWaiting) {
        throw new TooManyAttempts(1_000, 'too many API key checks at once');
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running += 1;
    }
    try {
      return await check();
    } finally {
      // Hand the slot straight to the next waiter, or free it.
      const next = this.waiting.shift();
      if (next) next();
      else this.running -= 1;
    }
  }

  private forgetOldest(now: number): void {
    for (const [source, log] of this.sources) {
      if (log.blockedForMs(now) === 0 && log.empty) this.sources.delete(source);
    }
    if (this.sources.size >= MAX_SOURCES) {
      const oldest = this.sources.keys().next().value;
      if (oldest !== undefined) this.sources.delete(oldest);
    }
  }
}
