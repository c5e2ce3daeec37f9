import type { KubeClients } from './client';
import { apiFailure, isNotFound } from './client';
import type { OrgLayout } from './naming';
import { secretNames } from './secrets';

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
): Promise<DappApiCredentials> {
  const { ApiKeyVerifier, hashApiKey, parseApiKeyEntries } = await import('@consortia/dapp');
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
    if ((await verifier.verify(presented)) !== undefined) {
      return { entries: kept.join(','), key: presented, made: false };
    }
  }
  const made = await hashApiKey(APPLICATIONS_KEY_NAME);
  // the applications' old entry goes: its key is replaced by the new one
  const others = parsed
    .filter((each) => !each.names.includes(APPLICATIONS_KEY_NAME))
    .map((each) => each.entry);
  return { entries: [...others, made.entry].join(','), key: made.key, made: true };
}
