// SPDX-License-Identifier: Apache-2.0
// The chaincode service's configuration, read from its environment. Every
// organization runs its own service, so each endorser applies its own
// operator's setting: a transaction that depends on it only gathers the
// endorsements it needs when the organizations agree.
import { forbidden } from './errors';

export const TOKEN_ADMIN_MSP_VARIABLE = 'TOKEN_ADMIN_MSP';

const MSP_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export interface ChaincodeConfig {
  /** MSP id of the one organization that may initialize the token; undefined when unset. */
  tokenAdminMsp: string | undefined;
  /** Why the configuration cannot be used, when it cannot. */
  problem: string | undefined;
}

/** Reads the configuration; read per call so it needs no start-up hook in the shim. */
export function loadChaincodeConfig(env: NodeJS.ProcessEnv = process.env): ChaincodeConfig {
  const raw = env[TOKEN_ADMIN_MSP_VARIABLE]?.trim() ?? '';
  if (raw === '') {
    return {
      tokenAdminMsp: undefined,
      problem: `${TOKEN_ADMIN_MSP_VARIABLE} is not set on this chaincode service; set it to the MSP id of the token's admin organization`,
    };
  }
  if (!MSP_ID.test(raw)) {
    return {
      tokenAdminMsp: undefined,
      problem: `${TOKEN_ADMIN_MSP_VARIABLE} on this chaincode service is not an MSP id: '${raw}'`,
    };
  }
  return { tokenAdminMsp: raw, problem: undefined };
}

/** The configured token admin MSP; throws FORBIDDEN naming the variable when unusable. */
export function requireTokenAdminMsp(config: ChaincodeConfig = loadChaincodeConfig()): string {
  if (config.tokenAdminMsp === undefined) {
    throw forbidden(`Initialize is refused: ${String(config.problem)}`);
  }
  return config.tokenAdminMsp;
}
