// SPDX-License-Identifier: Apache-2.0
import { setTimeout as sleep } from 'node:timers/promises';

import { revokedSerials } from '@consortia/common';

import { fetchChannelConfig, orgAdmin } from '../fabric/config-update';
import type { Json } from '../fabric/config-update';
import type { Org, Topology } from '../topology/topology';
import { setChannelCrl } from './channel-crl';
import { registrarCredentials, restClient } from './client';
import { caOrgOf } from './layout';

/** What one publication found: how many certificates the CA revokes, and whether it updated. */
export interface CrlPublication {
  mspId: string;
  revokedAtCa: number;
  published: boolean;
}

const PEM_CRL = /-----BEGIN X509 CRL-----[\s\S]+?-----END X509 CRL-----/;

/** Serial numbers every CRL in the org's channel MSP (`revocation_list`, base64) revokes. */
export function channelRevokedSerials(config: Json, mspId: string): Set<string> {
  const step = (value: unknown, key: string) => (value as Json | undefined)?.[key];
  const path = ['channel_group', 'groups', 'Application', 'groups', mspId, 'values', 'MSP'];
  const msp = [...path, 'value', 'config'].reduce<unknown>(step, config);
  if (msp === undefined) throw new Error(`the channel has no application org ${mspId}`);
  const serials = new Set<string>();
  for (const entry of (step(msp, 'revocation_list') as string[] | undefined) ?? []) {
    const text = Buffer.from(entry, 'base64').toString('utf8');
    const pem =
      PEM_CRL.exec(text)?.[0] ?? `-----BEGIN X509 CRL-----\n${entry}\n-----END X509 CRL-----\n`;
    for (const serial of revokedSerials(pem)) serials.add(serial);
  }
  return serials;
}

/** What the CA's CRL adds to the org's channel MSP: the serials the channel's CRLs lack. */
export interface CrlChange {
  /** How many certificates the CA's CRL revokes. */
  revokedAtCa: number;
  /** Serials it revokes that no CRL in the channel does; none: nothing to publish. */
  missing: string[];
}

/**
 * Compares the CA's CRL with the org's channel MSP (a decoded channel config): the one decision
 * of every publisher (`consortia ca publish-crl`, `consortia start`, the charts' CronJob).
 */
export function crlChange(config: Json, mspId: string, crlPem: string): CrlChange {
  const serials = revokedSerials(crlPem);
  const inChannel = channelRevokedSerials(config, mspId);
  return {
    revokedAtCa: serials.length,
    missing: serials.filter((serial) => !inChannel.has(serial)),
  };
}

/** The org's intermediate CA's current CRL and the serials it revokes. */
async function caCrl(topology: Topology, org: Org): Promise<{ crl: string; serials: string[] }> {
  const ca = caOrgOf(topology, org).intermediate;
  const crl = await restClient(ca).crl(await registrarCredentials(ca));
  return { crl, serials: revokedSerials(crl) };
}

/**
 * Brings the org's channel MSP up to date with its CA: when the intermediate CA's current CRL
 * revokes a certificate the channel's CRL does not, the CA's CRL goes into the channel (a config
 * update signed by the org's admin), so every peer and orderer refuses it. Revocations made
 * anywhere (the DAPP's identity administration, `consortia ca revoke`, fabric-ca-client) take
 * effect on the ledger this way. Nothing to add: no config update, no new block.
 */
export async function publishCrl(
  home: string,
  topology: Topology,
  org: Org,
): Promise<CrlPublication> {
  const { crl } = await caCrl(topology, org);
  const admin = orgAdmin(topology, org);
  const config = await fetchChannelConfig({ home, topology }, topology.options.channel, admin);
  const { revokedAtCa, missing } = crlChange(config, org.mspId, crl);
  if (missing.length > 0) await setChannelCrl(home, topology, org, crl);
  return { mspId: org.mspId, revokedAtCa, published: missing.length > 0 };
}

export type CrlRound = CrlPublication | { mspId: string; error: unknown };

/**
 * Publishes each org's CRL every `intervalMs` until `signal` aborts: the org admin's standing
 * step that makes revocations through the application take effect on the ledger within about one
 * interval. A round asks each CA for its CRL and reads the channel only when the CA revokes
 * something new since the last round. A failed round (CA or orderer unreachable) is reported and
 * tried again the next.
 */
export async function watchCrls(
  home: string,
  topology: Topology,
  orgs: readonly Org[],
  intervalMs: number,
  signal: AbortSignal,
  report: (round: CrlRound) => void,
): Promise<void> {
  const upToDate = new Map<string, string>();
  while (!signal.aborted) {
    for (const org of orgs) {
      if (signal.aborted) break;
      try {
        const revoked = (await caCrl(topology, org)).serials.sort().join(',');
        if (upToDate.get(org.mspId) === revoked) continue;
        report(await publishCrl(home, topology, org));
        upToDate.set(org.mspId, revoked);
      } catch (error) {
        report({ mspId: org.mspId, error });
      }
    }
    await pauseUnlessAborted(intervalMs, signal);
  }
}

/**
 * Waits `ms`, or less when `signal` aborts. Each pause leaves no listener on the signal behind: a
 * publisher running for days (`consortia start`) pauses once a round.
 */
export async function pauseUnlessAborted(ms: number, signal: AbortSignal): Promise<void> {
  await sleep(ms, undefined, { signal }).catch(() => undefined);
}
