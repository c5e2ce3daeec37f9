// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import crypto from 'node:crypto';

import type { Contract } from '@hyperledger/fabric-gateway';
import { GatewayError } from '@hyperledger/fabric-gateway';

import type { GatewayConnection, TestNetwork } from '../../src/testing';
import { connectGateway, sharedTestNetwork } from '../../src/testing';

// The business chaincode's asset rules on the shared real network, endorsed by both
// organizations: the ledger checks the owner a write was authorized against, request ids are
// told apart by call, and an asset's history comes a bounded page at a time.

const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('utf8');

/** The chaincode's `{"code", ...}` refusal carried by an endorsement failure. */
async function refusal(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  const error = await promise.then(
    () => undefined,
    (failure: unknown) => failure,
  );
  assert.ok(error instanceof GatewayError, `expected a refusal, got ${String(error)}`);
  const message = error.details.map((detail) => detail.message).join('\n');
  const start = message.indexOf('{"code":');
  assert.ok(start >= 0, message);
  return JSON.parse(message.slice(start, message.indexOf('}', start) + 1)) as {
    code: string;
    message: string;
  };
}

describe('assets on the real network: expected owner, request ids, paged history', function () {
  this.timeout(600_000);
  let network: TestNetwork;
  let connection: GatewayConnection;
  let assets: Contract;
  const id = `LEDGER-${crypto.randomUUID().slice(0, 8)}`;

  before(async function () {
    network = await sharedTestNetwork();
    connection = connectGateway(network.topology, network.org);
    assets = connection.gateway
      .getNetwork(network.topology.options.channel)
      .getContract(network.chaincode, 'AssetContract');
    await assets.submitTransaction('CreateAsset', id, 'container', 'alice', '{"n":0}');
  });

  after(function () {
    connection?.close();
  });

  it('lets only the first of two transfers authorized against the same owner commit', async function () {
    await assets.submitTransaction('TransferAsset', id, network.org.mspId, 'bob', 'alice');
    const second = await refusal(
      assets.submitTransaction('TransferAsset', id, network.org.mspId, 'dave', 'alice'),
    );
    assert.equal(second.code, 'OWNER_MISMATCH');
    assert.match(second.message, /owned by bob, not alice/);
    const asset = JSON.parse(text(await assets.evaluateTransaction('ReadAsset', id))) as {
      owner: { ownerId: string };
    };
    assert.equal(asset.owner.ownerId, 'bob');
  });

  it('tells a retried request from a reused request id', async function () {
    const requestId = `ledger-test:${crypto.randomUUID()}`;
    const update = (status: string) =>
      assets.submit('UpdateAsset', {
        arguments: [id, '{"n":1}', status, 'bob'],
        transientData: { requestId },
      });
    const first = assets.newProposal('UpdateAsset', {
      arguments: [id, '{"n":1}', 'ACTIVE', 'bob'],
      transientData: { requestId },
    });
    const committed = await (await first.endorse()).submit();
    assert.equal((await committed.getStatus()).successful, true);
    const again = await refusal(update('ACTIVE'));
    assert.equal(again.code, 'DUPLICATE_REQUEST');
    assert.match(again.message, new RegExp(`transaction ${committed.getTransactionId()}`));
    const reused = await refusal(update('SOLD'));
    assert.equal(reused.code, 'REQUEST_ID_CONFLICT');
  });

  it('pages through the history with a bookmark', async function () {
    for (let n = 2; n <= 4; n++) {
      await assets.submitTransaction('UpdateAsset', id, `{"n":${n}}`, 'ACTIVE', '');
    }
    interface Page {
      records: { txId: string }[];
      bookmark: string;
      fetchedRecordsCount: number;
    }
    const pages: Page[] = [];
    let bookmark = '';
    do {
      const page = JSON.parse(
        text(await assets.evaluateTransaction('GetAssetHistory', id, '2', bookmark)),
      ) as Page;
      assert.ok(page.records.length <= 2);
      assert.equal(page.fetchedRecordsCount, page.records.length);
      pages.push(page);
      bookmark = page.bookmark;
    } while (bookmark !== '');
    const txIds = pages.flatMap((page) => page.records.map((record) => record.txId));
    // create, transfer, update by request id, three updates
    assert.equal(txIds.length, 6);
    assert.equal(new Set(txIds).size, 6);
    assert.equal(pages.length, 3);
    const tooBig = await refusal(assets.evaluateTransaction('GetAssetHistory', id, '101', ''));
    assert.equal(tooBig.code, 'INVALID_ARGUMENT');
  });
});
