// SPDX-License-Identifier: Apache-2.0
import crypto from 'node:crypto';
import fs from 'node:fs';

import type { CaCredentials, Logger } from '@consortia/common';
import {
  answering,
  ApiError,
  caUnavailable,
  FabricCaClient,
  FabricCaRequestError,
  FabricCaUnavailableError,
} from '@consortia/common';
import { certificateNotAfter } from '@consortia/common/crypto';
import pg from 'pg';

import type { DappConfig } from '../config';
import { IdentityKeyError, parseKeks, UserIdentityVault } from './identities';
import type { SigningIdentity } from './identity';
import { userIdentityName } from './identity';

/** Fabric CA's error code for an identity registered already. */
const ALREADY_REGISTERED = 74;

/** What the administration routes answer about one per-user identity. */
export interface UserIdentityView {
  identity: string;
  user: string;
  enrollmentId: string;
  mspId: string;
  certificate: string;
  serialNumber: string;
  notAfter: string;
  revoked: boolean;
}

interface OrgCa {
  client: FabricCaClient;
  registrar: CaCredentials;
}

/** The CA's failures as the API documents them; nothing is left half-made by either. */
function caAnswer(error: unknown): unknown {
  if (error instanceof FabricCaUnavailableError) return caUnavailable();
  if (error instanceof FabricCaRequestError) {
    return new ApiError(502, 'CA_REFUSED', `the certificate authority refused: ${error.message}`);
  }
  return error;
}

const atCa = <T>(work: () => Promise<T>): Promise<T> => answering(work, caAnswer);

/**
 * Enrolls, re-enrolls and revokes users' Fabric identities at the org's CA (as its registrar),
 * keeps them in the vault, and keeps the map the gateways sign from up to date.
 */
export class UserIdentityAdministration {
  constructor(
    private readonly vault: UserIdentityVault,
    private readonly signing: Map<string, SigningIdentity>,
    private readonly mspId: string,
    private readonly ca: OrgCa | undefined,
  ) {}

  private orgCa(): OrgCa {
    if (!this.ca) {
      throw new ApiError(
        503,
        'CA_NOT_CONFIGURED',
        'this DAPP has no certificate authority configured (FABRIC_CA_URL and its registrar)',
      );
    }
    return this.ca;
  }

  /** The stored identity of a user (revoked ones too). */
  async describe(user: string): Promise<UserIdentityView> {
    const name = userIdentityName(user);
    const stored = await this.vault.status(name);
    if (!stored) throw new ApiError(404, 'IDENTITY_NOT_FOUND', `no Fabric identity for '${user}'`);
    const certificate = new crypto.X509Certificate(stored.certificate);
    return {
      identity: name,
      user,
      enrollmentId: stored.enrollmentId,
      mspId: this.mspId,
      certificate: stored.certificate,
      serialNumber: certificate.serialNumber,
      notAfter: certificateNotAfter(certificate).toISOString(),
      revoked: stored.revokedAt !== null,
    };
  }

  /**
   * Registers the user at the CA (attributes consortia.user and consortia.role in every
   * certificate) and enrolls with a key made here. An identity enrolled already is answered as
   * it is (`created: false`), so a creation interrupted after this step can simply be retried.
   */
  async enroll(user: string, role: string): Promise<UserIdentityView & { created: boolean }> {
    const name = userIdentityName(user);
    const stored = await this.vault.status(name);
    if (stored?.revokedAt) {
      throw new ApiError(409, 'IDENTITY_REVOKED', `the Fabric identity of '${user}' was revoked`);
    }
    if (stored) return { ...(await this.describe(user)), created: false };
    const { client, registrar } = this.orgCa();
    const attributes = { 'consortia.user': user, 'consortia.role': role };
    // Used once, here, and never stored: the key pair is made in this process.
    const secret = crypto.randomBytes(24).toString('base64url');
    await atCa(async () => {
      try {
        await client.register(registrar, {
          id: user,
          type: 'client',
          secret,
          maxEnrollments: 1,
          attributes,
        });
      } catch (error) {
        if (!(error instanceof FabricCaRequestError && error.codes.includes(ALREADY_REGISTERED))) {
          throw error;
        }
        // Registered by an earlier attempt that did not finish: only an identity made for this
        // very user is taken over (never a node's or the registrar's own), with a new secret.
        const registered = await client.identity(registrar, user);
        const owner = registered?.attrs.find((attr) => attr.name === 'consortia.user')?.value;
        if (registered?.type !== 'client' || owner !== user) {
          throw new ApiError(
            409,
            'IDENTITY_EXISTS',
            `the certificate authority has an identity '${user}' that is not this user's`,
          );
        }
        // The earlier secret may have been used: allow enrollments again (the secret dies here).
        await client.modify(registrar, user, { secret, maxEnrollments: -1, attributes });
      }
    });
    const identity = await atCa(() => this.vault.enroll(client, name, user, secret));
    this.signing.set(name, identity);
    return { ...(await this.describe(user)), created: true };
  }

  /** A new certificate and key, before the current certificate expires. */
  async reenroll(user: string): Promise<UserIdentityView> {
    const name = userIdentityName(user);
    const { client } = this.orgCa();
    if (!(await this.vault.load(name))) {
      throw new ApiError(404, 'IDENTITY_NOT_FOUND', `no usable Fabric identity for '${user}'`);
    }
    this.signing.set(name, await atCa(() => this.vault.reenroll(client, name)));
    return this.describe(user);
  }

  /**
   * Revokes every certificate of the user at the CA and stops signing as them. Returns the
   * CA's new CRL: once it is in the org's channel MSP, peers refuse the user's transactions.
   */
  async revoke(user: string, reason: string): Promise<UserIdentityView & { crl: string }> {
    const name = userIdentityName(user);
    const { client, registrar } = this.orgCa();
    const stored = await this.vault.status(name);
    if (!stored) throw new ApiError(404, 'IDENTITY_NOT_FOUND', `no Fabric identity for '${user}'`);
    const crl = await atCa(() => client.revoke(registrar, stored.enrollmentId, reason));
    await this.vault.markRevoked(name, this.signing);
    return { ...(await this.describe(user)), crl };
  }
}

function readFile(variable: string, file: string | undefined): string {
  if (!file) throw new Error(`FABRIC_CA_URL needs ${variable}`);
  return fs.readFileSync(file, 'utf8');
}

function orgCaFrom(config: DappConfig): OrgCa | undefined {
  if (!config.FABRIC_CA_URL) return undefined;
  return {
    client: new FabricCaClient({
      url: config.FABRIC_CA_URL,
      tlsRoots: readFile('FABRIC_CA_TLS_CA_FILE', config.FABRIC_CA_TLS_CA_FILE),
      serverName: config.FABRIC_CA_TLS_SERVER_NAME,
      caName: config.FABRIC_CA_NAME,
    }),
    registrar: {
      certificate: readFile('FABRIC_CA_REGISTRAR_CERT_FILE', config.FABRIC_CA_REGISTRAR_CERT_FILE),
      privateKey: crypto.createPrivateKey(
        readFile('FABRIC_CA_REGISTRAR_KEY_FILE', config.FABRIC_CA_REGISTRAR_KEY_FILE),
      ),
    },
  };
}

/** The vault under FABRIC_IDENTITY_KEKS, once they parse and open every stored key. */
async function openVault(config: DappConfig, pool: pg.Pool): Promise<UserIdentityVault> {
  let keks;
  try {
    keks = parseKeks(config.FABRIC_IDENTITY_KEKS);
  } catch (error) {
    throw new IdentityKeyError((error as Error).message);
  }
  const vault = new UserIdentityVault(pool, keks, config.FABRIC_MSP_ID);
  await vault.checkKeys();
  return vault;
}

/**
 * Opens the per-user identities at start: FABRIC_IDENTITY_KEKS must parse and open every stored
 * key, or the DAPP does not start (IdentityKeyError, naming the reason and never the key).
 * Usable identities go into `signing`. Without keys, per-user identities are off.
 */
export async function openUserIdentities(
  config: DappConfig,
  connection: pg.ClientConfig,
  signing: Map<string, SigningIdentity>,
  logger: Logger,
): Promise<{ administration: UserIdentityAdministration; close(): Promise<void> } | undefined> {
  if (!config.FABRIC_IDENTITY_KEKS?.trim()) {
    if (config.FABRIC_CA_URL) {
      throw new IdentityKeyError('FABRIC_CA_URL is set but FABRIC_IDENTITY_KEKS is not');
    }
    return undefined;
  }
  const pool = new pg.Pool({ ...connection, max: 2 });
  pool.on('error', () => undefined);
  try {
    const vault = await openVault(config, pool);
    const loaded = await vault.loadAll(signing);
    logger.info({ identities: loaded, ca: config.FABRIC_CA_URL }, 'per-user Fabric identities');
    // Replicas and separate workers share the store: a user revoked through one must stop
    // signing on all of them, and one enrolled through one must sign on all.
    let refreshing: Promise<void> = Promise.resolve();
    const refresher = setInterval(() => {
      refreshing = vault.refresh(signing).catch((error: unknown) => {
        logger.warn({ err: error }, 'per-user identities could not be refreshed');
      });
    }, config.FABRIC_IDENTITY_REFRESH_MS);
    refresher.unref();
    return {
      administration: new UserIdentityAdministration(
        vault,
        signing,
        config.FABRIC_MSP_ID,
        orgCaFrom(config),
      ),
      close: async () => {
        clearInterval(refresher);
        await refreshing;
        await pool.end();
      },
    };
  } catch (error) {
    await pool.end();
    throw error;
  }
}

/**
 * Reseals every stored identity key under the first of FABRIC_IDENTITY_KEKS (`dapp
 * rotate-identity-keys`); afterwards the other keys can be dropped. Returns how many were resealed.
 */
export async function rotateIdentityKeys(
  config: DappConfig,
  connection: pg.ClientConfig,
): Promise<number> {
  const pool = new pg.Pool({ ...connection, max: 1 });
  try {
    return await (await openVault(config, pool)).rotate();
  } finally {
    await pool.end();
  }
}
