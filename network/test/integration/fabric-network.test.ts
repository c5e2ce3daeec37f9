// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

import { deployChaincode } from '../../src/chaincode/deploy';
import { consortiaHome } from '../../src/install';
import { FABRIC_VERSION, fabricComponent } from '../../src/install/fabric';
import { adminExports } from '../../src/operations/admin-env';
import { down } from '../../src/operations/down';
import { loadNetwork } from '../../src/operations/status';
import { up } from '../../src/operations/up';
import { writeManifest } from '../../src/state/manifest';
import type { Consensus } from '../../src/topology/options';
import type { Topology } from '../../src/topology/topology';
import { connectGateway } from '../../src/fabric/gateway-client';
import { tempDir, testBasePort } from '../support/temp';

const run = promisify(execFile);
const home = consortiaHome();
const FIXTURE = path.join(__dirname, '..', 'fixtures', 'kv-chaincode');
const CHAINCODE = 'kv';
const log = (message: string) => process.stderr.write(`      ${message}\n`);
const decoder = new TextDecoder();

async function deploy(stateDir: string, version: string): Promise<void> {
  const { topology, manifest } = loadNetwork(stateDir);
  await deployChaincode({ home, topology, progress: log, started: [] }, manifest, {
    path: FIXTURE,
    name: CHAINCODE,
    version,
  });
  writeManifest(topology.paths.manifest, manifest);
}

async function evaluate(
  topology: Topology,
  orgIndex: number,
  name: string,
  ...args: string[]
): Promise<string> {
  const connection = connectGateway(topology, topology.orgs[orgIndex]!);
  try {
    const contract = connection.gateway.getNetwork(topology.options.channel).getContract(CHAINCODE);
    return decoder.decode(await contract.evaluateTransaction(name, ...args));
  } finally {
    connection.close();
  }
}

const MODES: { consensus: Consensus; portOffset: number }[] = [
  { consensus: 'kafka', portOffset: 2 },
  { consensus: 'etcdraft', portOffset: 3 },
];

for (const mode of MODES) {
  describe(`local Fabric network with ${mode.consensus} ordering (real orderers and peers)`, function () {
    let stateDir: string | undefined;
    let topology: Topology;

    before(async function () {
      if (!fabricComponent.isInstalled(home)) {
        log(
          `Fabric ${FABRIC_VERSION} is not installed (\`consortia install fabric\` could not build it): skipped`,
        );
        this.skip();
      }
      stateDir = tempDir(mode.consensus);
      const options = {
        consensus: mode.consensus,
        orgs: 2,
        peersPerOrg: 1,
        basePort: testBasePort(mode.portOffset),
        stateDir,
      };
      topology = (await up(home, options, log)).topology;
      await deploy(stateDir, '1.0.0');
    });

    after(async function () {
      if (stateDir) await down(stateDir, true);
    });

    it('commits a transaction endorsed by both orgs and reads it on the other org', async function () {
      const connection = connectGateway(topology, topology.orgs[0]!);
      try {
        const contract = connection.gateway
          .getNetwork(topology.options.channel)
          .getContract(CHAINCODE);
        const proposal = contract.newProposal('Put', { arguments: ['greeting', 'hello'] });
        const transaction = await proposal.endorse();
        const commit = await transaction.submit();
        const status = await commit.getStatus();
        assert.equal(status.successful, true, `validation code ${status.code}`);
      } finally {
        connection.close();
      }
      assert.equal(await evaluate(topology, 1, 'Get', 'greeting'), 'hello');
    });

    it('keeps its ledger across down and up', async function () {
      await down(stateDir!, false);
      await up(home, { stateDir }, log);
      assert.equal(await evaluate(topology, 1, 'Get', 'greeting'), 'hello');
    });

    it('upgrades the chaincode to sequence 2 while the network runs', async function () {
      await deploy(stateDir!, '2.0.0');
      const { manifest } = loadNetwork(stateDir!);
      assert.equal(
        manifest.chaincodes.find((chaincode) => chaincode.name === CHAINCODE)?.sequence,
        2,
      );
      assert.equal(await evaluate(topology, 0, 'Get', 'greeting'), 'hello');
    });

    it('lets the plain peer CLI list the channel with the env exports', async function () {
      const exports = adminExports(home, topology, 'Org2', 0);
      const { stdout } = await run('bash', ['-c', `${exports}\npeer channel list`]);
      assert.match(stdout, new RegExp(`^${topology.options.channel}$`, 'm'));
    });
  });
}
