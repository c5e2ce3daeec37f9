// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';

import type { LocalCredentials } from '../../src/services/local-services';
import { localServices } from '../../src/services/local-services';
import { parseNetworkOptions } from '../../src/topology/options';
import { buildTopology } from '../../src/topology/topology';

describe('service workspaces configuration', function () {
  const kafka = buildTopology(parseNetworkOptions({ stateDir: '/s', peersPerOrg: 2 }, {}));
  const raft = buildTopology(parseNetworkOptions({ stateDir: '/s', consensus: 'etcdraft' }, {}));
  const credentials: LocalCredentials = {
    dapp: { key: 'local.key', entry: 'local:salt:hash' },
    appApiJwtSecret: 'jwt-secret',
    explorer: {
      user: 'operator',
      password: 'password',
      passwordHash: 'scrypt:hash',
      sessionSecret: 'session-secret',
    },
    kafka: {
      dapp: { username: 'dapp', password: 'dapp-password' },
      datasync: { username: 'datasync', password: 'datasync-password' },
    },
  };

  it('gives the services a host name to check the peers against, never an IP (DEP0123)', function () {
    for (const service of localServices(kafka, 'consortia', credentials)) {
      assert.equal(service.env.FABRIC_TLS_SERVER_NAME, 'localhost', service.name);
    }
  });

  it("points the services at org 1's peers, first user and the channel", function () {
    const [dapp, datasync] = localServices(kafka, 'consortia', credentials);
    assert.equal(dapp?.url, 'http://127.0.0.1:8100');
    assert.equal(datasync?.url, 'http://127.0.0.1:8101');
    for (const service of [dapp, datasync]) {
      assert.equal(service.env.FABRIC_MSP_ID, 'Org1MSP');
      assert.equal(service.env.FABRIC_CHANNEL, 'consortium');
      assert.equal(service.env.FABRIC_CHAINCODE, 'consortia');
      assert.equal(service.env.FABRIC_PEER_ENDPOINTS, '127.0.0.1:7100,127.0.0.1:7110');
      assert.match(
        service.env.FABRIC_CERT_FILE ?? '',
        /User1@org1\.consortia\.local\/msp\/signcerts\//,
      );
      // the services' listener, not the orderers' plaintext one
      assert.equal(service.env.KAFKA_BROKERS, '127.0.0.1:7092');
      assert.equal(service.env.KAFKA_SSL_CA_FILE, '/s/kafka/client-listener/ca.crt');
      assert.equal(service.env.KAFKA_SASL_MECHANISM, 'scram-sha-512');
    }
    // each with its own user
    assert.equal(dapp?.env.KAFKA_SASL_USERNAME, 'dapp');
    assert.equal(dapp?.env.KAFKA_SASL_PASSWORD, 'dapp-password');
    assert.equal(datasync?.env.KAFKA_SASL_USERNAME, 'datasync');
    assert.equal(datasync?.env.KAFKA_SASL_PASSWORD, 'datasync-password');
    assert.equal(dapp?.env.DAPP_API_KEYS, 'local:salt:hash');
    assert.equal(dapp?.env.DAPP_EMBEDDED_PG_PORT, '8110');
    assert.equal(datasync?.env.DATASYNC_DATA_DIR, '/s/services/datasync/postgres');
  });

  it('gives the app-api and the explorer the mirror, and the app-api the DAPP', function () {
    const [, , appApi, explorer] = localServices(kafka, 'consortia', credentials);
    assert.equal(appApi?.url, 'http://127.0.0.1:8102');
    assert.equal(explorer?.url, 'http://127.0.0.1:8103');
    assert.match(appApi?.env.MIRROR_DATABASE_URL ?? '', /@127\.0\.0\.1:8111\/datasync$/);
    assert.equal(explorer?.env.DATABASE_URL, appApi?.env.MIRROR_DATABASE_URL);
    assert.equal(appApi?.env.DAPP_URL, 'http://127.0.0.1:8100');
    assert.equal(appApi?.env.DAPP_API_KEY, 'local.key');
    assert.equal(appApi?.env.APP_API_JWT_SECRET, 'jwt-secret');
    assert.equal(explorer?.env.EXPLORER_OPERATOR_PASSWORD_HASH, 'scrypt:hash');
    assert.match(
      explorer?.env.PEER_OPERATIONS_URLS ?? '',
      /peer0\.org1=http:\/\/127\.0\.0\.1:7102/,
    );
  });

  it('gives Kafka credentials to the DAPP and datasync only', function () {
    const [, , appApi, explorer] = localServices(kafka, 'consortia', credentials);
    for (const service of [appApi!, explorer!]) {
      assert.equal(service.env.KAFKA_BROKERS, undefined);
      assert.equal(service.env.KAFKA_SASL_PASSWORD, undefined);
    }
    assert.throws(
      () => localServices(kafka, 'consortia', { ...credentials, kafka: undefined }),
      /Kafka client credentials of \/s are missing/,
    );
  });

  it("on a network of CAs, has the DAPP enroll users at org 1's intermediate CA, and the app-api ask it to", function () {
    const [dapp, , appApi] = localServices(kafka, 'consortia', credentials);
    assert.equal(dapp?.env.FABRIC_CA_URL, 'https://127.0.0.1:7004');
    assert.equal(dapp?.env.FABRIC_CA_TLS_SERVER_NAME, 'localhost');
    assert.match(
      dapp?.env.FABRIC_CA_REGISTRAR_CERT_FILE ?? '',
      /-registrar\/msp\/signcerts\/cert\.pem$/,
    );
    assert.match(dapp?.env.FABRIC_IDENTITY_KEKS ?? '', /^k1:[A-Za-z0-9+/]{43}=$/);
    assert.equal(appApi?.env.APP_API_USER_IDENTITIES, 'true');
    const cryptogen = buildTopology(
      parseNetworkOptions({ stateDir: '/s', crypto: 'cryptogen' }, {}),
    );
    const [plainDapp, , plainApi] = localServices(cryptogen, 'consortia', credentials);
    assert.equal(plainDapp?.env.FABRIC_CA_URL, undefined);
    assert.equal(plainDapp?.env.FABRIC_IDENTITY_KEKS, undefined);
    assert.equal(plainApi?.env.APP_API_USER_IDENTITIES, undefined);
  });

  it('leaves Kafka out under Raft ordering, which runs no broker', function () {
    for (const service of localServices(raft, 'consortia', credentials)) {
      assert.equal(service.env.KAFKA_BROKERS, undefined);
    }
  });
});
