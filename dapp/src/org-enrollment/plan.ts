// SPDX-License-Identifier: Apache-2.0
/**
 * What the org-blockchain chart's enrollment Job is asked to do (ENROLL_PLAN, rendered by the
 * chart) and where it reaches the CA and the Kubernetes API. Read once, from the environment.
 */
import fs from 'node:fs';

import { z } from 'zod';

/**
 * How an identity's material is laid out in a Secret, as the charts mount it:
 * msp: config.yaml, cert.pem, key.pem, cacert.pem, [intermediatecert.pem], tlscacert.pem;
 * tls: tls.crt, tls.key, ca.crt; identity: cert.pem, key.pem, tlscacert.pem (a service's
 * client identity); credentials: cert.pem, key.pem (a CA registrar).
 */
export const SECRET_LAYOUTS = ['msp', 'tls', 'identity', 'credentials'] as const;
export type SecretLayout = (typeof SECRET_LAYOUTS)[number];

const PlannedIdentity = z.object({
  /** Enrollment id at the CA, also the certificates' common name. */
  id: z.string().min(1),
  type: z.enum(['peer', 'orderer', 'admin', 'client']),
  /** Registration attributes (e.g. a registrar's hf.Registrar.Roles), in the ecert too. */
  attributes: z.record(z.string(), z.string()).default({}),
  /** Host names its TLS certificate is issued for; a `tls` Secret needs at least one. */
  tlsHosts: z.array(z.string().min(1)).default([]),
  secrets: z.array(z.object({ name: z.string().min(1), layout: z.enum(SECRET_LAYOUTS) })).min(1),
});
export type PlannedIdentity = z.infer<typeof PlannedIdentity>;

export const EnrollmentPlan = z.object({
  mspId: z.string().min(1),
  identities: z.array(PlannedIdentity).min(1),
  /** ConfigMap receiving the org's MSP for the channel: CA certificates and NodeOUs, no key. */
  orgMspConfigMap: z.string().min(1).optional(),
});
export type EnrollmentPlan = z.infer<typeof EnrollmentPlan>;

const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

const EnrollmentEnv = z.object({
  ENROLL_PLAN: z.string().min(1),
  FABRIC_CA_URL: z.url(),
  FABRIC_CA_NAME: z.string().optional(),
  FABRIC_CA_TLS_CA_FILE: z.string().min(1),
  FABRIC_CA_TLS_SERVER_NAME: z.string().optional(),
  /** The CA's bootstrap registrar, which registers every identity of the plan. */
  FABRIC_CA_BOOTSTRAP_USER: z.string().min(1),
  FABRIC_CA_BOOTSTRAP_PASSWORD: z.string().min(1),
  /** How long to wait for the CA to answer (it may start after the Job). */
  ENROLL_CA_WAIT_MS: z.coerce.number().int().min(0).default(300_000),
  KUBERNETES_SERVICE_HOST: z.string().min(1),
  KUBERNETES_SERVICE_PORT: z.coerce.number().int().min(1).max(65535).default(443),
});

/** Where the Kubernetes API is and the ServiceAccount token the Job calls it with. */
export interface KubeAccess {
  url: string;
  token: string;
  /** PEM the API server's certificate is checked against. */
  ca: string;
  namespace: string;
}

export interface EnrollmentSettings {
  plan: EnrollmentPlan;
  ca: { url: string; caName?: string; tlsRoots: string; serverName?: string };
  bootstrap: { user: string; password: string };
  caWaitMs: number;
}

/** Parses ENROLL_PLAN; a message naming the first problem when it is not a plan. */
export function parsePlan(text: string): EnrollmentPlan {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`ENROLL_PLAN is not JSON: ${(error as Error).message}`, { cause: error });
  }
  const parsed = EnrollmentPlan.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`ENROLL_PLAN ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
  }
  for (const identity of parsed.data.identities) {
    if (identity.secrets.some((secret) => secret.layout === 'tls') && !identity.tlsHosts.length) {
      throw new Error(`ENROLL_PLAN: ${identity.id} has a tls Secret but no tlsHosts`);
    }
  }
  return parsed.data;
}

/** An address as a URL's host: IPv6 addresses in brackets. */
const hostPart = (host: string) => (host.includes(':') ? `[${host}]` : host);

/** The Job's settings, from its environment and its ServiceAccount's mounted token. */
export function readEnrollmentEnv(
  env: NodeJS.ProcessEnv = process.env,
  serviceAccountDir = SERVICE_ACCOUNT_DIR,
): { settings: EnrollmentSettings; kube: KubeAccess } {
  const parsed = EnrollmentEnv.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${issue?.path.join('.') ?? 'environment'}: ${issue?.message ?? 'invalid'}`);
  }
  const read = (file: string) => fs.readFileSync(file, 'utf8').trim();
  const config = parsed.data;
  return {
    settings: {
      plan: parsePlan(config.ENROLL_PLAN),
      ca: {
        url: config.FABRIC_CA_URL,
        caName: config.FABRIC_CA_NAME || undefined,
        tlsRoots: read(config.FABRIC_CA_TLS_CA_FILE),
        serverName: config.FABRIC_CA_TLS_SERVER_NAME || undefined,
      },
      bootstrap: {
        user: config.FABRIC_CA_BOOTSTRAP_USER,
        password: config.FABRIC_CA_BOOTSTRAP_PASSWORD,
      },
      caWaitMs: config.ENROLL_CA_WAIT_MS,
    },
    kube: {
      url: `https://${hostPart(config.KUBERNETES_SERVICE_HOST)}:${config.KUBERNETES_SERVICE_PORT}`,
      token: read(`${serviceAccountDir}/token`),
      ca: read(`${serviceAccountDir}/ca.crt`),
      namespace: read(`${serviceAccountDir}/namespace`),
    },
  };
}
