// A real local Fabric network for the DAPP's network tests and benchmark: two orgs of two peers,
// Kafka-based ordering, the consortium chaincode deployed and its token initialized. Needs the
// Fabric binaries (`consortia install fabric`); callers check fabricComponent.isInstalled first.
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import {
  consortiaHome,
  deployChaincode,
  down,
  firstOrg,
  HOST,
  loadNetwork,
  orgTlsCaFile,
  orgUserDir,
  up,
  writeManifest,
} from '@consortia/network';
import type { Org, Topology } from '@consortia/network';

import { FabricSubmitter } from '../../src/fabric/fabric-submitter';
import { GatewayPool } from '../../src/fabric/gateway-pool';
import type { SigningIdentity } from '../../src/fabric/identity';
import { identityFromMsp } from '../../src/fabric/identity';
import { tempDir } from './infra';

export const CHAINCODE = 'consortia';
const CHAINCODE_DIR = path.resolve(__dirname, '..', '..', '..', 'chaincode');

export interface DappNetwork {
  stateDir: string;
  topology: Topology;
  org: Org;
  /** Environment for a DAPP of the first org (add DATABASE_URL, PORT, keys). */
  env: NodeJS.ProcessEnv;
  kafkaBrokers: string[];
  /** The first org's User1, as a submitter that talks to the real peers. */
  admin: FabricSubmitter;
  stop(): Promise<void>;
}

export function dappEnv(topology: Topology, org: Org): NodeJS.ProcessEnv {
  return {
    FABRIC_MSP_ID: org.mspId,
    FABRIC_CHANNEL: topology.options.channel,
    FABRIC_CHAINCODE: CHAINCODE,
    FABRIC_PEER_ENDPOINTS: org.peers.map((peer) => `${HOST}:${peer.port}`).join(','),
    FABRIC_TLS_CA_FILE: orgTlsCaFile(topology, org),
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
      identities: new Map(identities.map((identity) => [identity.name, identity])),
      timeouts: { evaluateMs: 10_000, endorseMs: 30_000, submitMs: 10_000, commitMs: 60_000 },
    }),
  );
}

export async function startDappNetwork(
  basePort: number,
  log: (message: string) => void,
): Promise<DappNetwork> {
  const home = consortiaHome();
  const stateDir = tempDir('fabric');
  const { topology } = await up(
    home,
    { consensus: 'kafka', orgs: 2, peersPerOrg: 2, basePort, stateDir },
    log,
  );
  const { manifest } = loadNetwork(stateDir);
  await deployChaincode({ home, topology, progress: log, started: [] }, manifest, {
    path: CHAINCODE_DIR,
    name: CHAINCODE,
    version: '1.0.0',
  });
  writeManifest(topology.paths.manifest, manifest);
  const org = firstOrg(topology);
  const user = identityFromMsp('default', org.mspId, path.join(orgUserDir(topology, org), 'msp'));
  const admin = submitterFor(topology, org, [user]);
  const channel = topology.options.channel;
  const submit = (transactionName: string, args: string[]) =>
    admin.submit({
      channel,
      chaincode: CHAINCODE,
      transactionName,
      args,
      transient: {},
      requestId: crypto.randomUUID(),
    });
  // The org that initializes the token becomes its admin and minter.
  await submit('TokenContract:Initialize', ['Consortia Token', 'CTK', '2', '']);
  const account = String(
    await admin.evaluate({
      channel,
      chaincode: CHAINCODE,
      transactionName: 'TokenContract:ClientAccountID',
      args: [],
      transient: {},
    }),
  );
  await submit('TokenContract:Mint', [account, '100000000']);
  return {
    stateDir,
    topology,
    org,
    env: dappEnv(topology, org),
    kafkaBrokers: topology.kafka ? [`${HOST}:${topology.kafka.port}`] : [],
    admin,
    stop: async () => {
      admin.close();
      await down(stateDir, true);
    },
  };
}

/**
 * Issues client certificates from the org's cryptogen CA with openssl, so a benchmark or test can
 * act as many distinct token accounts (a token account is its owner's certificate identity).
 */
export function issueClientIdentities(
  topology: Topology,
  org: Org,
  count: number,
  dir: string,
): SigningIdentity[] {
  const caDir = path.join(topology.paths.crypto, 'peerOrganizations', org.domain, 'ca');
  const caCert = path.join(caDir, `ca.${org.domain}-cert.pem`);
  const caKey = path.join(caDir, 'priv_sk');
  const extensions = path.join(dir, 'client.ext');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    extensions,
    'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n',
  );
  return Array.from({ length: count }, (_, index) => {
    const name = `bench${index}`;
    const msp = path.join(dir, name, 'msp');
    fs.mkdirSync(path.join(msp, 'signcerts'), { recursive: true });
    fs.mkdirSync(path.join(msp, 'keystore'), { recursive: true });
    const { privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const keyFile = path.join(msp, 'keystore', 'priv_sk');
    fs.writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const csr = execFileSync('openssl', [
      'req',
      '-new',
      '-key',
      keyFile,
      '-subj',
      `/C=US/ST=California/L=San Francisco/OU=client/CN=${name}@${org.domain}`,
    ]);
    execFileSync(
      'openssl',
      [
        'x509',
        '-req',
        '-CA',
        caCert,
        '-CAkey',
        caKey,
        '-CAcreateserial',
        '-days',
        '2',
        '-sha256',
        '-extfile',
        extensions,
        '-out',
        path.join(msp, 'signcerts', 'cert.pem'),
      ],
      { input: csr },
    );
    return identityFromMsp(name, org.mspId, msp);
  });
}
