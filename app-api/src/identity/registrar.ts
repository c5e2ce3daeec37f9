// SPDX-License-Identifier: Apache-2.0
import type { CaCredentials, FabricCaClient } from '@consortia/common';
import { ApiError, FabricCaRequestError, FabricCaUnavailableError } from '@consortia/common';

import { ROLES } from '../auth/permissions';

/** The DAPP identity name a user's writes are signed with. */
export function identityName(username: string): string {
  return `user:${username}`;
}

/** Fabric CA's error code for an identity registered already. */
const ALREADY_REGISTERED = 74;

export interface RegisteredIdentity {
  /** The enrollment id at the CA, which the certificate's CN and the ledger's owner carry. */
  enrollmentId: string;
  /** Used once, by the DAPP, to enroll with a key it makes itself. */
  secret: string;
  /** The name the app-api gives the DAPP when it writes as the user. */
  identity: string;
}

/** Turns the CA's failures into the answers the API documents. */
function answerFor(error: unknown, username: string): unknown {
  if (error instanceof FabricCaUnavailableError) {
    return new ApiError(
      503,
      'CA_UNAVAILABLE',
      "the organization's certificate authority cannot be reached; nothing was created",
      undefined,
      { 'retry-after': '5' },
    );
  }
  if (error instanceof FabricCaRequestError && error.codes.includes(ALREADY_REGISTERED)) {
    return new ApiError(409, 'IDENTITY_EXISTS', `a Fabric identity '${username}' exists already`);
  }
  return error;
}

/**
 * Registers, looks up and revokes the Fabric identities of app-api users at their org's CA,
 * through its REST API as the CA's registrar. The certificate carries the username and role as
 * attributes (consortia.user, consortia.role), which chaincode reads to authorize.
 */
export class UserIdentityRegistrar {
  constructor(
    private readonly ca: FabricCaClient,
    private readonly registrar: CaCredentials,
  ) {}

  async register(username: string, role: string): Promise<RegisteredIdentity> {
    if (!(ROLES as readonly string[]).includes(role)) {
      throw new ApiError(400, 'UNKNOWN_ROLE', `unknown role '${role}'`, { roles: [...ROLES] });
    }
    try {
      const secret = await this.ca.register(this.registrar, {
        id: username,
        type: 'client',
        // one enrollment: the DAPP's; later certificates come by re-enrollment
        maxEnrollments: 1,
        attributes: { 'consortia.user': username, 'consortia.role': role },
      });
      return { enrollmentId: username, secret, identity: identityName(username) };
    } catch (error) {
      throw answerFor(error, username);
    }
  }

  /** Revokes every certificate of the user at the CA; returns the CA's new CRL (PEM). */
  async revoke(username: string, reason = 'unspecified'): Promise<string> {
    try {
      return await this.ca.revoke(this.registrar, username, reason);
    } catch (error) {
      throw answerFor(error, username);
    }
  }

  async exists(username: string): Promise<boolean> {
    try {
      return (await this.ca.identity(this.registrar, username)) !== undefined;
    } catch (error) {
      throw answerFor(error, username);
    }
  }
}
