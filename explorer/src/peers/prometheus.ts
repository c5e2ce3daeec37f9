// SPDX-License-Identifier: Apache-2.0
/** One sample of the Prometheus text exposition format. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?\s*/g;

function unescapeLabel(value: string): string {
  return value.replace(/\\(["\\n])/g, (_match, escaped: string) =>
    escaped === 'n' ? '\n' : escaped,
  );
}

function parseValue(text: string): number {
  if (text === '+Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  return Number(text);
}

/**
 * Parses the samples of a /metrics answer (comments and malformed lines are skipped). Only
 * what the explorer shows is read from it; the whole text is available through the proxy.
 */
export function parseMetrics(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const match = SAMPLE.exec(trimmed);
    if (!match) continue;
    const [, name, labelText, valueText] = match as unknown as [
      string,
      string,
      string | undefined,
      string,
    ];
    const labels: Record<string, string> = {};
    for (const label of (labelText ?? '').matchAll(LABEL)) {
      labels[label[1] as string] = unescapeLabel(label[2] as string);
    }
    const value = parseValue(valueText);
    if (!Number.isNaN(value)) samples.push({ name, labels, value });
  }
  return samples;
}

export interface NodeFigures {
  version?: string;
  heights: Record<string, number>;
  uptimeSeconds?: number;
  highlights: { label: string; value: string }[];
}

const sum = (samples: Sample[], name: string) => {
  const found = samples.filter((sample) => sample.name === name);
  return found.length > 0 ? found.reduce((total, sample) => total + sample.value, 0) : undefined;
};

/** The figures a Fabric peer or orderer exposes that are worth a glance on the dashboard. */
export function nodeFigures(samples: Sample[], nowSeconds = Date.now() / 1000): NodeFigures {
  const heights: Record<string, number> = {};
  for (const sample of samples) {
    if (sample.name === 'ledger_blockchain_height' && sample.labels.channel) {
      heights[sample.labels.channel] = sample.value;
    }
  }
  const version = samples.find((sample) => sample.name === 'fabric_version')?.labels.version;
  const started = samples.find((sample) => sample.name === 'process_start_time_seconds')?.value;
  const highlights: { label: string; value: string }[] = [];
  const add = (label: string, value: number | undefined) => {
    if (value !== undefined) highlights.push({ label, value: String(Math.round(value)) });
  };
  add('proposals received', sum(samples, 'endorser_proposals_received'));
  add('successful proposals', sum(samples, 'endorser_successful_proposals'));
  add('broadcasts processed', sum(samples, 'broadcast_processed_count'));
  const leader = samples.filter((sample) => sample.name === 'consensus_etcdraft_is_leader');
  if (leader.length > 0) {
    highlights.push({
      label: 'raft leader for',
      value:
        leader
          .filter((sample) => sample.value === 1)
          .map((sample) => sample.labels.channel ?? '?')
          .join(', ') || 'none',
    });
  }
  return {
    ...(version ? { version } : {}),
    heights,
    ...(started !== undefined
      ? { uptimeSeconds: Math.max(0, Math.round(nowSeconds - started)) }
      : {}),
    highlights,
  };
}
