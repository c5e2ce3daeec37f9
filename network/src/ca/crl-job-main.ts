// SPDX-License-Identifier: Apache-2.0
/**
 * The org-blockchain chart's CRL publisher step (`node dist/ca/crl-job-main.js` in the network
 * image), configured by CRL_* and FABRIC_CA_* variables (see crl-job.ts).
 */
import { runMain } from '@consortia/common';

import { crlJobSettings, decideCrlUpdate } from './crl-job';

async function main(): Promise<number> {
  const settings = crlJobSettings();
  const change = await decideCrlUpdate(settings);
  console.log(
    change.missing.length > 0
      ? `${settings.mspId}: the CA revokes ${change.missing.length} certificate(s) the channel's CRL does not (${change.revokedAtCa} in all); updating the channel MSP`
      : `${settings.mspId}: the channel MSP is up to date (${change.revokedAtCa} revoked)`,
  );
  return 0;
}

void runMain(main);
