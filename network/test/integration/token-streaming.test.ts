// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import { openGateway, readMspIdentity } from '@consortia/common/fabric';
import type { Contract } from '@hyperledger/fabric-gateway';
import { EndorseError, StatusCode } from '@hyperledger/fabric-gateway';

import type { TestNetwork } from '../../src/testing';
import { sharedTestNetwork } from '../../src/testing';
import type { Org } from '../../src/topology/topology';
import { HOST, orgAdminMspDir, orgTlsCaFile, orgUserDir } from '../../src/topology/topology';

// The consortium token on the shared real network: an account keeps spending while other
// clients stream payments to it. A debit spends from the account's consolidated balance key and
// reads none of its incoming credits, so a payment committed between the debit's endorsement and
// its validation cannot invalidate it (before, the debit folded the credits with a range read and
// every such payment made it fail with PHANTOM_READ_CONFLICT). Named consolidation, which reads
// each credit as a single key, also commits in the middle of the stream.

interface Client {
  name: string;
  contract: Contract;
  account: string;
  close(): void;
}

function connectAs(network: TestNetwork, org: Org, name: string, msp: string): Client {
  const peer = org.peers[0];
  assert.ok(peer);
  const { gateway, close } = openGateway(
    {
      address: `${HOST}:${peer.port}`,
      tlsCaCertificate: fs.readFileSync(orgTlsCaFile(network.topology, org)),
    },
    readMspIdentity(org.mspId, msp),
    { evaluateMs: 30_000, endorseMs: 60_000, submitMs: 60_000, commitStatusMs: 120_000 },
  );
  const contract = gateway
    .getNetwork(network.topology.options.channel)
    .getContract(network.chaincode, 'TokenContract');
  return {
    name,
    contract,
    account: '',
    close,
  };
}

const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('utf8');

/** Validation codes seen, by name, across every attempt. */
const seen = new Map<string, number>();
const CODE_NAMES = new Map<number, string>(
  Object.entries(StatusCode).map(([name, code]) => [Number(code), name]),
);

/**
 * Submits and waits for the commit. A peer that has not yet committed the caller's previous
 * transaction endorses against stale state (MVCC conflict, or endorsements that disagree); that
 * is retried, as any client does. A phantom read is never retried: it is what this test is about.
 */
async function submit(contract: Contract, name: string, args: string[]): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    try {
      const commit = await contract.submitAsync(name, { arguments: args });
      const status = await commit.getStatus();
      const code = CODE_NAMES.get(status.code) ?? String(status.code);
      seen.set(code, (seen.get(code) ?? 0) + 1);
      if (status.successful) return status.transactionId;
      assert.notEqual(status.code, StatusCode.PHANTOM_READ_CONFLICT, `${name}: phantom read`);
      assert.ok(status.code === StatusCode.MVCC_READ_CONFLICT && attempt < 5, `${name}: ${code}`);
    } catch (error) {
      if (!(error instanceof EndorseError)) throw error;
      const details = error.details.map((detail) => detail.message).join('; ');
      if (attempt >= 5 || /\{"code":/.test(details)) {
        throw new Error(`${name} could not be endorsed: ${details}`, { cause: error });
      }
    }
  }
}

describe('token payments streamed to an account that keeps spending (real network)', function () {
  this.timeout(900_000);
  let network: TestNetwork;
  let clients: Client[] = [];
  let spender: Client;
  let minter: Client;
  let payers: Client[];

  before(async function () {
    network = await sharedTestNetwork();
    const [org1, org2] = network.topology.orgs;
    assert.ok(org1 && org2, 'the shared network has two orgs');
    // Org1's User1 initialized the token, so it mints; four client identities, four accounts.
    minter = connectAs(
      network,
      org1,
      'org1-user',
      path.join(orgUserDir(network.topology, org1), 'msp'),
    );
    spender = connectAs(
      network,
      org2,
      'org2-user',
      path.join(orgUserDir(network.topology, org2), 'msp'),
    );
    payers = [
      connectAs(network, org1, 'org1-admin', orgAdminMspDir(network.topology, org1)),
      connectAs(network, org2, 'org2-admin', orgAdminMspDir(network.topology, org2)),
    ];
    clients = [minter, spender, ...payers];
    for (const client of clients) {
      client.account = text(await client.contract.evaluateTransaction('ClientAccountID'));
    }
    await minter.contract.submitTransaction('Mint', spender.account, '100');
    for (const payer of payers) {
      await minter.contract.submitTransaction('Mint', payer.account, '100');
    }
    // Spend only from consolidated funds: fold what earlier runs and the mint left pending.
    await spender.contract.submitTransaction('Consolidate', '[]');
  });

  after(function () {
    for (const client of clients) client.close();
  });

  it('every debit and a named consolidation commit while payments stream in', async function () {
    let streaming = true;
    const paid: number[] = [];
    const stream = async (payer: Client) => {
      // each payer's own payments go one at a time: its debits are serialized
      while (streaming) {
        await submit(payer.contract, 'Transfer', [spender.account, '0.01']);
        paid.push(Date.now());
      }
    };
    const streams = payers.map(stream);
    const streamed = Promise.all(streams).finally(() => {
      streaming = false;
    });
    // Let the stream start before spending.
    while (paid.length < payers.length) await new Promise((resolve) => setTimeout(resolve, 200));

    const spendStart = Date.now();
    try {
      for (let i = 0; i < 6; i++) {
        await submit(spender.contract, 'Transfer', [minter.account, '1']);
      }
      const pending = JSON.parse(
        text(
          await spender.contract.evaluateTransaction('PendingCredits', spender.account, '100', ''),
        ),
      ) as { records: { txId: string }[] };
      assert.ok(pending.records.length > 0, 'payments were pending');
      await submit(spender.contract, 'Consolidate', [
        JSON.stringify(pending.records.map((credit) => credit.txId)),
      ]);
    } finally {
      streaming = false;
      await streamed;
    }
    const spendEnd = Date.now();
    const during = paid.filter((at) => at > spendStart && at <= spendEnd);
    process.stderr.write(
      `      ${during.length} payments committed while spending; validation codes ${JSON.stringify(Object.fromEntries(seen))}\n`,
    );
    assert.ok(during.length >= 6, `only ${during.length} payments ran alongside the spending`);
    assert.equal(seen.get('PHANTOM_READ_CONFLICT') ?? 0, 0);
  });

  it('sets a minter rule from a JSON array of MSP ids (string[] items arrive quoted)', async function () {
    // the rule the token starts with, so other suites' minting is unaffected
    await submit(minter.contract, 'SetMinterRule', [JSON.stringify([network.org.mspId]), '', '']);
    const info = JSON.parse(text(await minter.contract.evaluateTransaction('GetTokenInfo'))) as {
      minterRule: { mspIds: string[] };
    };
    assert.deepEqual(info.minterRule.mspIds, [network.org.mspId]);
  });
});
