// SPDX-License-Identifier: Apache-2.0
/**
 * One fault-injection run: bring up a private stack, then for each fault run the load, inject,
 * wait for recovery, let the load finish and the statuses settle, and check it all against the
 * ledger. A last pass re-checks every request against the final ledger (a late duplicate counts
 * against the fault it was sent under).
 */
import crypto from 'node:crypto';

import type { Consensus } from '@consortia/network';

import type { Fault } from './catalogue';
import { FAULTS } from './catalogue';
import type { RequestVerdict } from './checker';
import { countPhase, describeVerdict, judge, settleStatuses } from './checker';
import { agreedHeight, LedgerIndex } from './ledger';
import type { LoadRequest } from './load';
import { LoadGenerator } from './load';
import { checkOutbox, verifyMirror } from './mirror';
import type { FaultResult, FaultsReport } from './report';
import { formatPhaseLine, totalsOf } from './report';
import type { Stack } from './stack';
import { FAULTS_CHAINCODE, startStack, stopStack } from './stack';

export interface RunOptions {
  consensus: Consensus;
  only?: string[];
  durationSec: number;
  tps: number;
  basePort: number;
  stateDir: string;
  /** Leave the stack running at the end (for a look at its logs). */
  keep?: boolean;
  /** Called after each fault with the results so far, so an interrupted run leaves them. */
  onFault?: (results: readonly FaultResult[]) => void;
}

const RECOVERY_TIMEOUT_MS = 240_000;
const SETTLE_TIMEOUT_MS = 90_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function selectFaults(only: readonly string[] | undefined): Fault[] {
  if (!only || only.length === 0) return [...FAULTS];
  const unknown = only.filter((name) => !FAULTS.some((fault) => fault.name === name));
  if (unknown.length > 0) {
    throw new Error(
      `unknown fault(s) ${unknown.join(', ')}; choose from ${FAULTS.map((f) => f.name).join(', ')}`,
    );
  }
  return FAULTS.filter((fault) => only.includes(fault.name));
}

/**
 * Seconds until writes commit through the DAPP and the app-api again and every peer and the
 * mirror have the same height; null when that did not happen in time.
 */
async function waitRecovered(
  stack: Stack,
  load: LoadGenerator,
  since: number,
): Promise<number | null> {
  const deadline = since + RECOVERY_TIMEOUT_MS;
  let writes = false;
  while (Date.now() < deadline) {
    if (!writes) {
      const viaDapp = await load.send({ via: 'dapp', mode: 'sync', kind: 'asset' }, false);
      const viaApi = viaDapp.accepted
        ? await load.send({ via: 'app-api', mode: 'sync', kind: 'asset' }, false)
        : undefined;
      writes = viaApi?.accepted === true;
    }
    if (writes) {
      const height = await agreedHeight(stack.topology);
      if (height !== undefined && (await stack.appApi.mirrorBlock()) >= height - 1) {
        return (Date.now() - since) / 1000;
      }
    }
    await sleep(1000);
  }
  return null;
}

/** Until every peer agrees and the mirror has their last block (bounded). */
async function waitCaughtUp(stack: Stack, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const height = await agreedHeight(stack.topology);
    if (height !== undefined && (await stack.appApi.mirrorBlock()) >= height - 1) return;
    await sleep(1000);
  }
}

async function verdictsOf(
  stack: Stack,
  ledger: LedgerIndex,
  requests: readonly LoadRequest[],
): Promise<RequestVerdict[]> {
  const verdicts: RequestVerdict[] = [];
  for (const request of requests) verdicts.push(await judge(stack, ledger, request));
  return verdicts;
}

interface PhaseContext {
  stack: Stack;
  load: LoadGenerator;
  ledger: LedgerIndex;
  options: RunOptions;
  log: (m: string) => void;
  /** Each fault's verdicts, re-checked against the final ledger at the end. */
  verdicts: Map<string, RequestVerdict[]>;
}

async function runFault(fault: Fault, context: PhaseContext): Promise<FaultResult> {
  const { stack, load, ledger, options, log } = context;
  const result: FaultResult = {
    name: fault.name,
    description: fault.description,
    requests: 0,
    sent: 0,
    lost: 0,
    duplicated: 0,
    wrongStatus: 0,
    failed: 0,
    recoverySec: null,
    verifyClean: false,
    outboxMissing: 0,
    unresolved: 0,
    problems: [],
  };
  const lead = Math.max(3, Math.round(options.durationSec / 3));
  log(`\n==> fault ${fault.name}: ${fault.description}`);
  load.start(fault.name);
  await sleep(lead * 1000);
  const injected = Date.now();
  try {
    await fault.inject({ stack, load, log });
    log('    injected and restored; waiting for recovery');
    result.recoverySec = await waitRecovered(stack, load, injected);
  } catch (error) {
    result.error = error instanceof Error ? error.message : String(error);
    log(`    ${result.error}`);
  }
  log(
    `    recovery: ${result.recoverySec === null ? 'none' : `${result.recoverySec.toFixed(1)} s`}`,
  );
  await sleep(Math.max(0, options.durationSec - lead) * 1000);
  await load.stop();
  const mine = load.requests.filter((request) => request.phase === fault.name);
  log(`    load stopped; settling the statuses of ${mine.length} requests`);
  result.unresolved = await settleStatuses(stack, mine, SETTLE_TIMEOUT_MS);
  log('    checking against the ledger');
  await waitCaughtUp(stack, 60_000);
  await ledger.catchUp();
  const verdicts = await verdictsOf(stack, ledger, mine);
  context.verdicts.set(fault.name, verdicts);
  Object.assign(result, countPhase(verdicts));
  const verify = await verifyMirror(stack);
  result.verifyClean = verify.clean;
  if (!verify.clean) result.problems.push(`datasync verify: ${verify.output}`);
  const outbox = await checkOutbox(stack, ledger.events).catch((error: unknown) => ({
    missing: [],
    published: 0,
    skipped: `could not read ledger.events: ${String(error)}`,
  }));
  result.outboxMissing = outbox.missing.length;
  if (outbox.skipped && stack.topology.kafka) result.problems.push(outbox.skipped);
  try {
    await fault.cleanup?.({ stack, load, log });
  } catch (error) {
    result.error ??= `cleanup: ${String(error)}`;
  }
  log(formatPhaseLine(result));
  return result;
}

export async function runFaults(
  options: RunOptions,
  log: (message: string) => void,
): Promise<FaultsReport> {
  const selected = selectFaults(options.only);
  const startedAt = new Date().toISOString();
  const stack = await startStack(options, log);
  try {
    const ledger = new LedgerIndex(stack.topology, FAULTS_CHAINCODE);
    const minted = await stack.appApi.write(
      '/v1/tokens/mint',
      { to: stack.account, amount: '1000000' },
      `mint-${crypto.randomUUID()}`,
      'sync',
      120_000,
    );
    if (minted.status >= 300)
      throw new Error(
        `could not mint the load's tokens: ${minted.status} ${JSON.stringify(minted.body)}`,
      );
    const load = new LoadGenerator(stack, {
      runId: Date.now().toString(36),
      tps: options.tps,
      async: stack.topology.kafka !== undefined,
    });
    const results: FaultResult[] = [];
    const verdicts = new Map<string, RequestVerdict[]>();
    for (const fault of selected) {
      const skip = fault.skip?.(stack);
      if (skip) {
        log(`\n==> fault ${fault.name}: skipped (${skip})`);
        continue;
      }
      results.push(await runFault(fault, { stack, load, ledger, options, log, verdicts }));
      options.onFault?.(results);
    }
    // the final ledger decides: a request that landed twice later still counts against its fault,
    // and one still in the queue when its phase ended has had every later phase to settle
    const open = [...verdicts.values()]
      .flat()
      .filter((verdict) => verdict.lost || verdict.wrongStatus)
      .map((verdict) => verdict.request);
    log(`\n==> final check: settling ${open.length} requests not settled in their phase`);
    await settleStatuses(stack, open, SETTLE_TIMEOUT_MS);
    await waitCaughtUp(stack, 60_000);
    await ledger.catchUp();
    for (const result of results) {
      const final: RequestVerdict[] = [];
      // read again what the ledger changed, and what was not settled at the end of its phase
      for (const verdict of verdicts.get(result.name) ?? []) {
        const changed = ledger.landed(verdict.request.marker).length !== verdict.landed.length;
        const look = changed || verdict.lost || verdict.wrongStatus;
        final.push(look ? await judge(stack, ledger, verdict.request) : verdict);
      }
      Object.assign(result, countPhase(final));
      result.problems.push(
        ...final.filter((v) => v.lost || v.duplicated || v.wrongStatus).map(describeVerdict),
      );
    }
    const verify = await verifyMirror(stack);
    const outbox = await checkOutbox(stack, ledger.events).catch((error: unknown) => ({
      missing: [{ block: -1, txIndex: -1, txId: String(error) }],
      published: 0,
      skipped: undefined,
    }));
    return {
      consensus: options.consensus,
      startedAt,
      finishedAt: new Date().toISOString(),
      tps: options.tps,
      durationSec: options.durationSec,
      faults: results,
      totals: totalsOf(results),
      verifyClean: verify.clean && results.every((result) => result.verifyClean),
      outbox: {
        published: outbox.published,
        missing: outbox.missing.length,
        skipped: outbox.skipped,
      },
      verify: verify.output,
    };
  } finally {
    if (!options.keep) await stopStack(options.stateDir);
  }
}
