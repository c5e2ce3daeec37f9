// SPDX-License-Identifier: Apache-2.0
import crypto from 'node:crypto';
import https from 'node:https';

import { certificateRequest, lowS, newSigningKey } from './csr';

/** Where a Fabric CA serves, and the certificates its TLS listener is checked against. */
export interface FabricCaEndpoint {
  /** https://host:port */
  url: string;
  /** PEM: the CA's TLS certificate or chain. */
  tlsRoots: string;
  /** The TLS server name, when the URL's host is an address. */
  serverName?: string;
  caName?: string;
  timeoutMs?: number;
}

/** An enrolled identity: what signs requests to the CA and transactions to Fabric. */
export interface CaCredentials {
  certificate: string;
  privateKey: crypto.KeyObject;
}

export interface Enrolled extends CaCredentials {
  /** PEM of the CA chain that issued it (intermediate, then root). */
  chain: string;
}

export interface Registration {
  id: string;
  type: 'client' | 'peer' | 'orderer' | 'admin';
  /** Omitted: the CA makes one up and returns it. */
  secret?: string;
  affiliation?: string;
  /** Put into the enrollment certificate, where chaincode reads them. */
  attributes?: Record<string, string>;
  maxEnrollments?: number;
}

/** The CA could not be reached or did not answer: retry later, nothing was done. */
export class FabricCaUnavailableError extends Error {
  override readonly name = 'FabricCaUnavailableError';
}

/** The CA answered and refused, with its own code and message (e.g. 74: already registered). */
export class FabricCaRequestError extends Error {
  override readonly name = 'FabricCaRequestError';
  constructor(
    message: string,
    readonly status: number,
    readonly codes: number[],
  ) {
    super(message);
  }
}

interface CaAnswer<T> {
  success: boolean;
  result: T;
  errors?: { code: number; message: string }[];
}

const b64 = (text: string | Buffer) => Buffer.from(text).toString('base64');

/**
 * The token Fabric CA checks on every call made as an identity: the certificate, and a low-s
 * ECDSA signature over the method, path, body and certificate.
 */
export function authToken(as: CaCredentials, method: string, uri: string, body: string): string {
  const cert = b64(as.certificate);
  const payload = `${method}.${b64(uri)}.${b64(body)}.${cert}`;
  const signature = lowS(crypto.sign('sha256', Buffer.from(payload), as.privateKey));
  return `${cert}.${signature.toString('base64')}`;
}

/** Fabric CA's REST API (v1), as fabric-ca-client speaks it. */
export class FabricCaClient {
  constructor(readonly endpoint: FabricCaEndpoint) {}

  private call<T>(
    path: string,
    body: object | undefined,
    auth: { basic: string } | { as: CaCredentials },
    method = 'POST',
  ): Promise<T> {
    const uri = `/api/v1/${path}`;
    const text = body === undefined ? '' : JSON.stringify(body);
    const authorization =
      'basic' in auth ? `Basic ${b64(auth.basic)}` : authToken(auth.as, method, uri, text);
    const url = new URL(uri, this.endpoint.url);
    return new Promise<T>((resolve, reject) => {
      const request = https.request(
        url,
        {
          method,
          ca: this.endpoint.tlsRoots,
          servername: this.endpoint.serverName,
          timeout: this.endpoint.timeoutMs ?? 10_000,
          headers: { authorization, 'content-type': 'application/json' },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => {
            let answer: CaAnswer<T>;
            try {
              answer = JSON.parse(Buffer.concat(chunks).toString('utf8')) as CaAnswer<T>;
            } catch {
              reject(
                new FabricCaUnavailableError(
                  `the CA at ${url.host} answered ${response.statusCode ?? '?'} without JSON`,
                ),
              );
              return;
            }
            if (answer.success) resolve(answer.result);
            else {
              const errors = answer.errors ?? [];
              reject(
                new FabricCaRequestError(
                  errors.map((error) => error.message).join('; ') ||
                    `HTTP ${response.statusCode ?? '?'}`,
                  response.statusCode ?? 0,
                  errors.map((error) => error.code),
                ),
              );
            }
          });
          response.on('error', (error) => reject(new FabricCaUnavailableError(error.message)));
        },
      );
      request.on('timeout', () => request.destroy(new Error('timed out')));
      request.on('error', (error) =>
        reject(
          new FabricCaUnavailableError(`the CA at ${url.host} is unreachable: ${error.message}`),
        ),
      );
      request.end(text);
    });
  }

  private named<T extends object>(body: T): T & { caname?: string } {
    return this.endpoint.caName ? { ...body, caname: this.endpoint.caName } : body;
  }

  /**
   * Enrolls with an enrollment secret; the key pair is made here and never sent. `profile: 'tls'`
   * asks a TLS CA for a TLS certificate; `hosts` become its subject alternative names.
   */
  async enroll(
    id: string,
    secret: string,
    options: { privateKey?: crypto.KeyObject; profile?: string; hosts?: string[] } = {},
  ): Promise<Enrolled> {
    const privateKey = options.privateKey ?? newSigningKey();
    const result = await this.call<{ Cert: string; ServerInfo: { CAChain: string } }>(
      'enroll',
      this.named({
        certificate_request: certificateRequest(privateKey, id),
        ...(options.profile ? { profile: options.profile } : {}),
        ...(options.hosts ? { hosts: options.hosts } : {}),
      }),
      { basic: `${id}:${secret}` },
    );
    return enrolled(result, privateKey);
  }

  /** A new certificate (and key) for an identity whose current certificate is still valid. */
  async reenroll(current: CaCredentials, privateKey = newSigningKey()): Promise<Enrolled> {
    const subject = new crypto.X509Certificate(current.certificate).subject;
    const commonName = /CN=([^\n]+)/.exec(subject)?.[1] ?? 'reenroll';
    const result = await this.call<{ Cert: string; ServerInfo: { CAChain: string } }>(
      'reenroll',
      this.named({ certificate_request: certificateRequest(privateKey, commonName) }),
      { as: current },
    );
    return enrolled(result, privateKey);
  }

  /** Registers an identity; returns its enrollment secret. */
  async register(registrar: CaCredentials, registration: Registration): Promise<string> {
    const attrs = Object.entries(registration.attributes ?? {}).map(([name, value]) => ({
      name,
      value,
      ecert: true,
    }));
    const result = await this.call<{ secret: string }>(
      'register',
      this.named({
        id: registration.id,
        type: registration.type,
        secret: registration.secret,
        affiliation: registration.affiliation ?? '',
        max_enrollments: registration.maxEnrollments ?? -1,
        attrs,
      }),
      { as: registrar },
    );
    return result.secret;
  }

  /** Revokes every certificate of an identity; returns the CA's new CRL (PEM). */
  async revoke(registrar: CaCredentials, id: string, reason = 'unspecified'): Promise<string> {
    const result = await this.call<{ CRL?: string }>(
      'revoke',
      this.named({ id, reason, gencrl: true }),
      { as: registrar },
    );
    return Buffer.from(result.CRL ?? '', 'base64').toString('utf8');
  }

  /** The CA's current CRL (PEM), listing every certificate it has revoked; needs hf.GenCRL. */
  async crl(registrar: CaCredentials): Promise<string> {
    const result = await this.call<{ CRL?: string }>('gencrl', this.named({}), { as: registrar });
    return Buffer.from(result.CRL ?? '', 'base64').toString('utf8');
  }

  /**
   * Changes a registered identity (PUT identities/{id}): a new enrollment secret, how many
   * enrollments it allows (-1: no limit), its attributes. Returns nothing the caller needs.
   */
  async modify(
    registrar: CaCredentials,
    id: string,
    changes: { secret?: string; maxEnrollments?: number; attributes?: Record<string, string> },
  ): Promise<void> {
    const attrs = Object.entries(changes.attributes ?? {}).map(([name, value]) => ({
      name,
      value,
      ecert: true,
    }));
    await this.call(
      `identities/${encodeURIComponent(id)}`,
      this.named({
        secret: changes.secret ?? '',
        max_enrollments: changes.maxEnrollments ?? 0,
        attrs,
      }),
      { as: registrar },
      'PUT',
    );
  }

  /** The identity's registration, or undefined when the CA does not know it. */
  async identity(
    registrar: CaCredentials,
    id: string,
  ): Promise<{ id: string; type: string; attrs: { name: string; value: string }[] } | undefined> {
    try {
      return await this.call(
        `identities/${encodeURIComponent(id)}`,
        undefined,
        { as: registrar },
        'GET',
      );
    } catch (error) {
      if (error instanceof FabricCaRequestError && error.codes.includes(63)) return undefined;
      throw error;
    }
  }
}

function enrolled(
  result: { Cert: string; ServerInfo: { CAChain: string } },
  privateKey: crypto.KeyObject,
): Enrolled {
  return {
    certificate: Buffer.from(result.Cert, 'base64').toString('utf8'),
    chain: Buffer.from(result.ServerInfo.CAChain, 'base64').toString('utf8'),
    privateKey,
  };
}
