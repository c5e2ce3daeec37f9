// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';

import { ConfigError } from '@consortia/common';
import { captureOutput } from '@consortia/common/testing';

import { DEFAULT_WEB_DIR, readConfig } from '../../src/config';
import { errorAnswer, ApiError } from '../../src/http/errors';
import { CursorError } from '../../src/mirror/cursor';
import { UnreachableError } from '../../src/peers/operations';
import { browserUrl } from '../../src/service';
import { main } from '../../src/index';
import { z } from 'zod';

const HASH = `scrypt:16384:8:1:${'a'.repeat(22)}:${'b'.repeat(43)}`;
const LOGIN = {
  EXPLORER_OPERATOR_USER: 'operator',
  EXPLORER_OPERATOR_PASSWORD_HASH: HASH,
  EXPLORER_SESSION_SECRET: 's'.repeat(32),
};

function problems(env: NodeJS.ProcessEnv): string {
  try {
    readConfig(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.message;
  }
  assert.fail('the configuration was accepted');
}

describe('configuration', function () {
  it('has defaults for everything but the mirror and the login', function () {
    const config = readConfig({ DATABASE_URL: 'postgres://x@db/datasync', ...LOGIN });
    assert.equal(config.port, 8080);
    assert.equal(config.defaultChannel, 'consortium');
    assert.deepEqual(config.peerOperationsUrls, []);
    assert.equal(config.demoMode, false);
    assert.equal(config.operator?.user, 'operator');
    assert.equal(config.webDir, DEFAULT_WEB_DIR);
  });

  it('reports every problem at once, each with its fix', function () {
    const message = problems({ PORT: 'eighty', PEER_OPERATIONS_URLS: 'peer0:9443' });
    assert.match(message, /PORT/);
    assert.match(message, /PEER_OPERATIONS_URLS/);
    assert.match(message, /DATABASE_URL or PGHOST/);
    assert.match(message, /EXPLORER_DEMO_MODE=true/);
  });

  it('names the missing half of a login', function () {
    const message = problems({ DATABASE_URL: 'postgres://x@db/d', EXPLORER_OPERATOR_USER: 'op' });
    assert.match(message, /EXPLORER_OPERATOR_PASSWORD_HASH: required/);
    assert.match(message, /EXPLORER_SESSION_SECRET: required/);
    assert.match(
      problems({ DATABASE_URL: 'postgres://x@db/d', ...LOGIN, EXPLORER_SESSION_SECRET: 'short' }),
      /at least 32 bytes/,
    );
    assert.match(
      problems({
        DATABASE_URL: 'postgres://x@db/d',
        ...LOGIN,
        EXPLORER_OPERATOR_PASSWORD_HASH: 'pw',
      }),
      /hash-password/,
    );
  });

  it('builds the mirror URL from libpq variables, and needs no login in demo mode', function () {
    const config = readConfig({
      PGHOST: 'db',
      PGPASSWORD: 'p@ss',
      PGSSLMODE: 'require',
      EXPLORER_DEMO_MODE: 'true',
      PEER_OPERATIONS_URLS: 'peer0.org1=http://peer0:9443/, https://peer1:9443',
    });
    assert.equal(
      config.databaseUrl,
      'postgres://postgres:p%40ss@db:5432/datasync?sslmode=require&uselibpqcompat=true',
    );
    assert.equal(config.operator, undefined);
    assert.deepEqual(config.peerOperationsUrls, [
      { name: 'peer0.org1', url: 'http://peer0:9443' },
      { url: 'https://peer1:9443' },
    ]);
  });

  it('prints the address a browser reaches', function () {
    assert.equal(browserUrl('0.0.0.0', 8080), 'http://127.0.0.1:8080');
    assert.equal(browserUrl('::1', 80), 'http://[::1]:80');
    assert.equal(browserUrl('explorer.local', 80), 'http://explorer.local:80');
  });
});

describe('API error answers', function () {
  it('maps each failure to a status, a code and a sentence', function () {
    const code = (error: unknown) => {
      const { status, body } = errorAnswer(error);
      return [status, body.error.code];
    };
    assert.deepEqual(code(new ApiError(404, 'NOT_FOUND', 'x')), [404, 'NOT_FOUND']);
    assert.deepEqual(code(new CursorError()), [400, 'INVALID_CURSOR']);
    assert.deepEqual(code(z.number().safeParse('x').error), [400, 'INVALID_REQUEST']);
    assert.deepEqual(code(new UnreachableError('http://p', 'refused')), [502, 'NODE_UNREACHABLE']);
    assert.deepEqual(code(Object.assign(new Error('x'), { code: '42P01' })), [
      503,
      'MIRROR_NOT_READY',
    ]);
    assert.deepEqual(code(Object.assign(new Error('x'), { code: '57P01' })), [
      503,
      'MIRROR_UNAVAILABLE',
    ]);
    assert.deepEqual(code(Object.assign(new Error('x'), { code: 'ECONNREFUSED' })), [
      503,
      'MIRROR_UNAVAILABLE',
    ]);
    assert.deepEqual(code(new Error('Connection terminated unexpectedly')), [
      503,
      'MIRROR_UNAVAILABLE',
    ]);
    assert.deepEqual(code({ type: 'entity.parse.failed' }), [400, 'INVALID_JSON']);
    assert.deepEqual(code({ type: 'entity.too.large' }), [413, 'BODY_TOO_LARGE']);
    assert.deepEqual(code({ status: 404 }), [404, 'NOT_FOUND']);
    assert.deepEqual(code(new Error('boom')), [500, 'INTERNAL']);
  });
});

describe('command line', function () {
  /** Runs the command with standard output and error captured, and returns both as one text. */
  async function run(argv: string[]): Promise<{ code: number | undefined; text: string }> {
    const { result, text } = await captureOutput(() => main(argv));
    return { code: result, text };
  }

  it('prints help, secrets and password hashes, and refuses unknown commands', async function () {
    const help = await run(['--help']);
    assert.deepEqual([help.code, /hash-password/.test(help.text)], [0, true]);
    const secret = await run(['session-secret']);
    assert.equal(secret.code, 0);
    assert.ok(secret.text.trim().length >= 43);
    const short = await run(['hash-password', '--password', 'short']);
    assert.deepEqual([short.code, /at least 12 characters/.test(short.text)], [2, true]);
    const hashed = await run(['hash-password', '--password', 'long enough password']);
    assert.deepEqual([hashed.code, /^scrypt\.ln14\./.test(hashed.text)], [0, true]);
    const unknown = await run(['launch']);
    assert.deepEqual([unknown.code, /unknown command 'launch'/.test(unknown.text)], [2, true]);
    const flag = await run(['serve', '--port']);
    assert.deepEqual([flag.code, /unknown option '--port'/.test(flag.text)], [2, true]);
    const missing = await run(['hash-password', '--password']);
    assert.deepEqual([missing.code, /argument missing/.test(missing.text)], [2, true]);
    const commandHelp = await run(['hash-password', '--help']);
    assert.deepEqual([commandHelp.code, /--password <password>/.test(commandHelp.text)], [0, true]);
  });
});
