// SPDX-License-Identifier: Apache-2.0
import { UserError } from '../errors';
import type { NetworkContext } from '../fabric/network';
import { ordererArgs, peerAdminEnv, runFabric } from '../fabric/tools';
import { waitFor } from '../process/wait';
import type { Org, Topology } from '../topology/topology';
import { firstOrg, firstPeer, HOST, orgTlsCaFile } from '../topology/topology';

/** A chaincode definition as the peer lifecycle commands take it. */
export interface Definition {
  name: string;
  version: string;
  sequence: number;
  /** A signature policy; without one the channel's default (a majority of orgs) applies. */
  policy?: string;
  /** Absolute path of a collections configuration file. */
  collections?: string;
}

export function definitionLabel(definition: Definition): string {
  return `${definition.name}_${definition.version}`;
}

function definitionArgs(topology: Topology, definition: Definition): string[] {
  return [
    '--channelID',
    topology.options.channel,
    '--name',
    definition.name,
    '--version',
    definition.version,
    '--sequence',
    String(definition.sequence),
    ...(definition.policy ? ['--signature-policy', definition.policy] : []),
    ...(definition.collections ? ['--collections-config', definition.collections] : []),
  ];
}

/** The peer CLI's environment as an org's admin against the org's first peer. */
function orgAdmin(topology: Topology, org: Org): Record<string, string> {
  return peerAdminEnv(topology, org, firstPeer(org));
}

/** The chaincode's committed definition as `querycommitted -O json` prints it, asked as the first org's admin. */
export async function queryCommitted(
  { home, topology }: Pick<NetworkContext, 'home' | 'topology'>,
  name: string,
): Promise<string> {
  return runFabric(
    'peer',
    [
      'lifecycle',
      'chaincode',
      'querycommitted',
      '-C',
      topology.options.channel,
      '-n',
      name,
      '-O',
      'json',
    ],
    { home, env: orgAdmin(topology, firstOrg(topology)) },
  );
}

/** The sequence of the chaincode's committed definition on the channel, 0 when there is none. */
export async function committedSequence(context: NetworkContext, name: string): Promise<number> {
  try {
    const output = await queryCommitted(context, name);
    const match = /"sequence":\s*(\d+)/.exec(output);
    return match ? Number(match[1]) : 0;
  } catch (error) {
    if (error instanceof UserError && /is not defined|not found/i.test(error.message)) return 0;
    throw error;
  }
}

/** The package id the peers will know the package by (`<label>:<hash>`). */
export async function calculatePackageId(
  { home, topology }: NetworkContext,
  org: Org,
  label: string,
  packageFile: string,
): Promise<string> {
  const calculated = await runFabric(
    'peer',
    ['lifecycle', 'chaincode', 'calculatepackageid', packageFile],
    { home, env: orgAdmin(topology, org) },
  );
  const packageId = calculated
    .split('\n')
    .map((line) => line.trim())
    .find((line) => line.startsWith(`${label}:`));
  if (!packageId)
    throw new UserError(`could not compute the package id of ${label}:\n${calculated}`);
  return packageId;
}

/** Installs the package on each of the org's peers that does not hold it yet. */
export async function installOnPeers(
  { home, topology, progress }: NetworkContext,
  org: Org,
  label: string,
  packageFile: string,
  packageId: string,
): Promise<void> {
  for (const peer of org.peers) {
    const env = peerAdminEnv(topology, org, peer);
    const installed = await runFabric(
      'peer',
      ['lifecycle', 'chaincode', 'queryinstalled', '-O', 'json'],
      { home, env },
    );
    if (installed.includes(packageId)) continue;
    progress(`installing ${label} on ${peer.name}`);
    await runFabric('peer', ['lifecycle', 'chaincode', 'install', packageFile], { home, env });
  }
}

function approvalStatus(output: string): Record<string, boolean> {
  const json = output.slice(output.indexOf('{'), output.lastIndexOf('}') + 1);
  const parsed = JSON.parse(json) as { approvals?: Record<string, boolean> };
  return parsed.approvals ?? {};
}

/** Which orgs have approved the definition (`checkcommitreadiness`). */
async function approvals(
  { home, topology }: NetworkContext,
  definition: Definition,
): Promise<Record<string, boolean>> {
  const output = await runFabric(
    'peer',
    [
      'lifecycle',
      'chaincode',
      'checkcommitreadiness',
      ...definitionArgs(topology, definition),
      '-O',
      'json',
    ],
    { home, env: orgAdmin(topology, firstOrg(topology)) },
  );
  return approvalStatus(output);
}

/**
 * Each org that has not yet approved the definition approves it for its own package id; then
 * waits until the channel reports every org's approval.
 */
export async function approveForEveryOrg(
  context: NetworkContext,
  definition: Definition,
  packageIds: Record<string, string | undefined>,
): Promise<void> {
  const { home, topology, progress } = context;
  const label = definitionLabel(definition);
  for (const org of topology.orgs) {
    if ((await approvals(context, definition))[org.mspId]) continue;
    progress(`approving ${label} (sequence ${definition.sequence}) for ${org.mspId}`);
    await runFabric(
      'peer',
      [
        'lifecycle',
        'chaincode',
        'approveformyorg',
        ...definitionArgs(topology, definition),
        '--package-id',
        packageIds[org.mspId] ?? '',
        '--waitForEvent',
        ...ordererArgs(topology),
      ],
      { home, env: orgAdmin(topology, org) },
    );
  }
  await waitFor(
    `every org to approve ${label}`,
    async () => Object.values(await approvals(context, definition)).every(Boolean),
    { timeoutMs: 60_000, intervalMs: 500 },
  );
}

/**
 * Commits the definition, endorsed by every org's first peer, then waits until every org sees
 * it at its sequence.
 */
export async function commitDefinition(
  { home, topology, progress }: NetworkContext,
  definition: Definition,
): Promise<void> {
  const { name, sequence } = definition;
  const channel = topology.options.channel;
  progress(
    `committing ${definitionLabel(definition)} (sequence ${sequence}) on channel ${channel}`,
  );
  const endorsers = topology.orgs.flatMap((org) => [
    '--peerAddresses',
    `${HOST}:${firstPeer(org).port}`,
    '--tlsRootCertFiles',
    orgTlsCaFile(topology, org),
  ]);
  await runFabric(
    'peer',
    [
      'lifecycle',
      'chaincode',
      'commit',
      ...definitionArgs(topology, definition),
      ...endorsers,
      ...ordererArgs(topology),
    ],
    { home, env: orgAdmin(topology, firstOrg(topology)) },
  );
  for (const org of topology.orgs) {
    await waitFor(
      `${org.mspId} to see ${name} at sequence ${sequence}`,
      async () => {
        const output = await runFabric(
          'peer',
          ['lifecycle', 'chaincode', 'querycommitted', '-C', channel, '-n', name, '-O', 'json'],
          { home, env: orgAdmin(topology, org) },
        );
        return new RegExp(`"sequence":\\s*${sequence}\\b`).test(output);
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
  }
}
