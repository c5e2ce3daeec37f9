// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import type { LookupAddress } from 'node:dns';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';

import { configSchema } from '../../src/config';
import type { AddressPolicy, ResolveAll } from '../../src/events/address-guard';
import {
  isAllowedHostEntry,
  RefusedAddressError,
  WebhookAddressGuard,
} from '../../src/events/address-guard';
import { signedPoster } from '../../src/events/webhook-post';

const STRICT: AddressPolicy = { allowPrivate: false, allowedHosts: [] };

/** A resolver answering from a table (what each name resolves to, in turn). */
function resolver(table: Record<string, string[][]>): ResolveAll {
  const asked = new Map<string, number>();
  return (hostname, callback) => {
    const answers = table[hostname];
    const turn = asked.get(hostname) ?? 0;
    asked.set(hostname, turn + 1);
    const addresses = answers?.[Math.min(turn, answers.length - 1)];
    if (!addresses) {
      callback(
        Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }),
        [],
      );
      return;
    }
    callback(
      null,
      addresses.map((address): LookupAddress => ({ address, family: net.isIP(address) })),
    );
  };
}

/** A local HTTP server answering `handler`, and how many requests it got. */
async function server(handler: http.RequestListener) {
  const hits: string[] = [];
  const listening = http.createServer((request, response) => {
    hits.push(request.url ?? '');
    handler(request, response);
  });
  await new Promise<void>((resolve) => listening.listen(0, '127.0.0.1', resolve));
  const { port } = listening.address() as AddressInfo;
  return {
    port,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        listening.closeAllConnections();
        listening.close(() => resolve());
      }),
  };
}

const ok: http.RequestListener = (request, response) => {
  request.resume();
  request.on('end', () => response.end('ok'));
};

describe('webhook receiver addresses', function () {
  const guard = new WebhookAddressGuard(STRICT);
  const classes: Record<string, string[]> = {
    loopback: ['127.0.0.1', '127.255.0.9', '::1', '::ffff:127.0.0.1'],
    'link-local': ['169.254.169.254', '169.254.0.1', 'fe80::1', '::ffff:169.254.169.254'],
    private: [
      '10.0.0.1',
      '10.255.255.255',
      '172.16.0.1',
      '172.31.255.254',
      '192.168.1.10',
      '100.64.0.1',
      'fc00::1',
      'fd12:3456::1',
      '::ffff:10.1.2.3',
    ],
    unspecified: ['0.0.0.0', '0.1.2.3', '::'],
    multicast: ['224.0.0.1', '239.255.255.250', '255.255.255.255', 'ff02::1', 'ff05::2'],
  };
  for (const [rule, addresses] of Object.entries(classes)) {
    it(`refuses ${rule} addresses, naming the rule`, function () {
      for (const address of addresses) {
        assert.deepEqual(guard.refusal(address), { address, rule }, address);
      }
    });
  }

  it('lets public addresses through', function () {
    for (const address of [
      '8.8.8.8',
      '1.1.1.1',
      '172.32.0.1',
      '192.169.0.1',
      '100.128.0.1',
      '2001:4860:4860::8888',
      '2606:4700::1111',
    ]) {
      assert.equal(guard.refusal(address), undefined, address);
    }
  });

  it('judges an IPv6 address that carries an IPv4 address (NAT64, 6to4, Teredo …) by that address', function () {
    const carrying: [address: string, carries: string | undefined, rule: string][] = [
      ['64:ff9b::7f00:1', '127.0.0.1', 'loopback'],
      ['64:ff9b::10.0.0.1', '10.0.0.1', 'private'],
      ['64:ff9b::a9fe:a9fe', '169.254.169.254', 'link-local'],
      ['2002:a00:1::', '10.0.0.1', 'private'],
      ['2002:a9fe:a9fe:1::5', '169.254.169.254', 'link-local'],
      ['2002:7f00:1::1', '127.0.0.1', 'loopback'],
      ['::127.0.0.1', '127.0.0.1', 'loopback'],
      ['::c0a8:101', '192.168.1.1', 'private'],
      ['::ffff:0:a00:1', '10.0.0.1', 'private'],
      // Teredo stores its client's address inverted: f5ff:fffe is 10.0.0.1.
      ['2001:0:4136:e378:8000:63bf:f5ff:fffe', '10.0.0.1', 'private'],
      // Local-use NAT64 prefixes place the IPv4 address where the network chose: all refused.
      ['64:ff9b:1::a00:1', undefined, 'private'],
      ['64:ff9b:1:ffff::808:808', undefined, 'private'],
    ];
    for (const [address, carries, rule] of carrying) {
      const expected = carries ? { address, rule, carries } : { address, rule };
      assert.deepEqual(guard.refusal(address), expected, address);
    }
    for (const address of ['64:ff9b::808:808', '2002:808:808::1', '::8.8.8.8', '2001:db8::a00:1'])
      assert.equal(guard.refusal(address), undefined, address);
    // An allowed IPv4 range allows the addresses that carry it, and only those.
    const listed = new WebhookAddressGuard({ allowPrivate: false, allowedHosts: ['10.1.0.0/16'] });
    assert.equal(listed.refusal('64:ff9b::10.1.2.3'), undefined);
    assert.equal(listed.refusal('2002:a01:203::'), undefined);
    assert.equal(listed.refusal('64:ff9b::10.2.0.1')?.rule, 'private');
  });

  it('allows everything with allowPrivate, and listed addresses, ranges and names', async function () {
    const open = new WebhookAddressGuard({ allowPrivate: true, allowedHosts: [] });
    assert.equal(open.refusal('169.254.169.254'), undefined);
    const listed = new WebhookAddressGuard(
      { allowPrivate: false, allowedHosts: ['127.0.0.1', '10.1.0.0/16', 'hooks.internal'] },
      resolver({ 'hooks.internal': [['10.9.9.9']], 'other.internal': [['10.9.9.9']] }),
    );
    assert.equal(listed.refusal('127.0.0.1'), undefined);
    assert.equal(listed.refusal('10.1.200.3'), undefined);
    assert.deepEqual(listed.refusal('10.2.0.1'), { address: '10.2.0.1', rule: 'private' });
    assert.deepEqual(listed.refusal('127.0.0.2'), { address: '127.0.0.2', rule: 'loopback' });
    assert.equal(await listed.check(new URL('https://hooks.internal/x')), undefined);
    assert.deepEqual(await listed.check(new URL('https://other.internal/x')), {
      address: '10.9.9.9',
      rule: 'private',
    });
  });

  it('checks a URL by its address, or by every address its name resolves to', async function () {
    const named = new WebhookAddressGuard(
      STRICT,
      resolver({
        'public.example': [['93.184.216.34']],
        'metadata.example': [['169.254.169.254']],
        'mixed.example': [['93.184.216.34', 'fd00::5']],
      }),
    );
    assert.equal(await named.check(new URL('https://public.example/hook')), undefined);
    assert.deepEqual(await named.check(new URL('https://metadata.example/')), {
      address: '169.254.169.254',
      rule: 'link-local',
    });
    assert.deepEqual(await named.check(new URL('https://mixed.example/')), {
      address: 'fd00::5',
      rule: 'private',
    });
    assert.deepEqual(await named.check(new URL('https://[::1]:8443/')), {
      address: '::1',
      rule: 'loopback',
    });
    // Other spellings of an address are the address (the URL parser normalizes them).
    for (const spelling of [
      'http://2130706433/',
      'http://0x7f.0.0.1/',
      'http://[::ffff:7f00:1]/',
    ]) {
      assert.equal((await named.check(new URL(spelling)))?.rule, 'loopback', spelling);
    }
    // Not resolvable yet: accepted now, checked at each delivery.
    assert.equal(await named.check(new URL('https://not-yet.example/')), undefined);
    // Nor is a creation held by a resolver that does not answer.
    const silent = new WebhookAddressGuard(STRICT, () => undefined, 20);
    assert.equal(await silent.check(new URL('https://slow.example/')), undefined);
  });

  it('resolves for a connection and refuses a name with a refused address', async function () {
    const named = new WebhookAddressGuard(
      STRICT,
      resolver({
        'public.example': [['93.184.216.34', '2606:2800::1']],
        'x.example': [['10.0.0.8']],
      }),
    );
    const lookup = (hostname: string, options: { all?: boolean; family?: number }) =>
      new Promise<unknown[]>((resolve) =>
        named.lookup(hostname, options, (...answer) => resolve(answer)),
      );
    assert.deepEqual(await lookup('public.example', {}), [null, '93.184.216.34', 4]);
    assert.deepEqual(await lookup('public.example', { family: 6 }), [null, '2606:2800::1', 6]);
    const [error] = await lookup('x.example', { all: true });
    assert.ok(error instanceof RefusedAddressError);
    assert.match(
      error.message,
      /x\.example \(10\.0\.0\.8\) is a private address; set EVENTS_WEBHOOK_ALLOW_PRIVATE=true or add it to EVENTS_WEBHOOK_ALLOWED_HOSTS/,
    );
  });

  it('reads the allow-list setting, refusing entries that are neither addresses, ranges nor names', function () {
    assert.ok(isAllowedHostEntry('10.0.0.0/8') && isAllowedHostEntry('fd00::/8'));
    assert.ok(isAllowedHostEntry('hooks.internal') && isAllowedHostEntry('127.0.0.1'));
    assert.ok(!isAllowedHostEntry('10.0.0.0/33') && !isAllowedHostEntry('http://x/'));
    const setting = configSchema.shape.EVENTS_WEBHOOK_ALLOWED_HOSTS;
    assert.deepEqual(setting.parse('127.0.0.1, 10.1.0.0/16,hooks.internal'), [
      '127.0.0.1',
      '10.1.0.0/16',
      'hooks.internal',
    ]);
    assert.equal(setting.safeParse('10.0.0.0/99').success, false);
  });

  describe('at delivery', function () {
    const poster = (policy: AddressPolicy, resolve?: ResolveAll) =>
      signedPoster({ timeoutMs: 2_000 }, new WebhookAddressGuard(policy, resolve));

    it('refuses a loopback receiver, by address or by a name resolving to it, before connecting', async function () {
      const receiver = await server(ok);
      try {
        const post = poster(STRICT);
        for (const host of ['127.0.0.1', 'localhost']) {
          const outcome = await post(`http://${host}:${receiver.port}/hook`, 's', '{}', 'b');
          assert.equal(outcome.ok, false, host);
          assert.equal(outcome.refused, true, host);
          assert.match(outcome.error ?? '', /loopback address; set EVENTS_WEBHOOK_ALLOW_PRIVATE/);
        }
        assert.deepEqual(receiver.hits, [], 'nothing reached the receiver');
        const allowed = await poster({ allowPrivate: false, allowedHosts: ['127.0.0.1'] })(
          `http://127.0.0.1:${receiver.port}/hook`,
          's',
          '{}',
          'b',
        );
        assert.deepEqual(allowed, { ok: true });
      } finally {
        await receiver.close();
      }
    });

    it('refuses a receiver at an IPv6 address carrying a refused IPv4 address, by URL or by name', async function () {
      const resolve = resolver({ 'nat64.example': [['64:ff9b::a9fe:a9fe']] });
      const post = poster(STRICT, resolve);
      for (const [url, shown] of [
        [
          'http://[64:ff9b::10.0.0.1]:8080/hook',
          /\[64:ff9b::a00:1\] \(64:ff9b::a00:1, which carries 10\.0\.0\.1\) is a private address/,
        ],
        ['http://[2002:7f00:1::]/hook', /which carries 127\.0\.0\.1\) is a loopback address/],
        [
          'http://nat64.example/latest/meta-data',
          /nat64\.example \(64:ff9b::a9fe:a9fe, which carries 169\.254\.169\.254\) is a link-local address/,
        ],
      ] as const) {
        const outcome = await post(url, 's', '{}', 'b');
        assert.equal(outcome.refused, true, url);
        assert.match(outcome.error ?? '', shown, url);
      }
      const guard = new WebhookAddressGuard(STRICT, resolve);
      assert.equal(
        (await guard.check(new URL('https://nat64.example/')))?.carries,
        '169.254.169.254',
      );
      assert.equal((await guard.check(new URL('https://[::ffff:0:a00:1]/')))?.rule, 'private');
    });

    it('refuses a name that resolved to a public address at creation and to a private one later', async function () {
      const receiver = await server(ok);
      try {
        const resolve = resolver({ 'hook.example': [['93.184.216.34'], ['127.0.0.1']] });
        const guard = new WebhookAddressGuard(STRICT, resolve);
        const url = `http://hook.example:${receiver.port}/hook`;
        assert.equal(await guard.check(new URL(url)), undefined, 'accepted at creation');
        const outcome = await signedPoster({ timeoutMs: 2_000 }, guard)(url, 's', '{}', 'b');
        assert.equal(outcome.refused, true);
        assert.match(outcome.error ?? '', /hook\.example \(127\.0\.0\.1\) is a loopback address/);
        assert.deepEqual(receiver.hits, []);
      } finally {
        await receiver.close();
      }
    });

    it('connects to the address it checked', async function () {
      const receiver = await server(ok);
      try {
        const post = poster(
          { allowPrivate: false, allowedHosts: ['127.0.0.1'] },
          resolver({ 'hook.example': [['127.0.0.1']] }),
        );
        const outcome = await post(`http://hook.example:${receiver.port}/hook`, 's', '{}', 'b');
        assert.deepEqual(outcome, { ok: true });
        assert.deepEqual(receiver.hits, ['/hook']);
      } finally {
        await receiver.close();
      }
    });

    it('does not follow a redirect (to a metadata address or anywhere else)', async function () {
      const target = await server(ok);
      const redirecting = await server((request, response) => {
        request.resume();
        response
          .writeHead(307, { location: `http://127.0.0.1:${target.port}/latest/meta-data` })
          .end();
      });
      try {
        const outcome = await poster({ allowPrivate: false, allowedHosts: ['127.0.0.1'] })(
          `http://127.0.0.1:${redirecting.port}/hook`,
          's',
          '{}',
          'b',
        );
        assert.equal(outcome.ok, false);
        assert.match(outcome.error ?? '', /^HTTP 307 \(redirects are not followed\)/);
        assert.deepEqual(redirecting.hits, ['/hook']);
        assert.deepEqual(target.hits, [], 'the redirect was not followed');
      } finally {
        await Promise.all([target.close(), redirecting.close()]);
      }
    });
  });
});
