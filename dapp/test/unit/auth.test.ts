import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';

import { ApiKeyVerifier, hashApiKey, parseApiKeyEntries, presentedKey } from '../../src/http/auth';
import { main } from '../../src/index';

describe('API keys', function () {
  it('stores only a salted scrypt hash and verifies the key against it', async function () {
    const { key, entry } = await hashApiKey('portal');
    assert.match(key, /^portal\.[A-Za-z0-9_-]{32}$/);
    const [name, salt, hash] = entry.split(':');
    assert.equal(name, 'portal');
    assert.equal(Buffer.from(salt!, 'base64url').length, 16);
    assert.equal(Buffer.from(hash!, 'base64url').length, 32);
    assert.ok(!entry.includes(key.split('.')[1]!), 'the secret is not in the entry');
    const verifier = new ApiKeyVerifier(parseApiKeyEntries([entry]));
    assert.equal(await verifier.verify(key), 'portal');
    assert.equal(await verifier.verify(key), 'portal', 'and again, from the cache');
    assert.equal(await verifier.verify(`${key}x`), undefined);
    assert.equal(await verifier.verify('other.secret'), undefined);
    assert.equal(await verifier.verify('no-dot'), undefined);
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
    assert.throws(() => parseApiKeyEntries(['portal:onlysalt']), /not name:salt:hash.*hash-key/);
    assert.throws(() => parseApiKeyEntries(['bad name:a:b']), /not name:salt:hash/);
    await assert.rejects(hashApiKey('with.dot'), /must be 1-64 letters/);
    assert.equal(new ApiKeyVerifier(new Map()).configured, false);
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
    process.stdout.write = ((chunk: string) => {
      chunks.push(chunk);
      return true;
    }) as typeof process.stdout.write;
    try {
      assert.equal(await main(['hash-key', '--name', 'ops', '--key', 'ops.s3cret-value']), 0);
      assert.equal(await main(['--help']), 0);
      assert.equal(await main(['worker', '--help']), 0);
    } finally {
      process.stdout.write = write;
    }
    const entry = /DAPP_API_KEYS entry.*: (\S+)/.exec(chunks.join(''))?.[1];
    assert.ok(entry);
    const verifier = new ApiKeyVerifier(parseApiKeyEntries([entry]));
    assert.equal(await verifier.verify('ops.s3cret-value'), 'ops');
    assert.match(chunks.join(''), /Usage: node dist\/index\.js/);
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
