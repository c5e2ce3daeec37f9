// SPDX-License-Identifier: Apache-2.0
/**
 * The deployed chaincodes when an organization joins or leaves. A joining org gets its own
 * package and chaincode service, installs it on its peers and approves the committed definition
 * for its package (an org may approve after the commit); a signature endorsement policy that must
 * include it, or that named a leaving org, moves on to the next sequence, approved by every
 * member and committed.
 */
import { packageAndInstall } from '../chaincode/deploy';
import type { Definition } from '../chaincode/lifecycle';
import { approveForEveryOrg, commitDefinition, definitionLabel } from '../chaincode/lifecycle';
import { readChaincodeProject } from '../chaincode/package';
import { serviceProcessName, startChaincodeService } from '../chaincode/service';
import { UserError } from '../errors';
import type { NetworkContext } from '../fabric/network';
import { ordererArgs, peerAdminEnv, runFabric } from '../fabric/tools';
import { stopDaemon } from '../process/supervisor';
import type { DeployedChaincode, NetworkManifest } from '../state/manifest';
import type { Org } from '../topology/topology';
import { firstPeer } from '../topology/topology';
import type { CommittedDefinition } from './endorsement';
import { committedDefinition, policyAfter, renderSignaturePolicy } from './endorsement';

function policyArgs(committed: CommittedDefinition): string[] {
  return 'reference' in committed.policy
    ? ['--channel-config-policy', committed.policy.reference]
    : ['--signature-policy', renderSignaturePolicy(committed.policy.signature)];
}

/** The org approves the committed definition, as it is, for its own package. */
async function approveCommitted(
  context: NetworkContext,
  committed: CommittedDefinition,
  org: Org,
  packageId: string,
): Promise<void> {
  const { home, topology, progress } = context;
  progress(`approving ${committed.name} (sequence ${committed.sequence}) for ${org.mspId}`);
  await runFabric(
    'peer',
    [
      'lifecycle',
      'chaincode',
      'approveformyorg',
      '--channelID',
      topology.options.channel,
      '--name',
      committed.name,
      '--version',
      committed.version,
      '--sequence',
      String(committed.sequence),
      ...policyArgs(committed),
      '--package-id',
      packageId,
      '--waitForEvent',
      ...ordererArgs(topology),
    ],
    { home, env: peerAdminEnv(topology, org, firstPeer(org)) },
  );
}

/** Commits the next sequence with a new signature policy, approved by every current member. */
async function nextSequence(
  context: NetworkContext,
  chaincode: DeployedChaincode,
  committed: CommittedDefinition,
  policy: string,
): Promise<void> {
  const definition: Definition = {
    name: committed.name,
    version: committed.version,
    sequence: committed.sequence + 1,
    policy,
  };
  context.progress(
    `moving ${definitionLabel(definition)} to sequence ${definition.sequence}: ${policy}`,
  );
  const packageIds = Object.fromEntries(
    Object.entries(chaincode.services).map(([mspId, service]) => [mspId, service.packageId]),
  );
  await approveForEveryOrg(context, definition, packageIds);
  await commitDefinition(context, definition);
  chaincode.sequence = definition.sequence;
}

function refuseCollections(committed: CommittedDefinition): void {
  if (committed.hasCollections) {
    throw new UserError(
      `chaincode ${committed.name} defines explicit private data collections, which membership changes do not rewrite`,
      'redeploy it with a collections configuration that fits the new members',
    );
  }
}

/** The signature policy the definition must move to when `mspId` joins or leaves, if any. */
function movedPolicy(
  committed: CommittedDefinition,
  mspId: string,
  change: 'add' | 'remove',
): string | undefined {
  return 'signature' in committed.policy
    ? policyAfter(committed.policy.signature, mspId, change)
    : undefined;
}

/**
 * `context.topology` already includes the joining org. Each deployed chaincode gets the org's
 * package, service and approval; the manifest records them.
 */
export async function joinChaincodes(
  context: NetworkContext,
  manifest: NetworkManifest,
  org: Org,
): Promise<void> {
  for (const chaincode of manifest.chaincodes) {
    const committed = await committedDefinition(context, chaincode.name);
    refuseCollections(committed);
    const project = readChaincodeProject(chaincode.path);
    const definition = {
      name: committed.name,
      version: committed.version,
      sequence: committed.sequence,
    };
    const service = await packageAndInstall(context, definition, project, org, chaincode.slot);
    await startChaincodeService(context, chaincode, org, service);
    chaincode.services[org.mspId] = service;
    const policy = movedPolicy(committed, org.mspId, 'add');
    if (policy) {
      await nextSequence(context, chaincode, committed, policy);
    } else {
      await approveCommitted(context, committed, org, service.packageId);
    }
  }
}

/**
 * Before the org leaves the channel (`context.topology` still includes it, so it can approve): a
 * signature policy that names it moves on without it, so the remaining members keep endorsing.
 */
export async function leaveChaincodes(
  context: NetworkContext,
  manifest: NetworkManifest,
  org: Org,
): Promise<void> {
  for (const chaincode of manifest.chaincodes) {
    const committed = await committedDefinition(context, chaincode.name);
    const policy = movedPolicy(committed, org.mspId, 'remove');
    if (policy) {
      refuseCollections(committed);
      await nextSequence(context, chaincode, committed, policy);
    }
  }
}

/** Stops the leaving org's chaincode services; the manifest forgets them. */
export async function stopOrgChaincodes(
  context: NetworkContext,
  manifest: NetworkManifest,
  org: Org,
): Promise<void> {
  for (const chaincode of manifest.chaincodes) {
    await stopDaemon(context.topology.paths.run, serviceProcessName(chaincode.name, org));
    // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- services are keyed by MSP id
    delete chaincode.services[org.mspId];
  }
}
