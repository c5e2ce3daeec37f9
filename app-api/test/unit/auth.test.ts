// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import crypto from 'node:crypto';

import { SignJWT } from 'jose';

import {
  generatePassword,
  hashPassword,
  needsRehash,
  passwordProblem,
  verifyAgainstNothing,
  verifyPassword,
} from '../../src/auth/passwords';
import {
  AccessTokens,
  newRefreshToken,
  parseRefreshToken,
  TokenError,
} from '../../src/auth/tokens';
import { TOKEN_OPTIONS, UNIT_SECRET } from '../support/fake-app';

const claims = { sub: 'user-1', sid: 'session-1', username: 'alice', roles: ['member'] };

async function refusal(promise: Promise<unknown>): Promise<TokenError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof TokenError, String(error));
    return error;
  }
  assert.fail('the token was accepted');
}

describe('passwords (scrypt)', function () {
  it('stores scrypt parameters, salt and hash, and verifies only the right password', async function () {
    const stored = await hashPassword('correct horse battery', 14);
    assert.match(stored, /^scrypt\.ln14\.r8\.p1\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);
    assert.equal(await verifyPassword('correct horse battery', stored), true);
    assert.equal(await verifyPassword('correct horse batterY', stored), false);
    assert.notEqual(
      await hashPassword('correct horse battery', 14),
      stored,
      'fresh salt each time',
    );
  });

  it('never verifies against a malformed or tampered hash', async function () {
    const stored = await hashPassword('correct horse battery', 14);
    assert.equal(await verifyPassword('correct horse battery', 'plain-text'), false);
    assert.equal(await verifyPassword('correct horse battery', `${stored.slice(0, -2)}AA`), false);
    assert.equal(await verifyPassword('x', stored.replace('ln14', 'ln40')), false);
  });

  it('keeps verifying users stored in the earlier $scrypt$ form, and rehashes them', async function () {
    // made by the earlier hashPassword('correct horse battery', 10)
    const salt = Buffer.from('0123456789abcdef');
    const hash = crypto.scryptSync('correct horse battery', salt, 32, { N: 1024, r: 8, p: 1 });
    const stored = `$scrypt$ln=10,r=8,p=1$${salt.toString('base64url')}$${hash.toString('base64url')}`;
    assert.equal(await verifyPassword('correct horse battery', stored), true);
    assert.equal(await verifyPassword('correct horse batterY', stored), false);
    assert.equal(needsRehash(stored, 10), true);
  });

  it('asks for a rehash when the configured cost grew', async function () {
    const stored = await hashPassword('correct horse battery', 14);
    assert.equal(needsRehash(stored, 14), false);
    assert.equal(needsRehash(stored, 15), true);
    assert.equal(needsRehash('unknown', 14), true);
  });

  it('spends the time of a verification for unknown users, and answers false', async function () {
    assert.equal(await verifyAgainstNothing('anything at all', 14), false);
  });

  it('names what is wrong with a weak password', function () {
    assert.match(passwordProblem('short') ?? '', /at least 12/);
    assert.match(passwordProblem('x'.repeat(257)) ?? '', /at most 256/);
    assert.match(passwordProblem('alice-is-great-2026', 'alice') ?? '', /user name/);
    assert.match(passwordProblem('abababababab') ?? '', /5 different/);
    assert.equal(passwordProblem('correct horse battery', 'alice'), undefined);
    assert.equal(passwordProblem(generatePassword()), undefined);
  });
});

describe('access tokens (HS256 JWT)', function () {
  it('round-trips the claims of a fresh token', async function () {
    const tokens = new AccessTokens(UNIT_SECRET, TOKEN_OPTIONS);
    const issued = await tokens.issue(claims);
    assert.equal(issued.expiresIn, 900);
    assert.deepEqual(await tokens.verify(issued.token), claims);
  });

  it('refuses an expired token as TOKEN_EXPIRED', async function () {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const tokens = new AccessTokens(UNIT_SECRET, TOKEN_OPTIONS, () => now);
    const { token } = await tokens.issue(claims);
    now += 901_000;
    assert.equal((await refusal(tokens.verify(token))).code, 'TOKEN_EXPIRED');
  });

  it('refuses tampered payloads, foreign signatures, wrong audience and alg none', async function () {
    const tokens = new AccessTokens(UNIT_SECRET, TOKEN_OPTIONS);
    const { token } = await tokens.issue(claims);
    const [header, payload, signature] = token.split('.');
    const forged = Buffer.from(
      JSON.stringify({
        ...JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()),
        roles: ['admin'],
      }),
    ).toString('base64url');
    assert.equal(
      (await refusal(tokens.verify(`${header}.${forged}.${signature}`))).code,
      'INVALID_TOKEN',
    );

    const other = new AccessTokens(
      new TextEncoder().encode('another-secret-of-more-than-32-bytes!!'),
      TOKEN_OPTIONS,
    );
    assert.equal((await refusal(other.verify(token))).code, 'INVALID_TOKEN');

    const elsewhere = new AccessTokens(UNIT_SECRET, { ...TOKEN_OPTIONS, audience: 'another-app' });
    assert.equal((await refusal(elsewhere.verify(token))).code, 'INVALID_TOKEN');

    const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${payload}.`;
    assert.equal((await refusal(tokens.verify(unsigned))).code, 'INVALID_TOKEN');
  });

  it('refuses a validly signed token that lacks the session claims', async function () {
    const tokens = new AccessTokens(UNIT_SECRET, TOKEN_OPTIONS);
    const token = await new SignJWT({ username: 'alice' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('user-1')
      .setIssuer(TOKEN_OPTIONS.issuer)
      .setAudience(TOKEN_OPTIONS.audience)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(UNIT_SECRET);
    assert.equal((await refusal(tokens.verify(token))).code, 'INVALID_TOKEN');
  });
});

describe('refresh tokens', function () {
  it('are an id and a 256-bit secret, and only that shape parses', function () {
    const made = newRefreshToken();
    assert.deepEqual(parseRefreshToken(made.token), { id: made.id, secret: made.secret });
    assert.equal(parseRefreshToken(`${made.token}x`), undefined);
    assert.equal(parseRefreshToken('not-a-token'), undefined);
  });
});
