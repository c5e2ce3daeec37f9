// SPDX-License-Identifier: Apache-2.0
import type { Command } from 'commander';

import type { CrlPublication } from '../../ca/publish-crl';
import { publishCrl, watchCrls } from '../../ca/publish-crl';
import { caMemberOrgs, revokeIdentity } from '../../ca/revoke';
import { describeError, UserError } from '../../errors';
import type { Org, Topology } from '../../topology/topology';
import { consortiaHome } from '../../install';
import { loadNetwork } from '../../operations/status';
import { progress } from '../output';
import { addStateDir, stateDirOf } from './network';

interface RevokeFlags {
  stateDir?: string;
  org: string;
  reason: string;
}

interface PublishFlags {
  stateDir?: string;
  org?: string;
  watch?: string;
}

function describePublication(result: CrlPublication): string {
  return result.published
    ? `${result.mspId}: the channel MSP now has the CA's CRL (${result.revokedAtCa} revoked)`
    : `${result.mspId}: the channel MSP is up to date (${result.revokedAtCa} revoked)`;
}

function watchSeconds(text: string): number {
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds < 1) {
    throw new UserError(`--watch ${text} is not a number of seconds`, 'pass --watch 10, say');
  }
  return seconds;
}

/**
 * Publishes the orgs' CRLs every `seconds` until `signal` aborts, saying how each org's channel
 * MSP stands at first, then what it published and when a round fails (once per distinct failure).
 */
export async function runCrlPublisher(
  topology: Topology,
  orgs: readonly Org[],
  seconds: number,
  signal: AbortSignal,
): Promise<void> {
  const failing = new Map<string, string>();
  const checked = new Set<string>();
  await watchCrls(consortiaHome(), topology, orgs, seconds * 1000, signal, (round) => {
    if ('error' in round) {
      const reason = describeError(round.error);
      if (failing.get(round.mspId) !== reason) {
        progress(`${round.mspId}: CRL not published: ${reason}`);
      }
      failing.set(round.mspId, reason);
      return;
    }
    const first = !checked.has(round.mspId);
    checked.add(round.mspId);
    if (first || failing.delete(round.mspId) || round.published) {
      progress(describePublication(round));
    }
  });
}

/** Runs publication rounds until SIGINT or SIGTERM. */
async function watch(flags: PublishFlags, seconds: number): Promise<void> {
  const { topology } = loadNetwork(stateDirOf(flags));
  const orgs = caMemberOrgs(topology, flags.org);
  const stop = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => stop.abort());
  progress(`publishing ${orgs.map((org) => org.mspId).join(', ')} CRLs every ${seconds} s`);
  await runCrlPublisher(topology, orgs, seconds, stop.signal);
}

export function registerCaCommands(program: Command): void {
  const ca = program
    .command('ca')
    .description("the organizations' Fabric CAs of a network made with --crypto ca");
  addStateDir(
    ca
      .command('revoke')
      .description(
        "revoke an identity at its org's CA and put the CA's CRL into the org's channel MSP, so every peer refuses it",
      )
      .argument('<enrollment-id>', 'the identity to revoke, e.g. a user registered by the app-api')
      .requiredOption('--org <name>', 'its organization (Org1, or its MSP id)')
      .option('--reason <reason>', 'revocation reason, as Fabric CA names them', 'unspecified'),
  ).action(async (enrollmentId: string, flags: RevokeFlags) => {
    const { topology } = loadNetwork(stateDirOf(flags));
    progress(`revoking ${enrollmentId} of ${flags.org} and updating the channel MSP`);
    await revokeIdentity(consortiaHome(), topology, flags.org, enrollmentId, flags.reason);
    progress(`${enrollmentId} revoked: the channel's ${flags.org} MSP lists it in its CRL`);
  });
  addStateDir(
    ca
      .command('publish-crl')
      .description(
        "as each org's admin, put its CA's CRL into the org's channel MSP when the CA revokes a certificate the channel's does not (revocations through the DAPP take effect on the ledger this way)",
      )
      .option('--org <name>', 'only this organization (Org1, or its MSP id)')
      .option('--watch <seconds>', 'keep publishing, every this many seconds, until stopped'),
  ).action(async (flags: PublishFlags) => {
    if (flags.watch !== undefined) {
      await watch(flags, watchSeconds(flags.watch));
      return;
    }
    const { topology } = loadNetwork(stateDirOf(flags));
    for (const org of caMemberOrgs(topology, flags.org)) {
      progress(describePublication(await publishCrl(consortiaHome(), topology, org)));
    }
  });
}
