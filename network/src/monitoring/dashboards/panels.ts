// SPDX-License-Identifier: Apache-2.0
// The PromQL shapes the dashboards repeat: a gauge or a counter's rate aggregated by labels, a
// histogram's quantile, each with a legend naming the labels its series differ by.
import type { PanelSpec } from './grafana';

export type QuerySpec = PanelSpec['queries'][number];

/** Rates over this window; Grafana's $__rate_interval adapts it to the scrape interval. */
export const RATE = '$__rate_interval';

/** `{{a}} {{b}} suffix`: the legend of a series split by `labels`. */
function legend(labels: readonly string[], suffix?: string): string {
  return [...labels.map((label) => `{{${label}}}`), ...(suffix ? [suffix] : [])].join(' ');
}

/** `sum by (labels) (series)` (or max), one line per value of the labels. */
export function by(
  aggregate: 'sum' | 'max',
  series: string,
  labels: readonly string[],
  suffix?: string,
): QuerySpec {
  return {
    expr: `${aggregate} by (${labels.join(', ')}) (${series})`,
    legend: legend(labels, suffix),
  };
}

/** A counter's per-second rate, summed by `labels`. */
export function rateBy(counter: string, labels: readonly string[], suffix?: string): QuerySpec {
  return by('sum', `rate(${counter}[${RATE}])`, labels, suffix);
}

/** The `quantile` of a histogram (its `_bucket` series, with any selector) by `labels`. */
export function quantileBy(
  quantile: number,
  buckets: string,
  labels: readonly string[],
  suffix?: string,
): QuerySpec {
  const { expr } = rateBy(buckets, ['le', ...labels]);
  return { expr: `histogram_quantile(${quantile}, ${expr})`, legend: legend(labels, suffix) };
}

/** A panel of one query or several. */
export function panel(
  title: string,
  queries: QuerySpec | QuerySpec[],
  options: Omit<PanelSpec, 'title' | 'queries'> = {},
): PanelSpec {
  return { title, ...options, queries: Array.isArray(queries) ? queries : [queries] };
}

/** A row header: the panels after it, up to the next row, belong to it. */
export function row(title: string): PanelSpec {
  return { title, kind: 'row', queries: [] };
}
