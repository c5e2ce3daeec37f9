// SPDX-License-Identifier: Apache-2.0
// The benchmark's token accounts. A token account spends from its own balance key, so two
// transfers from one account in flight together conflict (MVCC_READ_CONFLICT); the load
// generator gives each request in flight its own slot, and slot i always sends as account i.
// Payments to an account are blind writes of keys of their own, so any number of transfers
// may pay one recipient at once.
import crypto from 'node:crypto';
import path from 'node:path';

import type { SigningIdentity } from '../src/fabric/identity';
import {
  CHAINCODE,
  type DappNetwork,
  issueClientIdentities,
  submitterFor,
} from '../test/support/fabric';

/** An account below this many tokens is topped up to FUNDED before the rounds. */
const LOW = 50;
const FUNDED = 1_000;
const RECIPIENTS = 10_000;
const PARALLEL_READS = 16;

export interface Accounts {
  senders: SigningIdentity[];
  /** Recipient account ids (random, owned by nobody). */
  recipient(index: number): string;
}

async function inBatches<T, R>(items: readonly T[], work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += PARALLEL_READS) {
    results.push(...(await Promise.all(items.slice(i, i + PARALLEL_READS).map(work))));
  }
  return results;
}

/**
 * Issues `count` sender identities (the same subjects every run, so the same accounts, whose
 * balances outlive a run on the shared network) and funds those that run low.
 */
export async function prepareAccounts(
  network: DappNetwork,
  count: number,
  dir: string,
  fund: boolean,
  log: (message: string) => void,
): Promise<Accounts> {
  const { topology, org } = network;
  const senders = issueClientIdentities(topology, org, count, path.join(dir, 'identities'));
  const recipients = Array.from({ length: RECIPIENTS }, () =>
    crypto.randomBytes(32).toString('hex'),
  );
  const accounts = {
    senders,
    recipient: (index: number) => recipients[index % RECIPIENTS] ?? '',
  };
  if (!fund) return accounts;
  const submitter = submitterFor(topology, org, senders);
  try {
    const channel = topology.options.channel;
    const evaluate = (identity: string, transactionName: string, args: string[]) =>
      submitter
        .evaluate({ channel, chaincode: CHAINCODE, transactionName, args, transient: {}, identity })
        .then(String);
    const ids = await inBatches(senders, (sender) =>
      evaluate(sender.name, 'TokenContract:ClientAccountID', []),
    );
    const balances = await inBatches(ids, (id) =>
      evaluate(senders[0]?.name ?? '', 'TokenContract:BalanceOf', [id]),
    );
    const low = senders
      .map((sender, i) => ({ name: sender.name, id: ids[i] ?? '' }))
      .filter((_, i) => Number(balances[i]) < LOW);
    if (low.length === 0) return accounts;
    log(`funding ${low.length} of ${count} sender accounts`);
    const transfer = (from: string | undefined, to: string, amount: number) => {
      const call = {
        channel,
        chaincode: CHAINCODE,
        transactionName: 'TokenContract:Transfer',
        args: [to, String(amount)],
        transient: {},
        requestId: crypto.randomUUID(),
      };
      return from === undefined
        ? network.admin.submit(call)
        : submitter.submit({ ...call, identity: from });
    };
    // The minter pays the first account for all of them; then each funded account pays half
    // of what it holds for others on to the next, so funding takes log2(n) commit rounds.
    await transfer(undefined, low[0]?.id ?? '', FUNDED * low.length);
    const spread = async (group: typeof low): Promise<void> => {
      if (group.length <= 1) return;
      const middle = Math.ceil(group.length / 2);
      const second = group.slice(middle);
      await transfer(group[0]?.name, second[0]?.id ?? '', FUNDED * second.length);
      await Promise.all([spread(group.slice(0, middle)), spread(second)]);
    };
    await spread(low);
    return accounts;
  } finally {
    submitter.close();
  }
}
