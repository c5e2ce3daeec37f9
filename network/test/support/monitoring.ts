// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import crypto from 'node:crypto';

import type { Topology } from '../../src/topology/topology';
import { servicePorts } from '../../src/topology/topology';

/** Prometheus's HTTP API: the `data` of a successful answer to `/api/v1/<query>`. */
export async function prometheusApi<T>(prometheusUrl: string, query: string): Promise<T> {
  const response = await fetch(`${prometheusUrl}/api/v1/${query}`);
  const body = (await response.json()) as { status: string; data: T; error?: string };
  assert.equal(body.status, 'success', `${query}: ${body.error}`);
  return body.data;
}

/**
 * One committed transaction through the local DAPP, waiting for its commit: a mint by Org1's
 * default identity, which commits on any network, funded or not.
 */
export async function commitThroughDapp(
  topology: Topology,
  chaincode: string,
  apiKey: string,
  correlationId?: string,
): Promise<{ txId: string }> {
  const response = await fetch(
    `http://127.0.0.1:${servicePorts(topology).dapp.http}/v1/channels/${topology.options.channel}/chaincodes/${chaincode}/transactions`,
    {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-api-key': apiKey,
        ...(correlationId ? { 'x-correlation-id': correlationId } : {}),
      },
      body: JSON.stringify({
        function: 'TokenContract:Mint',
        args: [crypto.randomBytes(32).toString('hex'), '0.01'],
        mode: 'sync',
      }),
    },
  );
  assert.equal(response.status, 200, await response.clone().text());
  return (await response.json()) as { txId: string };
}
