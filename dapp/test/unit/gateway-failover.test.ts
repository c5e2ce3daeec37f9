// SPDX-License-Identifier: Apache-2.0
// Peer failover of the real FabricSubmitter over real gRPC: the first configured peer does not
// listen, the second is a minimal Gateway service (not a Fabric peer: it answers Evaluate with
// fixed bytes) so that the client side, connections and failover, can run without Fabric.
// The full submit path against real peers is in test/integration/fabric-network.test.ts.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';

import * as grpc from '@grpc/grpc-js';
import { gateway, peer } from '@hyperledger/fabric-protos';

import { FabricFailure } from '../../src/fabric/errors';
import { FabricSubmitter } from '../../src/fabric/fabric-submitter';
import { GatewayPool } from '../../src/fabric/gateway-pool';
import type { SigningIdentity } from '../../src/fabric/identity';
import { freePort } from '../support/infra';

const METADATA = { contracts: { TokenContract: { transactions: [{ name: 'TotalSupply' }] } } };

function identity(): SigningIdentity {
  const { privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { name: 'default', mspId: 'Org1MSP', certificate: Buffer.from('not checked'), privateKey };
}

function startFakeGateway(): Promise<{
  server: grpc.Server;
  port: number;
  evaluations: () => number;
}> {
  let evaluations = 0;
  const server = new grpc.Server();
  server.addService(gateway.GatewayService, {
    evaluate: (
      _call: grpc.ServerUnaryCall<gateway.EvaluateRequest, gateway.EvaluateResponse>,
      callback: grpc.sendUnaryData<gateway.EvaluateResponse>,
    ) => {
      evaluations += 1;
      const result = new peer.Response();
      result.setStatus(200);
      result.setPayload(Buffer.from(JSON.stringify(METADATA)));
      const response = new gateway.EvaluateResponse();
      response.setResult(result);
      callback(null, response);
    },
  });
  return new Promise((resolve, reject) => {
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, port) => {
      if (error) reject(error);
      else resolve({ server, port, evaluations: () => evaluations });
    });
  });
}

function pool(endpoints: string[]): GatewayPool {
  return new GatewayPool({
    endpoints,
    identities: new Map([['default', identity()]]),
    timeouts: { evaluateMs: 2_000, endorseMs: 2_000, submitMs: 2_000, commitMs: 2_000 },
  });
}

describe('peer failover over real gRPC (fake Gateway service, no Fabric)', function () {
  let fake: Awaited<ReturnType<typeof startFakeGateway>>;
  let downPort: number;

  before(async function () {
    fake = await startFakeGateway();
    downPort = await freePort();
  });

  after(function () {
    fake.server.forceShutdown();
  });

  it('reads through the next peer when the first does not answer, then prefers it', async function () {
    const submitter = new FabricSubmitter(
      pool([`127.0.0.1:${downPort}`, `127.0.0.1:${fake.port}`]),
    );
    try {
      assert.deepEqual(await submitter.metadata('consortium', 'consortia'), METADATA);
      assert.equal(fake.evaluations(), 1);
      const started = Date.now();
      assert.deepEqual(
        await submitter.evaluate({
          channel: 'consortium',
          chaincode: 'consortia',
          transactionName: 'TokenContract:TotalSupply',
          args: [],
          transient: { note: 'x' },
        }),
        METADATA,
      );
      assert.ok(Date.now() - started < 1_000, 'the down peer is not tried first again');
      assert.equal(await submitter.ready(), true, 'ready with one peer of two');
    } finally {
      submitter.close();
    }
  });

  it('answers 503 when no peer answers, and readiness names each', async function () {
    const otherDown = await freePort();
    const submitter = new FabricSubmitter(
      pool([`127.0.0.1:${downPort}`, `127.0.0.1:${otherDown}`]),
    );
    try {
      await assert.rejects(submitter.metadata('consortium', 'consortia'), (error: unknown) => {
        assert.ok(error instanceof FabricFailure);
        assert.equal(error.httpStatus, 503);
        assert.equal(error.kind, 'unavailable');
        return true;
      });
      const ready = await submitter.ready();
      assert.notEqual(ready, true);
      assert.match(String(ready), new RegExp(`127.0.0.1:${downPort}.*127.0.0.1:${otherDown}`));
    } finally {
      submitter.close();
    }
  });

  it('refuses an empty peer list and an unknown identity', async function () {
    assert.throws(() => pool([]), /FABRIC_PEER_ENDPOINTS lists no peer/);
    const submitter = new FabricSubmitter(pool([`127.0.0.1:${fake.port}`]));
    try {
      await assert.rejects(
        submitter.evaluate({
          channel: 'c',
          chaincode: 'cc',
          transactionName: 'F',
          args: [],
          transient: {},
          identity: 'ghost',
        }),
        /no Fabric identity named 'ghost'/,
      );
    } finally {
      submitter.close();
    }
  });
});
