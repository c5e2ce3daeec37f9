// SPDX-License-Identifier: Apache-2.0
/** bench/results/faults.json and the table printed at the end of a run. */
import fs from 'node:fs';
import path from 'node:path';

import { formatTable } from '@consortia/network';

import type { PhaseCounts } from './checker';

export interface FaultResult extends PhaseCounts {
  name: string;
  description: string;
  /** Seconds from the fault to a stack that serves writes again, every peer and the mirror caught up. */
  recoverySec: number | null;
  verifyClean: boolean;
  outboxMissing: number;
  /** Requests still without a final status when the settling time ran out. */
  unresolved: number;
  error?: string;
  /** One line per lost, duplicated or wrongly recorded request. */
  problems: string[];
}

export interface FaultsReport {
  consensus: string;
  startedAt: string;
  finishedAt: string;
  tps: number;
  durationSec: number;
  faults: FaultResult[];
  totals: PhaseCounts & { faults: number; outboxMissing: number };
  verifyClean: boolean;
  outbox: { published: number; missing: number; skipped?: string };
  verify: string;
}

export function totalsOf(faults: readonly FaultResult[]): FaultsReport['totals'] {
  const sum = (pick: (fault: FaultResult) => number) =>
    faults.reduce((total, fault) => total + pick(fault), 0);
  return {
    faults: faults.length,
    requests: sum((fault) => fault.requests),
    sent: sum((fault) => fault.sent),
    lost: sum((fault) => fault.lost),
    duplicated: sum((fault) => fault.duplicated),
    wrongStatus: sum((fault) => fault.wrongStatus),
    failed: sum((fault) => fault.failed),
    outboxMissing: sum((fault) => fault.outboxMissing),
  };
}

/** True when the run found nothing wrong. */
export function passed(report: FaultsReport): boolean {
  const { totals } = report;
  return (
    totals.lost === 0 &&
    totals.duplicated === 0 &&
    totals.wrongStatus === 0 &&
    report.verifyClean &&
    report.outbox.missing === 0 &&
    report.faults.every((fault) => !fault.error && fault.recoverySec !== null)
  );
}

export function writeReport(report: FaultsReport | object, file: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
}

/**
 * A phase's own figures, printed as it ends. They are provisional: the final check settles the
 * requests still open and counts every phase again, and only the final table counts.
 */
export function formatPhaseLine(result: FaultResult): string {
  return [
    `    before settling: accepted ${result.requests}/${result.sent}`,
    `failed ${result.failed}`,
    `lost ${result.lost}`,
    `duplicated ${result.duplicated}`,
    `wrong status ${result.wrongStatus}`,
    `unresolved ${result.unresolved}`,
    `verify ${result.verifyClean ? 'clean' : 'DIRTY'}`,
    `outbox missing ${result.outboxMissing}`,
  ].join(', ');
}

export function formatReport(report: FaultsReport): string {
  const rows = report.faults.map((fault) => [
    fault.name,
    String(fault.requests),
    String(fault.lost),
    String(fault.failed),
    String(fault.duplicated),
    String(fault.wrongStatus),
    fault.recoverySec === null ? 'none' : fault.recoverySec.toFixed(1),
    fault.verifyClean ? 'clean' : 'DIRTY',
    String(fault.outboxMissing),
    fault.error ? `error: ${fault.error.split('\n')[0] ?? ''}` : '',
  ]);
  const { totals } = report;
  rows.push([
    'total',
    String(totals.requests),
    String(totals.lost),
    String(totals.failed),
    String(totals.duplicated),
    String(totals.wrongStatus),
    '',
    report.verifyClean ? 'clean' : 'DIRTY',
    String(totals.outboxMissing),
    '',
  ]);
  const table = formatTable(
    [
      'fault',
      'accepted',
      'lost',
      'failed',
      'duplicated',
      'wrongStatus',
      'recovery s',
      'verify',
      'outbox missing',
      '',
    ],
    rows,
  );
  const problems = report.faults.flatMap((fault) =>
    fault.problems.map((line) => `  [${fault.name}] ${line}`),
  );
  return [
    `fault injection on ${report.consensus} ordering, ${report.tps} requests/s, ${report.durationSec} s of load per fault`,
    table,
    ...(problems.length > 0 ? ['', 'problems:', ...problems.slice(0, 60)] : []),
    ...(problems.length > 60 ? [`  … and ${problems.length - 60} more in the JSON report`] : []),
  ].join('\n');
}
