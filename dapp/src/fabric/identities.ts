// SPDX-License-Identifier: Apache-2.0
import crypto from 'node:crypto';

import type { FabricCaClient } from '@consortia/common';

import { open, seal } from '../sealing';

import type { SigningIdentity } from './identity';

/** A key-encryption key and the id stored beside what it sealed. */
export interface Kek {
  id: string;
  key: Buffer;
}

/**
 * FABRIC_IDENTITY_KEKS: `id:key` entries separated by commas, each key 32 bytes as 64 hex digits
 * or base64. The first seals new keys; every one opens, so a new key is rotated in by putting it
 * first and running `rotate()`, after which the old one can be dropped.
 */
export function parseKeks(text: string | undefined): Kek[] {
  const entries = (text ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  const keks = entries.map((entry) => {
    const match = /^([A-Za-z0-9._-]+):(.+)$/.exec(entry);
    if (!match) throw new Error('FABRIC_IDENTITY_KEKS entries must be id:key');
    const [, id = '', encoded = ''] = match;
    const key = /^[0-9a-fA-F]{64}$/.test(encoded)
      ? Buffer.from(encoded, 'hex')
      : Buffer.from(encoded, 'base64');
    if (key.length !== 32) {
      throw new Error(
        `FABRIC_IDENTITY_KEKS key '${id}' must be 32 bytes, as 64 hex digits or base64 (make one with \`openssl rand -base64 32\`)`,
      );
    }
    return { id, key };
  });
  if (new Set(keks.map((kek) => kek.id)).size !== keks.length) {
    throw new Error('FABRIC_IDENTITY_KEKS names a key id twice');
  }
  return keks;
}

/** The private key, sealed (AES-256-GCM) to the identity's name so it cannot be moved to another. */
export function sealKey(kek: Kek, name: string, privateKey: crypto.KeyObject): Buffer {
  return seal(kek.key, name, privateKey.export({ type: 'pkcs8', format: 'der' }));
}

export function openKey(kek: Kek, name: string, sealed: Buffer): crypto.KeyObject {
  const der = open(kek.key, name, sealed, 'a sealed identity key has an unknown format');
  return crypto.createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
}

/** What the vault needs of Postgres (a pg Pool or Client). */
export interface Queryable {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- pg's own generic signature, so Pool and Client fit
  query<R extends object>(text: string, values?: unknown[]): Promise<{ rows: R[] }>;
}

interface Row {
  name: string;
  msp_id: string;
  enrollment_id: string;
  certificate: string;
  sealed_key: Buffer;
  kek_id: string;
  revoked_at: Date | null;
}

/** The key-encryption keys cannot open what is stored: the DAPP must not start. */
export class IdentityKeyError extends Error {
  override readonly name = 'IdentityKeyError';
}

/**
 * The DAPP's store of per-user Fabric identities (table dapp_user_identities). A user's key pair
 * is made here, certified by the org's CA through enrollment, and kept only sealed under a
 * key-encryption key; the app-api names the user and the DAPP signs as them.
 */
export class UserIdentityVault {
  private readonly current: Kek;

  constructor(
    private readonly db: Queryable,
    private readonly keks: readonly Kek[],
    private readonly mspId: string,
  ) {
    const [current] = keks;
    if (!current) throw new Error('FABRIC_IDENTITY_KEKS is empty: per-user identities need a key');
    this.current = current;
  }

  private kek(id: string): Kek {
    const kek = this.keks.find((candidate) => candidate.id === id);
    if (!kek) {
      throw new IdentityKeyError(
        `identity keys are sealed under key-encryption key '${id}', which FABRIC_IDENTITY_KEKS does not hold`,
      );
    }
    return kek;
  }

  /**
   * Checks at start that every stored key opens under the configured keys, so a wrong or missing
   * key-encryption key stops the DAPP with the reason instead of failing each user's writes.
   */
  async checkKeys(): Promise<number> {
    const { rows } = await this.db.query<Row>(
      `SELECT DISTINCT ON (kek_id) * FROM dapp_user_identities ORDER BY kek_id, name`,
    );
    for (const row of rows) {
      try {
        openKey(this.kek(row.kek_id), row.name, row.sealed_key);
      } catch (error) {
        if (error instanceof IdentityKeyError) throw error;
        throw new IdentityKeyError(
          `key-encryption key '${row.kek_id}' does not open the stored identity keys: it is not the key they were sealed with`,
        );
      }
    }
    return rows.length;
  }

  private identity(row: Row): SigningIdentity {
    return {
      name: row.name,
      mspId: row.msp_id,
      certificate: Buffer.from(row.certificate),
      privateKey: openKey(this.kek(row.kek_id), row.name, row.sealed_key),
    };
  }

  private async store(
    name: string,
    enrollmentId: string,
    certificate: string,
    key: crypto.KeyObject,
  ) {
    await this.db.query(
      `INSERT INTO dapp_user_identities (name, msp_id, enrollment_id, certificate, sealed_key, kek_id)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (name) DO UPDATE SET certificate = $4, sealed_key = $5, kek_id = $6,
         enrollment_id = $3, revoked_at = NULL, updated_at = now()`,
      [
        name,
        this.mspId,
        enrollmentId,
        certificate,
        sealKey(this.current, name, key),
        this.current.id,
      ],
    );
  }

  /** Enrolls with a secret the registrar handed over; the key never leaves this process unsealed. */
  async enroll(
    ca: FabricCaClient,
    name: string,
    enrollmentId: string,
    secret: string,
  ): Promise<SigningIdentity> {
    const enrolled = await ca.enroll(enrollmentId, secret);
    await this.store(name, enrollmentId, enrolled.certificate, enrolled.privateKey);
    return {
      name,
      mspId: this.mspId,
      certificate: Buffer.from(enrolled.certificate),
      privateKey: enrolled.privateKey,
    };
  }

  /** A new certificate and key before the current certificate expires. */
  async reenroll(ca: FabricCaClient, name: string): Promise<SigningIdentity> {
    const current = await this.load(name);
    if (!current) throw new Error(`no Fabric identity named '${name}'`);
    const enrolled = await ca.reenroll({
      certificate: current.certificate.toString('utf8'),
      privateKey: current.privateKey,
    });
    const row = await this.row(name);
    await this.store(name, row?.enrollment_id ?? name, enrolled.certificate, enrolled.privateKey);
    return {
      ...current,
      certificate: Buffer.from(enrolled.certificate),
      privateKey: enrolled.privateKey,
    };
  }

  private async row(name: string): Promise<Row | undefined> {
    const { rows } = await this.db.query<Row>(
      `SELECT * FROM dapp_user_identities WHERE name = $1`,
      [name],
    );
    return rows[0];
  }

  /** What is stored of an identity (revoked ones too), without opening its key. */
  async status(
    name: string,
  ): Promise<{ enrollmentId: string; certificate: string; revokedAt: Date | null } | undefined> {
    const row = await this.row(name);
    return (
      row && {
        enrollmentId: row.enrollment_id,
        certificate: row.certificate,
        revokedAt: row.revoked_at,
      }
    );
  }

  /** The identity, unless unknown or revoked. */
  async load(name: string): Promise<SigningIdentity | undefined> {
    const row = await this.row(name);
    return row && !row.revoked_at ? this.identity(row) : undefined;
  }

  /** Adds every usable identity to the map the gateways sign from. */
  async loadAll(into: Map<string, SigningIdentity>): Promise<number> {
    const { rows } = await this.db.query<Row>(
      `SELECT * FROM dapp_user_identities WHERE revoked_at IS NULL`,
    );
    for (const row of rows) into.set(row.name, this.identity(row));
    return rows.length;
  }

  /**
   * Brings the map in line with the store, for identities another DAPP process enrolled,
   * re-enrolled or revoked: new and changed ones are added, revoked ones removed.
   */
  async refresh(into: Map<string, SigningIdentity>): Promise<void> {
    const { rows } = await this.db.query<Row>(`SELECT * FROM dapp_user_identities`);
    for (const row of rows) {
      if (row.revoked_at) into.delete(row.name);
      else if (into.get(row.name)?.certificate.toString('utf8') !== row.certificate) {
        into.set(row.name, this.identity(row));
      }
    }
  }

  /** Stops signing as the identity (the CA revocation and channel CRL make the ledger refuse it). */
  async markRevoked(name: string, from?: Map<string, SigningIdentity>): Promise<void> {
    await this.db.query(
      `UPDATE dapp_user_identities SET revoked_at = now(), updated_at = now() WHERE name = $1`,
      [name],
    );
    from?.delete(name);
  }

  /** Seals every key under the current key-encryption key; returns how many were resealed. */
  async rotate(): Promise<number> {
    const { rows } = await this.db.query<Row>(
      `SELECT * FROM dapp_user_identities WHERE kek_id <> $1`,
      [this.current.id],
    );
    for (const row of rows) {
      const key = openKey(this.kek(row.kek_id), row.name, row.sealed_key);
      await this.db.query(
        `UPDATE dapp_user_identities SET sealed_key = $2, kek_id = $3, updated_at = now()
         WHERE name = $1 AND kek_id = $4`,
        [row.name, sealKey(this.current, row.name, key), this.current.id, row.kek_id],
      );
    }
    return rows.length;
  }
}
