// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';

import { withChannelCrl } from '../../src/ca/channel-crl';
import { channelRevokedSerials, crlChange, pauseUnlessAborted } from '../../src/ca/publish-crl';
import { caMemberOrgs } from '../../src/ca/revoke';
import { UserError } from '../../src/errors';
import { parseNetworkOptions } from '../../src/topology/options';
import { buildTopology } from '../../src/topology/topology';

/** A CRL (OpenSSL, throw-away CA) revoking serials 0A and 0B. */
const CRL = `-----BEGIN X509 CRL-----
MIHMMHYCAQEwCgYIKoZIzj0EAwIwDTELMAkGA1UEAwwCY2EXDTI2MTIwMTEzMjkx
MFoXDTM2MTEyODEzMjkxMFowKDASAgEKFw0yNDAxMDEwMDAwMDBaMBICAQsXDTI0
MDEwMTAwMDAwMFqgDjAMMAoGA1UdFAQDAgEBMAoGCCqGSM49BAMCA0YAMEMCHylQ
mckYLjuHH0wERALZxvjyqXpDs/KfZZrhz07ruDQCIEQypH79KMBijiEXSw3lk62N
zOAWQnqcu3ZlzfPAkBsw
-----END X509 CRL-----
`;

/** A decoded channel config (configtxlator JSON) with the org's MSP revocation_list. */
function channelConfig(mspId: string, revocationList?: string[]) {
  const config = revocationList === undefined ? {} : { revocation_list: revocationList };
  return {
    channel_group: {
      groups: {
        Application: { groups: { [mspId]: { values: { MSP: { value: { config } } } } } },
      },
    },
  };
}

describe('CRL publishing', function () {
  it('pauses between rounds without leaving a listener on the stop signal each time', async function () {
    const stop = new AbortController();
    for (let round = 0; round < 12; round++) await pauseUnlessAborted(1, stop.signal);
    assert.equal(getEventListeners(stop.signal, 'abort').length, 0);
    const started = Date.now();
    const paused = pauseUnlessAborted(60_000, stop.signal);
    stop.abort();
    await paused;
    assert.ok(Date.now() - started < 1000, 'an abort ends the pause');
  });

  it("reads the serials the org's channel CRLs revoke, PEM (as configtxgen and Consortia write) or DER", function () {
    const pem = Buffer.from(CRL).toString('base64');
    const der = CRL.replace(/-----[A-Z0-9 ]+-----|\s/g, '');
    assert.deepEqual(
      [...channelRevokedSerials(channelConfig('Org1MSP', [pem]), 'Org1MSP')],
      ['0A', '0B'],
    );
    assert.deepEqual(
      [...channelRevokedSerials(channelConfig('Org1MSP', [der]), 'Org1MSP')],
      ['0A', '0B'],
    );
    assert.equal(channelRevokedSerials(channelConfig('Org1MSP'), 'Org1MSP').size, 0);
    assert.throws(
      () => channelRevokedSerials(channelConfig('Org1MSP', [pem]), 'Org2MSP'),
      /no application org Org2MSP/,
    );
  });

  it('publishes for the orgs of a network made with CAs, by name or MSP id, and says why not', function () {
    const network = (crypto: string) =>
      buildTopology(parseNetworkOptions({ stateDir: '/tmp/n', crypto, orgs: 2 }, {}));
    const ca = network('ca');
    assert.deepEqual(
      caMemberOrgs(ca).map((org) => org.mspId),
      ['Org1MSP', 'Org2MSP'],
    );
    assert.equal(caMemberOrgs(ca, 'org2')[0]?.mspId, 'Org2MSP');
    assert.equal(caMemberOrgs(ca, 'Org1MSP')[0]?.mspId, 'Org1MSP');
    assert.throws(() => caMemberOrgs(ca, 'Org3'), /no organization 'Org3'/);
    assert.throws(() => caMemberOrgs(network('cryptogen')), UserError);
  });

  it("decides from the CA's CRL and the channel alone: only serials the channel lacks are news", function () {
    const empty = channelConfig('Org1MSP');
    assert.deepEqual(crlChange(empty, 'Org1MSP', CRL), { revokedAtCa: 2, missing: ['0A', '0B'] });
    const updated = withChannelCrl(empty, 'Org1MSP', CRL);
    assert.deepEqual(empty, channelConfig('Org1MSP'), 'the fetched config is left as it was');
    assert.deepEqual(crlChange(updated, 'Org1MSP', CRL), { revokedAtCa: 2, missing: [] });
    assert.deepEqual([...channelRevokedSerials(updated, 'Org1MSP')], ['0A', '0B']);
    assert.match(JSON.stringify(updated), new RegExp(Buffer.from(CRL).toString('base64')));
    assert.throws(() => withChannelCrl(empty, 'Org2MSP', CRL), /no application org Org2MSP/);
  });
});
