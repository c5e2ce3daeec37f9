// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import crypto from 'node:crypto';

import {
  hashPassword,
  PASSWORD_HASH_PATTERN,
  sameText,
  verifyPassword,
} from '../../src/http/password';
import {
  clearedSessionCookie,
  LoginThrottle,
  readCookie,
  sessionCookie,
  SessionSigner,
} from '../../src/http/session';

const SECRET = 'a-unit-test-session-secret-of-32-bytes-at-least';

describe('operator login pieces', function () {
  it('hashes a password with a fresh salt and verifies it', async function () {
    const first = await hashPassword('correct horse battery staple');
    const second = await hashPassword('correct horse battery staple');
    assert.match(first, PASSWORD_HASH_PATTERN);
    assert.notEqual(first, second);
    assert.equal(await verifyPassword('correct horse battery staple', first), true);
    assert.equal(await verifyPassword('correct horse battery stapl', first), false);
    await assert.rejects(verifyPassword('x', 'plain text'), /explorer hash-password/);
    await assert.rejects(hashPassword(''), /empty/);
  });

  it('keeps verifying a hash of the earlier scrypt:N:r:p:salt:hash form', async function () {
    const salt = Buffer.from('0123456789abcdef');
    const hash = crypto.scryptSync('correct horse battery staple', salt, 32, {
      N: 16384,
      r: 8,
      p: 1,
    });
    const stored = `scrypt:16384:8:1:${salt.toString('base64url')}:${hash.toString('base64url')}`;
    assert.match(stored, PASSWORD_HASH_PATTERN);
    assert.equal(await verifyPassword('correct horse battery staple', stored), true);
    assert.equal(await verifyPassword('correct horse battery stapl', stored), false);
  });

  it('compares user names without a shortcut', function () {
    assert.equal(sameText('operator', 'operator'), true);
    assert.equal(sameText('operator', 'operators'), false);
  });

  it('issues session tokens that expire and cannot be altered', async function () {
    const signer = new SessionSigner(SECRET, 60);
    const now = new Date('2026-01-01T00:00:00Z');
    const token = await signer.issue('operator', now);
    assert.equal(await signer.verify(token, now), 'operator');
    assert.equal(await signer.verify(token, new Date(now.getTime() + 61_000)), undefined);
    assert.equal(await signer.verify(`${token}x`, now), undefined);
    const other = new SessionSigner(`${SECRET}-other`, 60);
    assert.equal(await other.verify(token, now), undefined);
  });

  it('reads the session cookie and writes it HttpOnly, SameSite=Strict', function () {
    assert.equal(readCookie('a=1; explorer_session=abc%3D; b=2', 'explorer_session'), 'abc=');
    assert.equal(readCookie('explorer_session=%E0%A4%A', 'explorer_session'), undefined);
    assert.equal(readCookie(undefined, 'explorer_session'), undefined);
    assert.equal(readCookie('novalue; other=1', 'explorer_session'), undefined);
    const cookie = sessionCookie('t', 3600, true);
    assert.match(
      cookie,
      /^explorer_session=t; Path=\/; HttpOnly; SameSite=Strict; Max-Age=3600; Secure$/,
    );
    assert.doesNotMatch(sessionCookie('t', 1, false), /Secure/);
    assert.match(clearedSessionCookie(false), /Max-Age=0/);
  });

  it('throttles repeated failed logins per client, within a window', function () {
    const throttle = new LoginThrottle(3, 1000);
    for (let attempt = 0; attempt < 3; attempt++) throttle.fail('a', 100);
    assert.equal(throttle.blocked('a', 200), true);
    assert.equal(throttle.blocked('b', 200), false);
    assert.equal(throttle.blocked('a', 1200), false);
    throttle.fail('c', 0);
    throttle.succeed('c');
    assert.equal(throttle.blocked('c', 1), false);
  });

  it('caps failures from all clients together, so many addresses buy no more guesses', function () {
    const throttle = new LoginThrottle(3, 1000, 5);
    for (let client = 0; client < 5; client++) throttle.fail(`10.0.0.${client}`, 100);
    assert.equal(throttle.blocked('10.0.0.99', 200), true);
    assert.equal(throttle.blocked('10.0.0.99', 1200), false);
  });

  it('a flood of addresses forgets the oldest clients, not the ones being throttled', function () {
    const throttle = new LoginThrottle(3, 1000, 1_000_000, 10);
    for (let attempt = 0; attempt < 3; attempt++) throttle.fail('guesser', 100);
    for (let client = 0; client < 9; client++) throttle.fail(`flood-${client}`, 100);
    assert.equal(throttle.blocked('guesser', 200), true, 'still throttled at the limit');
  });
});
