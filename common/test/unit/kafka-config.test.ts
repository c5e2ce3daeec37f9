// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { z } from 'zod';

import { kafkaClientConfig, kafkaClientVariables } from '../../src/config/kafka';
import { loadConfig } from '../../src/config/env';

const schema = z.object({ ...kafkaClientVariables() });
const read = (variables: NodeJS.ProcessEnv) => loadConfig('test', schema, variables);
const client = { brokers: ['127.0.0.1:9093'], clientId: 'test' };

describe("Kafka clients' configuration", function () {
  it('is plaintext without any variable', function () {
    const config = kafkaClientConfig(read({}), client);
    assert.equal(config.ssl, undefined);
    assert.equal(config.sasl, undefined);
    assert.deepEqual(config.brokers, ['127.0.0.1:9093']);
  });

  it('uses TLS with the given CA and SCRAM credentials', function () {
    const ca = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kafka-ca-')), 'ca.crt');
    fs.writeFileSync(ca, 'PEM');
    const config = kafkaClientConfig(
      read({
        KAFKA_SSL_CA_FILE: ca,
        KAFKA_SASL_MECHANISM: 'scram-sha-512',
        KAFKA_SASL_USERNAME: 'dapp',
        KAFKA_SASL_PASSWORD: 'secret',
      }),
      client,
    );
    assert.deepEqual(config.ssl, { ca: ['PEM'] });
    assert.deepEqual(config.sasl, {
      mechanism: 'scram-sha-512',
      username: 'dapp',
      password: 'secret',
    });
  });

  it('refuses credentials without TLS, incomplete credentials and an unknown mechanism', function () {
    const credentials = {
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'dapp',
      KAFKA_SASL_PASSWORD: 'secret',
    };
    assert.throws(() => kafkaClientConfig(read(credentials), client), /without TLS/);
    assert.throws(
      () =>
        kafkaClientConfig(
          read({
            KAFKA_SSL: 'true',
            KAFKA_SASL_MECHANISM: 'scram-sha-512',
            KAFKA_SASL_USERNAME: 'd',
          }),
          client,
        ),
      /needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD/,
    );
    assert.throws(
      () => kafkaClientConfig(read({ KAFKA_SSL: 'true', KAFKA_SASL_USERNAME: 'd' }), client),
      /KAFKA_SASL_MECHANISM is not/,
    );
    assert.throws(() => read({ KAFKA_SASL_MECHANISM: 'gssapi' }), /KAFKA_SASL_MECHANISM/);
    assert.throws(
      () => kafkaClientConfig(read({ KAFKA_SSL_CA_FILE: '/nonexistent/ca.crt' }), client),
      /KAFKA_SSL_CA_FILE \/nonexistent\/ca.crt cannot be read/,
    );
  });
});
