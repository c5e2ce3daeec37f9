// SPDX-License-Identifier: Apache-2.0
// What the benchmarks share: the open-loop load generator, the saturation rule, per-process
// CPU and memory over a round, and SVG charts. For benchmarks only (its chart and histogram
// libraries are development dependencies).
export * from './charts';
export * from './latency';
export * from './open-loop';
export * from './process-usage';
export * from './saturation';
