// SPDX-License-Identifier: Apache-2.0
import crypto from 'node:crypto';
import path from 'node:path';

import { onlyFile } from '@consortia/common/fabric';
import type { Database } from '@consortia/common';
import type { RunningService as RunningDapp } from '@consortia/dapp';
import { hashApiKey, readConfig, startService as startDapp } from '@consortia/dapp';
import type { RunningService as RunningDatasync } from '@consortia/datasync';
import {
  readConfig as readDatasyncConfig,
  startService as startDatasync,
} from '@consortia/datasync';
import { HOST, orgTlsCaFile, orgUserDir } from '@consortia/network';
import type { TestNetwork } from '@consortia/network/testing';

import type { RunningService } from '../../src/service';
import { explorerEnv, startTestExplorer } from './explorer';
import { freePort, startPostgres, testLogger } from './infra';

/** The pages link to this Grafana's dashboards (nothing serves it: only the links are checked). */
export const STACK_GRAFANA_URL = 'http://grafana.invalid:3000';

export interface RealStack {
  explorer: RunningService;
  explorerUrl: string;
  dappUrl: string;
  apiKey: string;
  stop(): Promise<void>;
}

/**
 * Org1's services beside the shared network, as `npm start` runs them: datasync following a
 * real peer into an embedded Postgres, the DAPP submitting through the peers (synchronously),
 * and the explorer over the mirror and every node's operations endpoint.
 */
export async function startRealStack(network: TestNetwork, dir: string): Promise<RealStack> {
  const { topology, org } = network;
  const msp = path.join(orgUserDir(topology, org), 'msp');
  const fabric = {
    FABRIC_MSP_ID: org.mspId,
    FABRIC_CHANNEL: topology.options.channel,
    FABRIC_CHAINCODE: network.chaincode,
    FABRIC_PEER_ENDPOINTS: org.peers.map((peer) => `${HOST}:${peer.port}`).join(','),
    FABRIC_TLS_CA_FILE: orgTlsCaFile(topology, org),
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
  };
  const stops: (() => Promise<unknown>)[] = [];
  const stop = async () => {
    for (const step of stops.reverse()) await step().catch(() => undefined);
  };
  try {
    const mirrorDb: Database = await startPostgres(dir);
    stops.push(() => mirrorDb.stop());
    const datasync: RunningDatasync = await startDatasync(
      readDatasyncConfig({
        ...fabric,
        PORT: String(await freePort()),
        DATABASE_URL: mirrorDb.connectionString,
        FABRIC_CERT_FILE: onlyFile(path.join(msp, 'signcerts')),
        FABRIC_KEY_FILE: onlyFile(path.join(msp, 'keystore')),
        DATASYNC_HEIGHT_POLL_MS: '1000',
      }),
      testLogger('datasync'),
    );
    // datasync's last step stops the database, which is stopped separately above
    stops.push(async () => {
      for (const step of datasync.shutdownSteps.slice(0, -1)) await step.run();
    });

    const key = await hashApiKey('explorer-test', crypto.randomBytes(16).toString('hex'));
    const dapp: RunningDapp = await startDapp(
      readConfig({
        ...fabric,
        HOST: '127.0.0.1',
        PORT: '0',
        FABRIC_IDENTITY_DIR: msp,
        DAPP_API_KEYS: key.entry,
        DAPP_IN_PROCESS_WORKER: 'false',
        DAPP_DATA_DIR: path.join(dir, 'dapp-postgres'),
        DAPP_EMBEDDED_PG_PORT: String(await freePort()),
      }),
      testLogger('dapp'),
      'serve',
    );
    stops.push(() => dapp.stop());

    const operations = (nodes: readonly { name: string; operationsPort: number }[]) =>
      nodes.map((node) => `${node.name}=http://${HOST}:${node.operationsPort}`).join(',');
    const { explorer, base } = await startTestExplorer(
      await explorerEnv(mirrorDb.connectionString, {
        FABRIC_MSP_ID: org.mspId,
        FABRIC_CHANNEL: topology.options.channel,
        PEER_OPERATIONS_URLS: operations(topology.orgs.flatMap((each) => each.peers)),
        ORDERER_OPERATIONS_URLS: operations(topology.orderers),
        EXPLORER_GRAFANA_URL: STACK_GRAFANA_URL,
      }),
    );
    stops.push(() => explorer.stop());
    return {
      explorer,
      explorerUrl: base,
      dappUrl: `http://127.0.0.1:${dapp.port}`,
      apiKey: key.key,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
