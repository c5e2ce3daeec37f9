// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import path from 'node:path';

import {
  ApiKeyVerifier,
  hashApiKey,
  parseApiKeyEntries,
  presentedKey,
  rescopeApiKeyEntry,
} from '../../src/http/auth';
import { AuthThrottle, TooManyAttempts } from '../../src/http/auth-throttle';
import { main } from '../../src/index';

describe('API keys', function () {
  it('stores only a salted scrypt hash and verifies the key against it', async function () {
    const { key, entry } = await hashApiKey('portal');
    assert.match(key, /^portal\.[A-Za-z0-9_-]{32}$/);
    assert.match(entry, /^portal:scrypt\.ln14\.r8\.p1\.[\w-]{22}\.[\w-]{43}:default$/);
    assert.ok(!entry.includes(key.split('.')[1]!), 'the secret is not in the entry');
    const verifier = new ApiKeyVerifier(parseApiKeyEntries([entry]));
    assert.equal(await verifier.verify(key), 'portal');
    assert.equal(await verifier.verify(key), 'portal', 'and again, from the cache');
    assert.equal(await verifier.verify(`${key}x`), undefined);
    assert.equal(await verifier.verify('other.secret'), undefined);
    assert.equal(await verifier.verify('no-dot'), undefined);
  });

  it('keeps verifying entries of the earlier name:salt:hash:identities form', async function () {
    const key = 'legacy.s3cret';
    const salt = Buffer.from('0123456789abcdef');
    const hash = crypto.scryptSync(key, salt, 32, { N: 16384, r: 8, p: 1 });
    const entry = `legacy:${salt.toString('base64url')}:${hash.toString('base64url')}:default|auditor`;
    const parsed = parseApiKeyEntries([entry]);
    assert.deepEqual(parsed.get('legacy')?.identities, ['default', 'auditor']);
    const verifier = new ApiKeyVerifier(parsed);
    assert.equal(await verifier.verify(key), 'legacy');
    assert.equal(await verifier.verify('legacy.other'), undefined);
    assert.equal(
      rescopeApiKeyEntry(entry, ['*']),
      `legacy:${salt.toString('base64url')}:${hash.toString('base64url')}:*`,
    );
  });

  it('gives two hashes of one key different salts', async function () {
    const first = await hashApiKey('app', 'same-secret');
    const second = await hashApiKey('app', 'same-secret');
    assert.equal(first.key, second.key);
    assert.notEqual(first.entry, second.entry);
    const verifier = new ApiKeyVerifier(parseApiKeyEntries([second.entry]));
    assert.equal(await verifier.verify(first.key), 'app');
  });

  it('refuses malformed entries and names', async function () {
    assert.throws(
      () => parseApiKeyEntries(['portal:onlysalt']),
      /not name:hash:identities.*hash-key/,
    );
    assert.throws(() => parseApiKeyEntries(['portal:a:b:']), /not name:hash:identities/);
    assert.throws(() => parseApiKeyEntries(['bad name:a:b']), /not name:hash:identities/);
    await assert.rejects(hashApiKey('with.dot'), /must be 1-64 letters/);
    assert.equal(new ApiKeyVerifier(new Map()).configured, false);
  });

  it('scopes entries to identities; entries without a scope may use only default', async function () {
    const { entry } = await hashApiKey('portal', 'secret-1', ['default', 'auditor']);
    assert.match(entry, /^portal:scrypt\.[\w.-]+:default\|auditor$/);
    assert.deepEqual(parseApiKeyEntries([entry]).get('portal')?.identities, ['default', 'auditor']);
    const old = entry.split(':').slice(0, 2).join(':');
    assert.equal(rescopeApiKeyEntry(old, ['ops']), `${old}:ops`);
    assert.deepEqual(parseApiKeyEntries([old]).get('portal')?.identities, ['default']);
    const all = (await hashApiKey('ops', 'secret-2', ['*'])).entry;
    assert.deepEqual(parseApiKeyEntries([all]).get('ops')?.identities, ['*']);
    assert.throws(() => parseApiKeyEntries([`${old}:bad name`]), /entry 1 \('portal'\)/);
    assert.throws(() => parseApiKeyEntries([old, old]), /entry 2 \('portal'\).*used twice/);
  });

  it('names a bad entry by position and name, never by its text', async function () {
    const { entry } = await hashApiKey('portal');
    const [, stored] = entry.split(':');
    const [salt, hash] = stored!.split('.').slice(-2);
    for (const bad of [
      `${entry}:extra`,
      `portal:scrypt.ln99.r8.p1.${salt}.${hash}`,
      `portal:${salt}`,
      `bad name:${stored}`,
    ]) {
      let message = '';
      try {
        parseApiKeyEntries([entry.replace('portal', 'first'), bad]);
      } catch (error) {
        message = (error as Error).message;
      }
      assert.match(message, /^DAPP_API_KEYS entry 2\b/);
      assert.ok(!message.includes(salt!.slice(0, 6)), 'no part of the salt');
      assert.ok(!message.includes(hash!.slice(0, 6)), 'no part of the hash');
    }
  });

  it('refuses key checks from a source that keeps failing, before any scrypt work', async function () {
    let now = 1_000_000;
    const throttle = new AuthThrottle(
      {
        maxConcurrent: 1,
        maxWaiting: 1,
        failuresPerSource: 2,
        failuresGlobal: 3,
        windowMs: 10_000,
      },
      () => now,
    );
    const { key, entry } = await hashApiKey('portal');
    const verifier = new ApiKeyVerifier(parseApiKeyEntries([entry]), throttle);
    assert.equal(await verifier.verify('portal.wrong', 'a'), undefined);
    assert.equal(await verifier.verify('nobody.wrong', 'a'), undefined, 'unknown names count too');
    await assert.rejects(verifier.verify(key, 'a'), (error: unknown) => {
      assert.ok(error instanceof TooManyAttempts);
      assert.equal(error.retryAfterMs, 10_000);
      return true;
    });
    assert.equal(await verifier.verify(key, 'b'), 'portal', 'another source still gets in');
    assert.equal(await verifier.verify('portal.wrong', 'c'), undefined);
    await assert.rejects(verifier.verify('portal.other', 'd'), TooManyAttempts, 'global bound');
    assert.equal(await verifier.verify(key, 'a'), 'portal', 'a verified key skips the checks');
    now += 10_001;
    assert.equal(await verifier.verify('portal.wrong', 'a'), undefined, 'the window passed');
  });

  it('bounds the scrypt checks running and waiting at once', async function () {
    const throttle = new AuthThrottle({
      maxConcurrent: 1,
      maxWaiting: 1,
      failuresPerSource: 10,
      failuresGlobal: 10,
      windowMs: 1_000,
    });
    let release: () => void = () => undefined;
    const running = throttle.withSlot(() => new Promise<void>((resolve) => (release = resolve)));
    let ran = false;
    const waiting = throttle.withSlot(async () => {
      ran = true;
    });
    await assert.rejects(
      throttle.withSlot(async () => undefined),
      TooManyAttempts,
    );
    assert.equal(ran, false);
    release();
    await running;
    await waiting;
    assert.equal(ran, true);
  });

  it('takes the key from x-api-key or a bearer token', function () {
    assert.equal(presentedKey({ 'x-api-key': 'a.b' }), 'a.b');
    assert.equal(presentedKey({ authorization: 'Bearer a.c' }), 'a.c');
    assert.equal(presentedKey({ authorization: 'Basic xyz' }), undefined);
    assert.equal(presentedKey({}), undefined);
  });

  it('dapp hash-key prints a usable entry for a given key', async function () {
    const chunks: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = (chunk: string) => {
      chunks.push(chunk);
      return true;
    };
    try {
      assert.equal(
        await main([
          'hash-key',
          '--name',
          'ops',
          '--key',
          'ops.s3cret-value',
          '--identities',
          'default,auditor',
        ]),
        0,
      );
      assert.equal(await main(['--help']), 0);
      assert.equal(await main(['worker', '--help']), 0);
    } finally {
      process.stdout.write = write;
    }
    const entry = /DAPP_API_KEYS entry.*: (\S+)/.exec(chunks.join(''))?.[1];
    assert.ok(entry);
    assert.match(entry, /:default\|auditor$/);
    const verifier = new ApiKeyVerifier(parseApiKeyEntries([entry]));
    assert.equal(await verifier.verify('ops.s3cret-value'), 'ops');
    assert.match(chunks.join(''), /Usage: dapp \[options\] \[command\]/);
    await assert.rejects(
      main(['hash-key', '--name', 'ops', '--key', 'other.x']),
      /must start with 'ops\.'/,
    );
  });

  it('refuses an unknown command with usage and status 2', function () {
    const dappDir = path.resolve(__dirname, '..', '..');
    let status = 0;
    try {
      execFileSync(process.execPath, ['--require', 'tsx/cjs', 'src/index.ts', 'launch'], {
        cwd: dappDir,
        stdio: 'pipe',
        env: { ...process.env, NODE_V8_COVERAGE: '' },
      });
    } catch (error) {
      status = (error as { status: number }).status;
    }
    assert.equal(status, 2);
  });
});
