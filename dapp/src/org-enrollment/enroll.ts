// SPDX-License-Identifier: Apache-2.0
/**
 * The org-blockchain chart's enrollment Job: as the CA's bootstrap registrar, registers and
 * enrolls each identity of the plan (peers, the org admin, the services, the DAPP's registrar)
 * and writes its MSP, TLS and identity Secrets, which the peers and services mount. An identity
 * whose Secrets all exist is left alone, so the Job can run again on every upgrade; one with a
 * Secret missing gets a new enrollment secret at the CA and new certificates.
 */
import crypto from 'node:crypto';

import type { CaCredentials, Enrolled } from '@consortia/common';
import { FabricCaClient, FabricCaRequestError, FabricCaUnavailableError } from '@consortia/common';

import type { KubeObjects } from './kube';
import type { EnrollmentSettings, PlannedIdentity, SecretLayout } from './plan';

/** The CA's chain as an MSP holds it: the root, and the intermediate below it if any. */
export interface CaTrust {
  root: string;
  intermediate?: string;
}

export interface EnrollmentOutcome {
  id: string;
  secrets: string[];
  action: 'enrolled' | 'kept';
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/g;

/** Splits a CA chain (PEM) into its self-signed root and the intermediates below it. */
export function caTrust(chain: string): CaTrust {
  const pems = (chain.match(PEM_CERTIFICATE) ?? []).map((pem) => `${pem.trim()}\n`);
  const root = pems.find((pem) => {
    const certificate = new crypto.X509Certificate(pem);
    return certificate.subject === certificate.issuer;
  });
  if (!root) throw new Error('the CA sent no self-signed root in its chain');
  const intermediates = pems.filter((pem) => pem !== root);
  return { root, intermediate: intermediates.length ? intermediates.join('') : undefined };
}

/** NodeOUs: the role (client, peer, admin, orderer) is read from the certificate's OU. */
export function nodeOuConfig(): string {
  const unit = (name: string) =>
    `  ${name}OUIdentifier:\n    Certificate: cacerts/cacert.pem\n    OrganizationalUnitIdentifier: ${name.toLowerCase()}\n`;
  return `NodeOUs:\n  Enable: true\n${['Client', 'Peer', 'Admin', 'Orderer'].map(unit).join('')}`;
}

const pemKey = (key: crypto.KeyObject) => key.export({ type: 'pkcs8', format: 'pem' }).toString();

/** The keys of a Secret of that layout (the charts' names). */
export const LAYOUT_KEYS: Record<SecretLayout, readonly string[]> = {
  msp: ['config.yaml', 'cert.pem', 'key.pem', 'cacert.pem'],
  tls: ['tls.crt', 'tls.key', 'ca.crt'],
  identity: ['cert.pem', 'key.pem', 'tlscacert.pem'],
  credentials: ['cert.pem', 'key.pem'],
};

function secretFiles(
  layout: SecretLayout,
  ecert: Enrolled,
  tls: Enrolled | undefined,
  trust: CaTrust,
): Record<string, string> {
  const own = { 'cert.pem': ecert.certificate, 'key.pem': pemKey(ecert.privateKey) };
  switch (layout) {
    case 'msp':
      return {
        'config.yaml': nodeOuConfig(),
        ...own,
        'cacert.pem': trust.root,
        ...(trust.intermediate ? { 'intermediatecert.pem': trust.intermediate } : {}),
        'tlscacert.pem': trust.root,
      };
    case 'tls':
      if (!tls) throw new Error('a tls Secret needs a TLS enrollment');
      return {
        // the intermediate goes with the certificate, so clients need only the root
        'tls.crt': `${tls.certificate.trim()}\n${trust.intermediate ?? ''}`,
        'tls.key': pemKey(tls.privateKey),
        'ca.crt': trust.root,
      };
    case 'identity':
      return { ...own, 'tlscacert.pem': trust.root };
    case 'credentials':
      return own;
  }
}

/** The org's MSP as the channel configuration needs it: certificates only. */
export function orgMspFiles(trust: CaTrust): Record<string, string> {
  return {
    'config.yaml': nodeOuConfig(),
    'cacert.pem': trust.root,
    ...(trust.intermediate ? { 'intermediatecert.pem': trust.intermediate } : {}),
    'tlscacert.pem': trust.root,
  };
}

async function untilAnswered<T>(
  what: () => Promise<T>,
  waitMs: number,
  log: (line: string) => void,
): Promise<T> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      return await what();
    } catch (error) {
      if (!(error instanceof FabricCaUnavailableError) || Date.now() >= deadline) throw error;
      log(`waiting for the CA: ${error.message}`);
      await new Promise((resolve) => setTimeout(resolve, 5000));
    }
  }
}

/** Registers the identity with this secret, or gives the registered one this secret. */
async function registerWithSecret(
  ca: FabricCaClient,
  registrar: CaCredentials,
  identity: PlannedIdentity,
  secret: string,
): Promise<void> {
  try {
    await ca.register(registrar, {
      id: identity.id,
      type: identity.type,
      secret,
      attributes: identity.attributes,
    });
  } catch (error) {
    if (!(error instanceof FabricCaRequestError) || !/already registered/i.test(error.message)) {
      throw error;
    }
    await ca.modify(registrar, identity.id, {
      secret,
      maxEnrollments: -1,
      attributes: identity.attributes,
    });
  }
}

export async function enrollOrg(
  settings: EnrollmentSettings,
  kube: KubeObjects,
  log: (line: string) => void = () => undefined,
): Promise<EnrollmentOutcome[]> {
  const ca = new FabricCaClient({ ...settings.ca, timeoutMs: 30_000 });
  const registrar = await untilAnswered(
    () => ca.enroll(settings.bootstrap.user, settings.bootstrap.password),
    settings.caWaitMs,
    log,
  );
  const trust = caTrust(registrar.chain);
  const outcomes: EnrollmentOutcome[] = [];
  for (const identity of settings.plan.identities) {
    const names = identity.secrets.map((secret) => secret.name);
    const present = await Promise.all(
      identity.secrets.map((secret) => kube.hasSecret(secret.name, LAYOUT_KEYS[secret.layout])),
    );
    if (present.every(Boolean)) {
      outcomes.push({ id: identity.id, secrets: names, action: 'kept' });
      continue;
    }
    // a fresh secret each time: it is used here, to enroll, and never stored
    const secret = crypto.randomBytes(18).toString('base64url');
    await registerWithSecret(ca, registrar, identity, secret);
    const ecert = await ca.enroll(identity.id, secret);
    const tls = identity.tlsHosts.length
      ? await ca.enroll(identity.id, secret, { profile: 'tls', hosts: identity.tlsHosts })
      : undefined;
    for (const planned of identity.secrets) {
      await kube.putSecret(planned.name, secretFiles(planned.layout, ecert, tls, trust));
    }
    log(`${identity.id}: enrolled into ${names.join(', ')}`);
    outcomes.push({ id: identity.id, secrets: names, action: 'enrolled' });
  }
  if (settings.plan.orgMspConfigMap) {
    await kube.putConfigMap(settings.plan.orgMspConfigMap, orgMspFiles(trust));
  }
  return outcomes;
}
