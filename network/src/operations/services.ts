// SPDX-License-Identifier: Apache-2.0
import type { OrgService } from '../membership/org-services';
import { startRecordedOrgServices } from '../membership/org-services';
import type { LocalCredentials, LocalService, ServiceRunner } from '../services/local-services';
import { localServices, runService, startLocalServices } from '../services/local-services';
import type { Topology } from '../topology/topology';

export interface NetworkServices {
  /** The first organization's DAPP, datasync, app-api and explorer that run. */
  local: LocalService[];
  /** The own services of organizations that joined with them (`org add --services`). */
  orgs: OrgService[];
}

/**
 * The services `consortia start` runs beside the network: the first organization's, then the
 * own DAPP and datasync of each organization that joined with them, with the ports, data dirs
 * and chaincode that network.json recorded when it joined.
 */
export async function startNetworkServices(
  topology: Topology,
  chaincode: string,
  credentials: LocalCredentials,
  progress: (line: string) => void,
  run: ServiceRunner = runService,
): Promise<NetworkServices> {
  const local = await startLocalServices(
    topology,
    localServices(topology, chaincode, credentials),
    [],
    run,
  );
  const orgs = await startRecordedOrgServices(topology, [], progress, run);
  return { local, orgs };
}
