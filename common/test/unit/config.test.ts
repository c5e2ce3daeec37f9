import assert from 'node:assert/strict';

import { z } from 'zod';

import { ConfigError, env, loadConfig } from '../../src/config/env';

const schema = z.object({
  PORT: env.port(8080),
  KAFKA_BROKERS: env.list(),
  ASYNC_ENABLED: env.flag(true),
  LOG_LEVEL: env.logLevel(),
  DAPP_URL: env.url().optional(),
});

describe('configuration from environment variables', function () {
  it('applies defaults and converts types', function () {
    assert.deepEqual(loadConfig('svc', schema, {}), {
      PORT: 8080,
      KAFKA_BROKERS: [],
      ASYNC_ENABLED: true,
      LOG_LEVEL: 'info',
      DAPP_URL: undefined,
    });
    const config = loadConfig('svc', schema, {
      PORT: '9000',
      KAFKA_BROKERS: 'a:9092, b:9092,',
      ASYNC_ENABLED: 'no',
      LOG_LEVEL: 'debug',
      DAPP_URL: 'http://127.0.0.1:8080',
    });
    assert.equal(config.PORT, 9000);
    assert.deepEqual(config.KAFKA_BROKERS, ['a:9092', 'b:9092']);
    assert.equal(config.ASYNC_ENABLED, false);
  });

  it('treats an empty variable as unset', function () {
    assert.equal(loadConfig('svc', schema, { PORT: '  ' }).PORT, 8080);
  });

  it('reports every bad variable at once, by name and value', function () {
    assert.throws(
      () =>
        loadConfig('dapp', schema, {
          PORT: '70000',
          ASYNC_ENABLED: 'maybe',
          DAPP_URL: 'not a url',
        }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.equal(error.problems.length, 3);
        assert.match(error.message, /^dapp: invalid configuration/);
        assert.match(error.message, /PORT: .*\(got '70000'\)/);
        assert.match(error.message, /ASYNC_ENABLED: expected true or false \(got 'maybe'\)/);
        assert.match(error.message, /DAPP_URL: .*\(got 'not a url'\)/);
        return true;
      },
    );
  });
});
