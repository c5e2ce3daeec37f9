// SPDX-License-Identifier: Apache-2.0
import type { DappConfig } from '../config';
import { parseApiKeyEntries } from '../http/api-keys';
import { ApiKeyVerifier } from '../http/auth';
import { AuthThrottle } from '../http/auth-throttle';
import { TransientVault, parseTransientKey } from '../store/transient-vault';
import { CallerPolicy, parseClientIdentities } from './callers';

/** Who may call, as which Fabric identity, and how queued secrets are sealed: all from config. */
export interface Access {
  verifier: ApiKeyVerifier;
  policy: CallerPolicy;
  vault: TransientVault;
}

export function accessFrom(config: DappConfig, hasIdentity: (name: string) => boolean): Access {
  const keys = parseApiKeyEntries(config.DAPP_API_KEYS);
  const throttle = new AuthThrottle({
    maxConcurrent: config.DAPP_AUTH_MAX_CONCURRENT,
    maxWaiting: config.DAPP_AUTH_MAX_WAITING,
    failuresPerSource: config.DAPP_AUTH_FAILURES_PER_SOURCE,
    failuresGlobal: config.DAPP_AUTH_FAILURES_GLOBAL,
    windowMs: config.DAPP_AUTH_WINDOW_MS,
  });
  return {
    verifier: new ApiKeyVerifier(keys, throttle),
    policy: new CallerPolicy(
      keys.values(),
      parseClientIdentities(config.DAPP_CLIENT_IDENTITIES),
      hasIdentity,
    ),
    vault: new TransientVault(parseTransientKey(config.DAPP_TRANSIENT_KEY)),
  };
}
