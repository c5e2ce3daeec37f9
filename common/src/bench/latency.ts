// SPDX-License-Identifier: Apache-2.0
// Latency percentiles of one round, from an HDR histogram (3 significant digits, so a
// percentile is within 0.1% of the exact value at any magnitude, in constant memory).
import { build } from 'hdr-histogram-js';

export interface LatencySummary {
  count: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
}

/** Highest latency recorded exactly; anything slower is clamped to it (an hour). */
const HIGHEST_MS = 3_600_000;

export class LatencyRecorder {
  private readonly histogram = build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_MS,
    numberOfSignificantValueDigits: 3,
  });

  record(ms: number): void {
    // Below 1 ms counts as 1 ms: the histogram tracks whole milliseconds.
    this.histogram.recordValue(Math.min(HIGHEST_MS, Math.max(1, Math.round(ms))));
  }

  summary(): LatencySummary {
    const h = this.histogram;
    const count = h.totalCount;
    if (count === 0) return { count: 0, p50Ms: 0, p95Ms: 0, p99Ms: 0, maxMs: 0, meanMs: 0 };
    return {
      count,
      p50Ms: h.getValueAtPercentile(50),
      p95Ms: h.getValueAtPercentile(95),
      p99Ms: h.getValueAtPercentile(99),
      maxMs: h.maxValue,
      meanMs: Math.round(h.mean),
    };
  }
}
