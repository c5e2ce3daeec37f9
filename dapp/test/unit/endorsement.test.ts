// SPDX-License-Identifier: Apache-2.0
// Which organizations endorse a call carrying private data. The planner is checked directly, and
// the real FabricSubmitter is checked over real gRPC against a minimal Gateway service (not a
// Fabric peer) that records what the fabric-gateway client asks for: the endorsing organizations
// and the transient fields each proposal carries. The same calls on a real network are in
// test/integration/private-details.test.ts.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';

import * as grpc from '@grpc/grpc-js';
import { gateway, peer } from '@hyperledger/fabric-protos';

import { planSubmit, withStagedHash } from '../../src/fabric/endorsement';
import { FabricSubmitter } from '../../src/fabric/fabric-submitter';
import { GatewayPool } from '../../src/fabric/gateway-pool';
import type { SigningIdentity } from '../../src/fabric/identity';
import type { TransactionCall } from '../../src/fabric/submitter';

const DETAILS = JSON.stringify({ appraisedValue: 900 });

function call(overrides: Partial<TransactionCall>): TransactionCall {
  return {
    channel: 'consortium',
    chaincode: 'consortia',
    transactionName: 'AssetContract:CreateAsset',
    args: ['asset-1', 'container', 'alice', '{}'],
    transient: {},
    requestId: 'key:req-1',
    correlationId: 'corr-1',
    ...overrides,
  };
}

describe('endorsers for calls with private data', function () {
  it('stages private details on the signer organization alone, then names only their hash', function () {
    const plan = planSubmit(call({ transient: { privateDetails: DETAILS } }), 'Org1MSP');
    assert.ok(plan.stage);
    assert.equal(plan.stage.call.transactionName, 'AssetContract:StageAssetPrivateDetails');
    assert.deepEqual(plan.stage.call.args, ['asset-1']);
    assert.deepEqual(plan.stage.call.transient, { privateDetails: DETAILS });
    assert.deepEqual(plan.stage.endorsingOrganizations, ['Org1MSP']);
    assert.equal(plan.stage.call.requestId, '', 'the stage is not the request transaction');
    assert.equal(plan.stage.call.correlationId, undefined);

    assert.deepEqual(plan.main.call.transient, {}, 'the details never go to the consortium');
    assert.equal(plan.main.endorsingOrganizations, undefined, 'the gateway meets the policy');
    const main = withStagedHash(plan, 'ab'.repeat(32));
    assert.deepEqual(main.transient, { privateDetailsHash: 'ab'.repeat(32) });
    assert.equal(main.requestId, 'key:req-1');
  });

  it('keeps other caller transient data on the signer organization, and stages UpdateAsset too', function () {
    const other = planSubmit(
      call({
        transactionName: 'AssetContract:StageAssetPrivateDetails',
        args: ['a'],
        transient: { privateDetails: DETAILS },
      }),
      'Org2MSP',
    );
    assert.equal(other.stage, undefined);
    assert.deepEqual(other.main.endorsingOrganizations, ['Org2MSP']);

    const update = planSubmit(
      call({
        transactionName: 'AssetContract:UpdateAsset',
        args: ['a', '{}', 'ACTIVE', ''],
        transient: { privateDetails: DETAILS, secretNote: 'x' },
      }),
      'Org1MSP',
    );
    assert.ok(update.stage);
    assert.deepEqual(update.main.endorsingOrganizations, ['Org1MSP'], 'secretNote stays home');
  });

  it('leaves calls without caller transient data to the gateway, and honours an explicit choice', function () {
    assert.equal(planSubmit(call({}), 'Org1MSP').main.endorsingOrganizations, undefined);
    // A caller that staged the details itself names only their hash, which is not secret.
    const named = planSubmit(
      call({ transient: { privateDetailsHash: 'ab'.repeat(32) } }),
      'Org1MSP',
    );
    assert.equal(named.stage, undefined);
    assert.equal(named.main.endorsingOrganizations, undefined);
    const explicit = planSubmit(
      call({
        transient: { privateDetails: DETAILS },
        endorsingOrganizations: ['Org1MSP', 'Org2MSP'],
      }),
      'Org1MSP',
    );
    assert.equal(explicit.stage, undefined);
    assert.deepEqual(explicit.main.endorsingOrganizations, ['Org1MSP', 'Org2MSP']);
  });
});

interface Recorded {
  function: string;
  organizations: string[];
  transient: Record<string, string>;
}

function decodeProposal(signed: peer.SignedProposal | undefined): Omit<Recorded, 'organizations'> {
  const proposal = peer.Proposal.deserializeBinary(
    signed?.getProposalBytes_asU8() ?? new Uint8Array(),
  );
  const payload = peer.ChaincodeProposalPayload.deserializeBinary(proposal.getPayload_asU8());
  const spec = peer.ChaincodeInvocationSpec.deserializeBinary(payload.getInput_asU8());
  const [name] = spec.getChaincodeSpec()?.getInput()?.getArgsList_asU8() ?? [];
  const transient: Record<string, string> = {};
  payload.getTransientmapMap().forEach((value, key) => {
    transient[key] = Buffer.from(value).toString('utf8');
  });
  return { function: Buffer.from(name ?? []).toString('utf8'), transient };
}

/** A Gateway service that records each request and refuses every endorsement. */
function startRecordingGateway(): Promise<{ server: grpc.Server; port: number; seen: Recorded[] }> {
  const seen: Recorded[] = [];
  const server = new grpc.Server();
  server.addService(gateway.GatewayService, {
    endorse: (
      rpc: grpc.ServerUnaryCall<gateway.EndorseRequest, gateway.EndorseResponse>,
      callback: grpc.sendUnaryData<gateway.EndorseResponse>,
    ) => {
      seen.push({
        ...decodeProposal(rpc.request.getProposedTransaction()),
        organizations: rpc.request.getEndorsingOrganizationsList(),
      });
      callback({ code: grpc.status.ABORTED, details: 'recorded, not endorsed' });
    },
    evaluate: (
      rpc: grpc.ServerUnaryCall<gateway.EvaluateRequest, gateway.EvaluateResponse>,
      callback: grpc.sendUnaryData<gateway.EvaluateResponse>,
    ) => {
      seen.push({
        ...decodeProposal(rpc.request.getProposedTransaction()),
        organizations: rpc.request.getTargetOrganizationsList(),
      });
      const result = new peer.Response();
      result.setStatus(200);
      result.setPayload(Buffer.from('{}'));
      const response = new gateway.EvaluateResponse();
      response.setResult(result);
      callback(null, response);
    },
  });
  return new Promise((resolve, reject) => {
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, port) => {
      if (error) reject(error);
      else resolve({ server, port, seen });
    });
  });
}

function identity(name: string, mspId: string): [string, SigningIdentity] {
  const { privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return [name, { name, mspId, certificate: Buffer.from('not checked'), privateKey }];
}

describe('FabricSubmitter names the endorsing organizations (fake Gateway service, no Fabric)', function () {
  let fake: Awaited<ReturnType<typeof startRecordingGateway>>;
  let submitter: FabricSubmitter;

  before(async function () {
    fake = await startRecordingGateway();
    submitter = new FabricSubmitter(
      new GatewayPool({
        endpoints: [`127.0.0.1:${fake.port}`],
        identities: new Map([identity('default', 'Org1MSP'), identity('partner', 'Org2MSP')]),
        timeouts: { evaluateMs: 2_000, endorseMs: 2_000, submitMs: 2_000, commitMs: 2_000 },
      }),
    );
  });

  beforeEach(function () {
    fake.seen.length = 0;
  });

  after(function () {
    submitter.close();
    fake.server.forceShutdown();
  });

  it('sends private details only in a proposal endorsed by the signer organization', async function () {
    await assert.rejects(submitter.submit(call({ transient: { privateDetails: DETAILS } })));
    assert.deepEqual(fake.seen, [
      {
        function: 'AssetContract:StageAssetPrivateDetails',
        organizations: ['Org1MSP'],
        transient: { privateDetails: DETAILS },
      },
    ]);

    fake.seen.length = 0;
    await assert.rejects(
      submitter.submit(
        call({
          identity: 'partner',
          transactionName: 'AssetContract:UpdateAsset',
          args: ['asset-1', '{}', 'ACTIVE', ''],
          transient: { privateDetails: DETAILS },
        }),
      ),
    );
    assert.deepEqual(fake.seen[0]?.organizations, ['Org2MSP']);
    assert.equal(fake.seen[0]?.transient.privateDetails, DETAILS);
  });

  it('lets the gateway choose when only the request and correlation ids are transient', async function () {
    await assert.rejects(submitter.submit(call({})));
    assert.deepEqual(fake.seen, [
      {
        function: 'AssetContract:CreateAsset',
        organizations: [],
        transient: { requestId: 'key:req-1', correlationId: 'corr-1' },
      },
    ]);
  });

  it('reads on a peer of the signer organization', async function () {
    await submitter.evaluate({
      channel: 'consortium',
      chaincode: 'consortia',
      transactionName: 'AssetContract:ReadAssetPrivateDetails',
      args: ['asset-1'],
      transient: {},
      identity: 'partner',
    });
    assert.deepEqual(fake.seen[0]?.organizations, ['Org2MSP']);
  });
});
