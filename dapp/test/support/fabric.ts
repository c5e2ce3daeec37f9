// SPDX-License-Identifier: Apache-2.0
// The real local Fabric network for the DAPP's network tests and benchmark: the network every
// workspace's integration tests share (two orgs of two peers, Kafka-based ordering, the
// consortium chaincode deployed and its token initialized by Org1), with tokens minted to Org1's
// User1. Callers check testNetworkUnavailable() first.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import { cryptogenClientMsp } from '@consortia/common/testing';
import type { Database } from '@consortia/common';
import { createLogger } from '@consortia/common';
import { HOST, orgTlsCaFile, orgUserDir, TLS_HOST_NAME } from '@consortia/network';
import type { Org, Topology } from '@consortia/network';
import {
  sharedTestNetwork,
  TEST_CHAINCODE,
  testNetworkUnavailable,
} from '@consortia/network/testing';

import { readConfig } from '../../src/config';
import { FabricSubmitter } from '../../src/fabric/fabric-submitter';
import { GatewayPool } from '../../src/fabric/gateway-pool';
import type { SigningIdentity } from '../../src/fabric/identity';
import { identityFromMsp } from '../../src/fabric/identity';
import type { RunningService } from '../../src/service';
import { startService } from '../../src/service';
import { startPostgres } from './infra';

export const CHAINCODE = TEST_CHAINCODE;

/** A line of progress under the running test, as mocha indents it. */
export const log = (message: string): void => {
  process.stderr.write(`      ${message}\n`);
};

/** Skips the suite, saying why, where the shared network cannot run (Fabric or Kafka missing). */
export function skipWithoutNetwork(suite: Mocha.Context): void {
  const unavailable = testNetworkUnavailable();
  if (unavailable) {
    log(`${unavailable}: skipped`);
    suite.skip();
  }
}

export interface DappNetwork {
  stateDir: string;
  topology: Topology;
  org: Org;
  /** Environment for a DAPP of the first org (add DATABASE_URL, PORT, keys). */
  env: NodeJS.ProcessEnv;
  kafkaBrokers: string[];
  /** The first org's User1, as a submitter that talks to the real peers. */
  admin: FabricSubmitter;
  /** Closes this suite's connections; the shared network keeps running. */
  stop(): Promise<void>;
}

export function dappEnv(topology: Topology, org: Org): NodeJS.ProcessEnv {
  return {
    FABRIC_MSP_ID: org.mspId,
    FABRIC_CHANNEL: topology.options.channel,
    FABRIC_CHAINCODE: CHAINCODE,
    FABRIC_PEER_ENDPOINTS: org.peers.map((peer) => `${HOST}:${peer.port}`).join(','),
    FABRIC_TLS_CA_FILE: orgTlsCaFile(topology, org),
    FABRIC_TLS_SERVER_NAME: TLS_HOST_NAME,
    FABRIC_IDENTITY_DIR: path.join(orgUserDir(topology, org), 'msp'),
    KAFKA_BROKERS: topology.kafka ? `${HOST}:${topology.kafka.port}` : '',
  };
}

export function submitterFor(
  topology: Topology,
  org: Org,
  identities: SigningIdentity[],
): FabricSubmitter {
  return new FabricSubmitter(
    new GatewayPool({
      endpoints: org.peers.map((peer) => `${HOST}:${peer.port}`),
      tlsCaCertificate: fs.readFileSync(orgTlsCaFile(topology, org)),
      tlsServerName: TLS_HOST_NAME,
      identities: new Map(identities.map((identity) => [identity.name, identity])),
      timeouts: { evaluateMs: 10_000, endorseMs: 30_000, submitMs: 10_000, commitMs: 60_000 },
    }),
  );
}

export async function startDappNetwork(log: (message: string) => void): Promise<DappNetwork> {
  const { stateDir, topology, org } = await sharedTestNetwork(log);
  const user = identityFromMsp('default', org.mspId, path.join(orgUserDir(topology, org), 'msp'));
  const admin = submitterFor(topology, org, [user]);
  const channel = topology.options.channel;
  const account = String(
    await admin.evaluate({
      channel,
      chaincode: CHAINCODE,
      transactionName: 'TokenContract:ClientAccountID',
      args: [],
      transient: {},
    }),
  );
  // Org1 initialized the token, so it is the minter; each run tops up what it spends.
  await admin.submit({
    channel,
    chaincode: CHAINCODE,
    transactionName: 'TokenContract:Mint',
    args: [account, '100000000'],
    transient: {},
    requestId: crypto.randomUUID(),
  });
  return {
    stateDir,
    topology,
    org,
    env: dappEnv(topology, org),
    kafkaBrokers: topology.kafka ? [`${HOST}:${topology.kafka.port}`] : [],
    admin,
    stop: async () => {
      admin.close();
    },
  };
}

/** A DAPP serving on the shared network as its first organization, with a database of its own. */
export interface NetworkDapp {
  network: DappNetwork;
  database: Database;
  service: RunningService;
  /** Its whole environment, e.g. for a worker process of its own. */
  env: NodeJS.ProcessEnv;
  base: string;
  /** Stops the DAPP and its database and closes the suite's connections to the network. */
  stop(): Promise<void>;
}

/**
 * Starts a DAPP (`serve`) on the shared network, on an ephemeral port, with an embedded Postgres
 * under `dir`: `env` (API keys, this run's Kafka topics, timeouts) goes on top of the network's
 * environment and logs at `logLevel`.
 */
export async function startNetworkDapp(
  dir: string,
  env: NodeJS.ProcessEnv,
  logLevel = 'warn',
): Promise<NetworkDapp> {
  const network = await startDappNetwork(log);
  let database: Database | undefined;
  try {
    database = await startPostgres(dir);
    const serviceEnv = {
      ...network.env,
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: logLevel,
      DATABASE_URL: database.connectionString,
      KAFKA_SESSION_TIMEOUT_MS: '6000',
      ...env,
    };
    const service = await startService(
      readConfig(serviceEnv),
      createLogger('dapp-test', logLevel),
      'serve',
    );
    const own = database;
    return {
      network,
      database,
      service,
      env: serviceEnv,
      base: `http://127.0.0.1:${service.port}`,
      stop: async () => {
        await service.stop();
        await own.stop();
        await network.stop();
      },
    };
  } catch (error) {
    await database?.stop();
    await network.stop();
    throw error;
  }
}

/**
 * Issues client certificates from the org's cryptogen CA, so a benchmark or test can act as many
 * distinct token accounts (a token account is its owner's certificate identity).
 */
export function issueClientIdentities(
  topology: Topology,
  org: Org,
  count: number,
  dir: string,
): SigningIdentity[] {
  const caDir = path.join(topology.paths.crypto, 'peerOrganizations', org.domain, 'ca');
  return Array.from({ length: count }, (_, index) => {
    const name = `bench${index}`;
    return identityFromMsp(name, org.mspId, cryptogenClientMsp(caDir, org.domain, name, dir));
  });
}
