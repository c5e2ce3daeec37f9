// SPDX-License-Identifier: Apache-2.0
// Private details through the DAPP on the real network: one DAPP per organization, each on its
// own organization's peers. Org1 creates, updates and transfers an asset with private details;
// each organization reads them back only while it owns them, and the ledger shows that the
// transactions carrying the details were endorsed by the owner organization alone, while the
// public writes were endorsed as the chaincode's MAJORITY policy requires. Skipped, with the
// reason logged, where the Fabric binaries cannot be installed.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import type { Database } from '@consortia/common';
import { createLogger } from '@consortia/common';
import { openGateway, readMspIdentity } from '@consortia/common/fabric';
import { HOST, orgTlsCaFile, orgUserDir } from '@consortia/network';
import type { Org } from '@consortia/network';
import { common, msp, peer } from '@hyperledger/fabric-protos';

import { readConfig } from '../../src/config';
import { hashApiKey } from '../../src/http/auth';
import type { RunningService } from '../../src/service';
import { startService } from '../../src/service';
import type { DappNetwork } from '../support/fabric';
import { CHAINCODE, dappEnv, log, skipWithoutNetwork, startDappNetwork } from '../support/fabric';
import type { DappAnswer } from '../support/http';
import { callDapp } from '../support/http';
import { startPostgres, tempDir } from '../support/infra';

interface Dapp {
  service: RunningService;
  base: string;
  apiKey: string;
}

interface LedgerTransaction {
  txId: string;
  event: string;
  payload: Record<string, unknown>;
  endorsers: string[];
}

const canonicalHash = (json: string) => crypto.createHash('sha256').update(json).digest('hex');

describe('private details through the DAPP on a real Fabric network (two orgs, one DAPP each)', function () {
  this.timeout(900_000);
  let network: DappNetwork | undefined;
  let database: Database | undefined;
  let org1: Dapp | undefined;
  let org2: Dapp | undefined;
  let org2Info: Org;
  let channel: string;
  const assetId = `PRIV-${crypto.randomBytes(4).toString('hex')}`;

  function call(dapp: Dapp | undefined, route: string, body: unknown): Promise<DappAnswer> {
    assert.ok(dapp);
    const chaincodeRoute = `/v1/channels/${channel}/chaincodes/${CHAINCODE}/${route}`;
    return callDapp(dapp.base, dapp.apiKey, 'POST', chaincodeRoute, body);
  }

  const submit = (dapp: Dapp | undefined, fn: string, args: string[], transient?: unknown) =>
    call(dapp, 'transactions', { function: `AssetContract:${fn}`, args, transient, mode: 'sync' });
  const readDetails = (dapp: Dapp | undefined) =>
    call(dapp, 'queries', { function: 'AssetContract:ReadAssetPrivateDetails', args: [assetId] });

  async function startDapp(name: string, env: NodeJS.ProcessEnv): Promise<Dapp> {
    assert.ok(database);
    const key = await hashApiKey(name);
    const service = await startService(
      readConfig({
        ...env,
        HOST: '127.0.0.1',
        PORT: '0',
        LOG_LEVEL: 'warn',
        DATABASE_URL: database.connectionString,
        DAPP_API_KEYS: key.entry,
        DAPP_IN_PROCESS_WORKER: 'false',
      }),
      createLogger(`dapp-${name}`, 'warn'),
      'serve',
    );
    return { service, base: `http://127.0.0.1:${service.port}`, apiKey: key.key };
  }

  /**
   * The asset's transactions in the blocks up to `lastBlock`, read from a peer of Org1 with the
   * chaincode event that names the asset and the MSP ids of the endorsers.
   */
  async function ledgerTransactions(
    firstBlock: bigint,
    lastBlock: bigint,
  ): Promise<LedgerTransaction[]> {
    assert.ok(network);
    const { topology, org } = network;
    const { gateway, close } = openGateway(
      {
        address: `${HOST}:${org.peers[0]?.port}`,
        tlsCaCertificate: fs.readFileSync(orgTlsCaFile(topology, org)),
      },
      readMspIdentity(org.mspId, path.join(orgUserDir(topology, org), 'msp')),
    );
    const found: LedgerTransaction[] = [];
    try {
      const contract = gateway.getNetwork(channel).getContract('qscc');
      for (let number = firstBlock; number <= lastBlock; number += 1n) {
        const bytes = await contract.evaluateTransaction(
          'GetBlockByNumber',
          channel,
          number.toString(),
        );
        for (const envelopeBytes of common.Block.deserializeBinary(bytes)
          .getData()
          ?.getDataList_asU8() ?? []) {
          const transaction = decodeTransaction(envelopeBytes);
          if (transaction && transaction.payload.assetId === assetId) found.push(transaction);
        }
      }
    } finally {
      close();
    }
    return found;
  }

  before(async function () {
    skipWithoutNetwork(this);
    network = await startDappNetwork(log);
    channel = network.topology.options.channel;
    const second = network.topology.orgs.find(
      (candidate) => candidate.mspId !== network?.org.mspId,
    );
    assert.ok(second, 'the shared network has a second organization');
    org2Info = second;
    database = await startPostgres(tempDir('private-details'));
    org1 = await startDapp('org1-portal', network.env);
    org2 = await startDapp('org2-portal', {
      ...dappEnv(network.topology, org2Info),
      KAFKA_BROKERS: network.env.KAFKA_BROKERS,
    });
  });

  after(async function () {
    await org1?.service.stop();
    await org2?.service.stop();
    await database?.stop();
    await network?.stop();
  });

  const firstDetails = { appraisedValue: 900 };
  const secondDetails = { appraisedValue: 950, currency: 'EUR' };
  const org2Details = { appraisedValue: 1000, inspector: 'carol' };
  let firstBlock = 0n;
  let lastBlock = 0n;

  it('creates an asset with private details that only Org1 can read', async function () {
    const created = await submit(
      org1,
      'CreateAsset',
      [assetId, 'container', 'alice', '{"color":"blue"}'],
      {
        privateDetails: firstDetails,
      },
    );
    assert.equal(created.status, 200, JSON.stringify(created.body));
    assert.equal(created.body.validationCode, 'VALID');
    const asset = created.body.result as { privateDetailsHash: string; owner: { mspId: string } };
    assert.equal(asset.privateDetailsHash, canonicalHash('{"appraisedValue":900}'));
    assert.equal(asset.owner.mspId, 'Org1MSP');
    lastBlock = BigInt(String(created.body.blockNumber));
    // The stage committed in an earlier block, before the creation was endorsed.
    firstBlock = lastBlock > 10n ? lastBlock - 10n : 0n;

    const mine = await readDetails(org1);
    assert.equal(mine.status, 200, JSON.stringify(mine.body));
    assert.deepEqual((mine.body.result as { details: unknown }).details, firstDetails);
    const theirs = await readDetails(org2);
    assert.equal(theirs.status, 403, JSON.stringify(theirs.body));
  });

  it('updates them, and Org2 still cannot read them', async function () {
    const updated = await submit(
      org1,
      'UpdateAsset',
      [assetId, '{"color":"red"}', 'ACTIVE', 'alice'],
      {
        privateDetails: secondDetails,
      },
    );
    assert.equal(updated.status, 200, JSON.stringify(updated.body));
    assert.equal(
      (updated.body.result as { privateDetailsHash: string }).privateDetailsHash,
      canonicalHash('{"appraisedValue":950,"currency":"EUR"}'),
    );
    lastBlock = BigInt(String(updated.body.blockNumber));
    assert.deepEqual(
      ((await readDetails(org1)).body.result as { details: unknown }).details,
      secondDetails,
    );
    assert.equal((await readDetails(org2)).status, 403);
  });

  it('transfers the asset to Org2, which then records and reads its own details', async function () {
    const moved = await submit(org1, 'TransferAsset', [assetId, org2Info.mspId, 'carol', 'alice']);
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
    assert.equal((moved.body.result as { privateDetailsHash: string }).privateDetailsHash, '');
    assert.equal((await readDetails(org1)).status, 403, 'Org1 no longer owns the asset');
    assert.equal((await readDetails(org2)).status, 404, 'Org2 has no details of Org1');

    const recorded = await submit(
      org2,
      'UpdateAsset',
      [assetId, '{"color":"red"}', 'RECEIVED', 'carol'],
      {
        privateDetails: org2Details,
      },
    );
    assert.equal(recorded.status, 200, JSON.stringify(recorded.body));
    lastBlock = BigInt(String(recorded.body.blockNumber));
    assert.deepEqual(
      ((await readDetails(org2)).body.result as { details: unknown }).details,
      org2Details,
    );
    assert.equal((await readDetails(org1)).status, 403);

    // Anyone can check claimed details against the public hash.
    const verified = await call(org1, 'queries', {
      function: 'AssetContract:VerifyAssetPrivateDetails',
      args: [assetId, JSON.stringify(org2Details)],
    });
    assert.equal(verified.body.result, true);
  });

  it('sent the details only to the owner organization, and the public writes to the consortium', async function () {
    const transactions = await ledgerTransactions(firstBlock, lastBlock);
    const summary = transactions.map((tx) => [
      tx.event,
      tx.payload.mspId ?? '',
      tx.endorsers.join('+'),
    ]);
    log(`ledger: ${JSON.stringify(summary)}`);
    assert.deepEqual(summary, [
      ['AssetPrivateDetailsStaged', 'Org1MSP', 'Org1MSP'],
      ['AssetCreated', '', 'Org1MSP+Org2MSP'],
      ['AssetPrivateDetailsStaged', 'Org1MSP', 'Org1MSP'],
      ['AssetUpdated', '', 'Org1MSP+Org2MSP'],
      ['AssetTransferred', '', 'Org1MSP+Org2MSP'],
      ['AssetPrivateDetailsStaged', 'Org2MSP', 'Org2MSP'],
      ['AssetUpdated', '', 'Org1MSP+Org2MSP'],
    ]);
  });

  it('lets Org1 purge the details it kept of the asset it gave away', async function () {
    for (const json of ['{"appraisedValue":900}', '{"appraisedValue":950,"currency":"EUR"}']) {
      const purged = await submit(org1, 'PurgeAssetPrivateDetails', [assetId, canonicalHash(json)]);
      assert.equal(purged.status, 200, JSON.stringify(purged.body));
    }
    const refused = await submit(org2, 'PurgeAssetPrivateDetails', [
      assetId,
      canonicalHash(JSON.stringify(org2Details)),
    ]);
    assert.equal(refused.status, 400, JSON.stringify(refused.body));
  });
});

/** An endorser transaction's chaincode event (name, JSON payload) and its endorsers' MSP ids. */
function decodeTransaction(envelopeBytes: Uint8Array): LedgerTransaction | undefined {
  const envelope = common.Envelope.deserializeBinary(envelopeBytes);
  const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
  const header = common.ChannelHeader.deserializeBinary(
    payload.getHeader()?.getChannelHeader_asU8() ?? new Uint8Array(),
  );
  if (header.getType() !== common.HeaderType.ENDORSER_TRANSACTION) return undefined;
  const transaction = peer.Transaction.deserializeBinary(payload.getData_asU8());
  const action = transaction.getActionsList()[0];
  if (!action) return undefined;
  const actionPayload = peer.ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8());
  const endorsed = actionPayload.getAction();
  if (!endorsed) return undefined;
  const response = peer.ProposalResponsePayload.deserializeBinary(
    endorsed.getProposalResponsePayload_asU8(),
  );
  const chaincodeAction = peer.ChaincodeAction.deserializeBinary(response.getExtension_asU8());
  const eventBytes = chaincodeAction.getEvents_asU8();
  if (eventBytes.length === 0) return undefined;
  const event = peer.ChaincodeEvent.deserializeBinary(eventBytes);
  let eventPayload: Record<string, unknown>;
  try {
    eventPayload = JSON.parse(Buffer.from(event.getPayload_asU8()).toString('utf8')) as Record<
      string,
      unknown
    >;
  } catch {
    return undefined;
  }
  const assetId =
    typeof eventPayload.assetId === 'string'
      ? eventPayload.assetId
      : (eventPayload.asset as { id?: string } | undefined)?.id;
  const endorsers = endorsed
    .getEndorsementsList()
    .map((endorsement) =>
      msp.SerializedIdentity.deserializeBinary(endorsement.getEndorser_asU8()).getMspid(),
    );
  return {
    txId: header.getTxId(),
    event: event.getEventName(),
    payload: { ...eventPayload, assetId },
    endorsers: [...new Set(endorsers)].sort(),
  };
}
