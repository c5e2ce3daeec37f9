// SPDX-License-Identifier: Apache-2.0
/**
 * What must hold before the migration touches anything. Each failure is refused with the reason
 * and what to do, since a migration started on a network in the wrong state is hard to undo.
 */
import { UserError } from '../errors';
import { isOurs, readPidRecord } from '../process/supervisor';
import { httpOk, tcpOpen, waitFor } from '../process/wait';
import { HOST } from '../topology/topology';
import type { ChannelConsensus } from './channels';
import { readChannels, waitPeersCaughtUp } from './channels';
import type { MigrationRecord } from './record';
import type { MigrationContext } from './steps';

/** How long peers get to catch up with the orderers before a lag counts as pending config. */
const CATCH_UP_MS = 30_000;
/** How long a running node gets to answer its health check. */
const HEALTH_WAIT_MS = 30_000;

async function assertRunning(
  context: MigrationContext,
  name: string,
  healthy: () => Promise<boolean>,
): Promise<void> {
  const record = readPidRecord(context.before.paths.run, name);
  if (!record || !isOurs(record)) {
    throw new UserError(
      `${name} is not running, so the migration cannot reach it`,
      `bring the network up first: consortia up --state-dir ${context.stateDir}`,
    );
  }
  // a loaded machine answers slowly: only a node that stays silent counts as unreachable
  const answers = await waitFor(`${name} to answer its health check`, healthy, {
    timeoutMs: HEALTH_WAIT_MS,
    intervalMs: 1000,
  }).then(
    () => true,
    () => false,
  );
  if (!answers) {
    throw new UserError(
      `${name} runs but does not answer its health check`,
      `see \`consortia logs ${name} --state-dir ${context.stateDir}\``,
    );
  }
}

/**
 * Every node the migration talks to answers: the orderers (as Kafka nodes until they have been
 * restarted as Raft ones), the Kafka broker while they still use it, and the peers.
 */
async function assertNodesReachable(context: MigrationContext, restarted: boolean): Promise<void> {
  const health = restarted ? '/healthz' : '/version';
  for (const orderer of context.before.orderers) {
    const url = `http://${HOST}:${orderer.operationsPort}${health}`;
    await assertRunning(context, orderer.name, () => httpOk(url));
  }
  const kafka = context.before.kafka;
  if (!restarted && kafka) {
    await assertRunning(context, 'kafka', () => tcpOpen(kafka.port));
  }
  for (const peer of context.before.orgs.flatMap((org) => org.peers)) {
    const url = `http://${HOST}:${peer.operationsPort}/healthz`;
    await assertRunning(context, peer.name, () => httpOk(url));
  }
}

/** A fresh migration needs every channel on Kafka in normal operation. */
function assertChannelsUnstarted(channels: readonly ChannelConsensus[]): void {
  for (const channel of channels) {
    if (channel.type !== 'kafka' || channel.state !== 'STATE_NORMAL') {
      throw new UserError(
        `channel ${channel.channel} is ${channel.type} in ${channel.state}, but a migration starts from kafka in STATE_NORMAL, and this state dir records none under way`,
        'finish or undo the change that left it so (e.g. a manual migration) before running migrate-consensus',
      );
    }
  }
}

/** A resumed migration tolerates any state its own steps lead through, and no other type. */
function assertChannelsMigrating(channels: readonly ChannelConsensus[]): void {
  for (const channel of channels) {
    if (channel.type !== 'kafka' && channel.type !== 'etcdraft') {
      throw new UserError(
        `channel ${channel.channel} has consensus type '${channel.type}', which no step of a Kafka to Raft migration leads to`,
      );
    }
  }
}

/**
 * Checks the preconditions and returns each channel's current consensus. Pending config counts
 * as a peer that does not reach the orderers' height within a short wait: a config block it
 * has not applied yet would be overtaken by the migration's own.
 */
export async function checkPreconditions(
  context: MigrationContext,
  record: MigrationRecord | undefined,
): Promise<ChannelConsensus[]> {
  const restarted = record?.completed['restart-orderers'] !== undefined;
  await assertNodesReachable(context, restarted);
  const topology = restarted ? context.after : context.before;
  const config = { home: context.home, topology };
  const channels = await readChannels(config, context.channels).catch((error: unknown) => {
    throw new UserError(
      `the ordering service's admin cannot read every channel's config: ${String(error)}`,
      'check the orderer logs (`consortia logs orderer0`)',
    );
  });
  if (!record) {
    assertChannelsUnstarted(channels);
    await waitPeersCaughtUp(config, CATCH_UP_MS).catch((error: unknown) => {
      throw new UserError(
        `a peer lags the orderers, so a block (perhaps a config update) is still pending: ${String(error)}`,
        'wait until `consortia status` shows the peers caught up, then run the migration again',
      );
    });
  } else {
    assertChannelsMigrating(channels);
  }
  return channels;
}
