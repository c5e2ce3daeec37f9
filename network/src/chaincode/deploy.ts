// SPDX-License-Identifier: Apache-2.0
import path from 'node:path';

import { UserError } from '../errors';
import type { NetworkContext } from '../fabric/network';
import type { DeployedChaincode, NetworkManifest } from '../state/manifest';
import type { Org } from '../topology/topology';
import { chaincodePort, HOST, MAX_CHAINCODES } from '../topology/topology';
import type { Definition } from './lifecycle';
import {
  approveForEveryOrg,
  calculatePackageId,
  commitDefinition,
  committedSequence,
  definitionLabel,
  installOnPeers,
} from './lifecycle';
import type { ChaincodeProject } from './package';
import { buildServicePackage, readChaincodeProject } from './package';
import { startChaincodeService } from './service';

export interface DeployRequest {
  path: string;
  name?: string;
  version?: string;
  sequence?: number;
  /** A signature policy; without one the channel's default (a majority of orgs) applies. */
  policy?: string;
  /** A collections configuration file for explicit private data collections. */
  collections?: string;
}

const NAME = /^[a-zA-Z0-9]+([-_][a-zA-Z0-9]+)*$/;

/** The definition to commit next, and the chaincode's slot (which fixes its services' ports). */
interface Plan {
  definition: Definition;
  slot: number;
}

type Service = DeployedChaincode['services'][string];

/**
 * Deploys a chaincode workspace as a chaincode service through the full lifecycle: package per
 * org (each org runs its own service), install on every peer, start the services, approve per
 * org, check readiness, commit, and confirm on every org. Upgrading is the same call with the
 * next sequence; the network keeps running throughout.
 */
export async function deployChaincode(
  context: NetworkContext,
  manifest: NetworkManifest,
  request: DeployRequest,
): Promise<DeployedChaincode> {
  const project = readChaincodeProject(path.resolve(request.path));
  const { definition, slot } = await planDefinition(context, manifest, project, request);

  const services: DeployedChaincode['services'] = {};
  for (const org of context.topology.orgs) {
    const service = await packageAndInstall(context, definition, project, org, slot);
    services[org.mspId] = service;
    await startChaincodeService(
      context,
      { name: definition.name, path: project.dir },
      org,
      service,
    );
  }

  const packageIds = Object.fromEntries(
    Object.entries(services).map(([mspId, service]) => [mspId, service.packageId]),
  );
  await approveForEveryOrg(context, definition, packageIds);
  await commitDefinition(context, definition);

  const deployed: DeployedChaincode = {
    name: definition.name,
    version: definition.version,
    sequence: definition.sequence,
    path: project.dir,
    slot,
    services,
  };
  manifest.chaincodes = [
    ...manifest.chaincodes.filter((chaincode) => chaincode.name !== definition.name),
    deployed,
  ];
  return deployed;
}

/**
 * Checks the request against the network: a valid name, a free slot for a new chaincode, and the
 * sequence right after the committed one (the default).
 */
async function planDefinition(
  context: NetworkContext,
  manifest: NetworkManifest,
  project: ChaincodeProject,
  request: DeployRequest,
): Promise<Plan> {
  const name = request.name ?? project.name;
  if (!NAME.test(name)) {
    throw new UserError(
      `invalid chaincode name '${name}'`,
      'use letters and digits, separated by single - or _',
    );
  }
  const version = request.version ?? project.version;
  const existing = manifest.chaincodes.find((chaincode) => chaincode.name === name);
  const slot = existing?.slot ?? manifest.chaincodes.length;
  if (slot >= MAX_CHAINCODES) {
    throw new UserError(
      `a local network serves at most ${MAX_CHAINCODES} chaincodes`,
      'redeploy one of the existing names',
    );
  }

  const committed = await committedSequence(context, name);
  const sequence = request.sequence ?? committed + 1;
  if (sequence !== committed + 1) {
    throw new UserError(
      `chaincode ${name} is at sequence ${committed} on channel ${context.topology.options.channel}; the next definition must be ${committed + 1}, not ${sequence}`,
      `pass --sequence ${committed + 1}, or leave it out`,
    );
  }
  const definition: Definition = {
    name,
    version,
    sequence,
    policy: request.policy,
    collections: request.collections ? path.resolve(request.collections) : undefined,
  };
  return { definition, slot };
}

/**
 * One org's ccaas package (pointing at the org's service port), installed on its peers; also used
 * for an org that joins after the chaincode was deployed.
 */
export async function packageAndInstall(
  context: NetworkContext,
  definition: Definition,
  project: ChaincodeProject,
  org: Org,
  slot: number,
): Promise<Service> {
  const { topology, progress } = context;
  const label = definitionLabel(definition);
  const port = chaincodePort(topology, org.index, slot);
  progress(`packaging ${label} for ${org.mspId} (service on ${HOST}:${port})`);
  const packageFile = await buildServicePackage({
    label,
    address: `${HOST}:${port}`,
    sourceDir: project.dir,
    outputDir: path.join(topology.options.stateDir, 'chaincode', definition.name, org.name),
  });
  const packageId = await calculatePackageId(context, org, label, packageFile);
  await installOnPeers(context, org, label, packageFile, packageId);
  return { packageId, port };
}
