// SPDX-License-Identifier: Apache-2.0
import { UserError } from '../errors';
import type { KubeClients } from './client';
import { apiFailure, isNotFound } from './client';
import type { OrgLayout } from './naming';
import { secretNames } from './secrets/names';

/** The DAPP's API key Secret value and the key the applications present with it. */
export interface DappApiCredentials {
  /** DAPP_API_KEYS: comma-separated entries made by the DAPP's own hashApiKey. */
  entries: string;
  /** The key (name.secret) the app-api sends; only its hash is in `entries`. */
  key: string;
  /** Whether a new key was made (none was there, or the one there did not verify). */
  made: boolean;
}

/** The name under which the applications' key is entered in DAPP_API_KEYS. */
export const APPLICATIONS_KEY_NAME = 'app-api';

/**
 * The identities the applications' key may sign as by default: every one the DAPP is configured
 * with. The app-api relays each user's own Fabric identity (x-fabric-identity, set per user by its
 * administrators, `default` when none), so it needs whichever of the DAPP's identities its users
 * are given; the DAPP itself refuses names it does not have.
 */
export const APPLICATIONS_IDENTITIES: readonly string[] = ['*'];

async function readSecretValue(
  clients: KubeClients,
  name: string,
  namespace: string,
  key: string,
): Promise<string | undefined> {
  try {
    const secret = await clients.core.readNamespacedSecret({ name, namespace });
    const value = secret.data?.[key];
    return value === undefined ? undefined : Buffer.from(value, 'base64').toString();
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw apiFailure(`reading Secret ${namespace}/${name}`, error, clients);
  }
}

/**
 * The DAPP's key entries and the applications' key. What the cluster already holds is kept when
 * the applications' key verifies against it (the running DAPP and app-api keep working); otherwise
 * a new key is made with the DAPP's own hashApiKey, and its entry added to the entries that parse.
 * Entries are made and checked only by the DAPP's exported functions, so they follow its format.
 */
export async function dappApiCredentials(
  clients: KubeClients,
  layout: OrgLayout,
  identities: readonly string[] = APPLICATIONS_IDENTITIES,
): Promise<DappApiCredentials> {
  const { ApiKeyVerifier, hashApiKey, parseApiKeyEntries, rescopeApiKeyEntry } =
    await import('@consortia/dapp');
  try {
    // the DAPP's own parser judges the scope, before any key is made or entry rewritten
    parseApiKeyEntries([rescopeApiKeyEntry(`${APPLICATIONS_KEY_NAME}:AA:AA`, identities)]);
  } catch {
    throw new UserError(
      `the applications' identities (${identities.join(',')}) are not Fabric identity names`,
      'name identities as FABRIC_IDENTITIES does (letters, digits, . _ -), or * for all',
    );
  }
  const existing = await readSecretValue(
    clients,
    secretNames.dappApiKeys(layout),
    layout.namespaces.blockchain,
    'api-keys',
  );
  const presented = await readSecretValue(
    clients,
    secretNames.appDappCredentials(layout),
    layout.namespaces.application,
    'api-key',
  );
  // entries that do not parse (e.g. a raw key an earlier version wrote) would stop the DAPP
  const parsed = (existing ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .flatMap((entry) => {
      try {
        return [{ entry, names: [...parseApiKeyEntries([entry]).keys()] }];
      } catch {
        return [];
      }
    });
  const kept = parsed.map((each) => each.entry);
  if (presented && kept.length > 0) {
    const verifier = new ApiKeyVerifier(parseApiKeyEntries(kept));
    const name = await verifier.verify(presented);
    if (name !== undefined) {
      // the key stays; its entry is scoped to the identities asked for (an entry without a scope
      // allowed `default` only)
      const entries = parsed.map((each) =>
        each.names.includes(name) ? rescopeApiKeyEntry(each.entry, identities) : each.entry,
      );
      return { entries: entries.join(','), key: presented, made: false };
    }
  }
  const made = await hashApiKey(APPLICATIONS_KEY_NAME, undefined, identities);
  // the applications' old entry goes: its key is replaced by the new one
  const others = parsed
    .filter((each) => !each.names.includes(APPLICATIONS_KEY_NAME))
    .map((each) => each.entry);
  return { entries: [...others, made.entry].join(','), key: made.key, made: true };
}
