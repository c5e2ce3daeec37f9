// SPDX-License-Identifier: Apache-2.0
import type { Ordering } from '../../src/http/members-types';

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;

/**
 * One line for how a config block has its channel ordered: `etcdraft (normal), 3 consenters`,
 * `kafka (maintenance), 3 brokers`, `solo (normal)`; `not recorded` without ordering facts.
 */
export function orderingSummary(ordering: Ordering | null): string {
  if (!ordering) return 'not recorded';
  const base = `${ordering.consensusType} (${ordering.state})`;
  if (ordering.consensusType === 'etcdraft')
    return `${base}, ${plural(ordering.consenters.length, 'consenter')}`;
  if (ordering.consensusType === 'kafka')
    return `${base}, ${plural(ordering.kafkaBrokers.length, 'broker')}`;
  return base;
}

/** The Raft consenters or Kafka brokers of a config block, as host:port. */
export function orderingNodes(ordering: Ordering | null): string[] {
  if (!ordering) return [];
  return [
    ...ordering.consenters.map((consenter) => `${consenter.host}:${consenter.port}`),
    ...ordering.kafkaBrokers,
  ];
}
