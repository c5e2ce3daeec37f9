// SPDX-License-Identifier: Apache-2.0
import { certificateNotAfter } from '@consortia/common/crypto';
import type { Registry } from 'prom-client';
import { Gauge } from 'prom-client';

import type { SigningIdentity } from './fabric/identity';
import { isUserIdentity, USER_IDENTITY_PREFIX } from './fabric/identity';

export const USER_CERTIFICATE_EXPIRY = 'dapp_user_certificate_earliest_expiry_timestamp_seconds';

interface Expiry {
  at: number;
  /** The user, as the identity administration routes name them. */
  subject: string;
}

/**
 * The soonest expiry among the users' Fabric certificates this DAPP signs with (revoked ones are
 * out of the map), one series per MSP whose subject label names that user: one series however many
 * users there are, and the expiry alert names the user to re-enroll first. The map is the one the
 * identity refresher keeps in line with the store, so no scrape queries Postgres.
 */
export function registerUserCertificateExpiry(
  registry: Registry,
  signing: ReadonlyMap<string, SigningIdentity>,
): Gauge<'org' | 'subject'> {
  // each certificate is parsed once; a re-enrolled identity brings a new Buffer
  const parsed = new WeakMap<Buffer, number>();
  const expiryOf = (identity: SigningIdentity): number | undefined => {
    let at = parsed.get(identity.certificate);
    if (at === undefined) {
      try {
        at = Math.floor(certificateNotAfter(identity.certificate).getTime() / 1000);
      } catch {
        return undefined;
      }
      parsed.set(identity.certificate, at);
    }
    return at;
  };
  return new Gauge({
    name: USER_CERTIFICATE_EXPIRY,
    help: "When the soonest-expiring user's Fabric certificate expires (Unix time), by MSP; subject names that user",
    labelNames: ['org', 'subject'],
    registers: [registry],
    collect() {
      const earliest = new Map<string, Expiry>();
      for (const [name, identity] of signing) {
        if (!isUserIdentity(name)) continue;
        const at = expiryOf(identity);
        const kept = earliest.get(identity.mspId);
        if (at !== undefined && (!kept || at < kept.at)) {
          earliest.set(identity.mspId, { at, subject: name.slice(USER_IDENTITY_PREFIX.length) });
        }
      }
      this.reset();
      for (const [org, expiry] of earliest) this.set({ org, subject: expiry.subject }, expiry.at);
    },
  });
}
