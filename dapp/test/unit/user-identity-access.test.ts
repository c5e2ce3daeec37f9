// SPDX-License-Identifier: Apache-2.0
// Which callers may sign as a user's own Fabric identity (`user:<name>`) and administer those
// identities: only API keys (or client certificates) that say so with `@users` and
// `@identity-admin`; `*` stays the configured identities.
import assert from 'node:assert/strict';

import { CallerPolicy, parseClientIdentities } from '../../src/access/callers';
import { hashApiKey, parseApiKeyEntries } from '../../src/http/auth';

describe('access to per-user identities', function () {
  const known = (name: string) => ['default', 'auditor', 'user:alice'].includes(name);
  let policy: CallerPolicy;

  before(async function () {
    const entries = await Promise.all([
      hashApiKey('portal', 'x', ['default', '@users', '@identity-admin']),
      hashApiKey('signer', 'x', ['@users']),
      hashApiKey('everything', 'x', ['*']),
    ]);
    policy = new CallerPolicy(
      parseApiKeyEntries(entries.map((made) => made.entry)).values(),
      parseClientIdentities(['portal-client=@users']),
      known,
    );
  });

  it('lets only @users keys sign as a user, and only users the DAPP has', function () {
    assert.equal(policy.mayUse('portal', 'user:alice'), true);
    assert.equal(policy.mayUse('signer', 'user:alice'), true);
    assert.equal(policy.mayUse('cert@portal-client', 'user:alice'), true);
    assert.equal(policy.mayUse('everything', 'user:alice'), false, '* is the configured ones');
    assert.equal(policy.mayUse('everything', 'auditor'), true);
    assert.equal(policy.mayUse('portal', 'user:bob'), false, 'not enrolled');
    assert.equal(policy.mayUse('signer', undefined), false, '@users is not the default');
  });

  it('lets only @identity-admin keys administer identities', function () {
    assert.equal(policy.mayAdministerIdentities('portal'), true);
    assert.equal(policy.mayAdministerIdentities('signer'), false);
    assert.equal(policy.mayAdministerIdentities('everything'), false);
    assert.equal(policy.mayAdministerIdentities('cert@portal-client'), false);
  });

  it('accepts the two scope words and refuses others starting with @', async function () {
    const { entry } = await hashApiKey('k', 'x', ['default']);
    assert.throws(
      () => parseApiKeyEntries([`${entry.slice(0, entry.lastIndexOf(':'))}:@admins`]),
      /or \*, @users, @identity-admin/,
    );
  });
});
