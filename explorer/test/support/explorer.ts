// SPDX-License-Identifier: Apache-2.0
import type { ExplorerConfig } from '../../src/config';
import { readConfig } from '../../src/config';
import { hashPassword } from '../../src/http/password';
import type { RunningService } from '../../src/service';
import { startService } from '../../src/service';
import { testLogger } from './infra';

export const OPERATOR = { user: 'operator', password: 'correct horse battery staple' };

/** The environment of an explorer with the test operator's login, listening on a free port. */
export async function explorerEnv(
  databaseUrl: string,
  extra: NodeJS.ProcessEnv = {},
): Promise<NodeJS.ProcessEnv> {
  return {
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'silent',
    DATABASE_URL: databaseUrl,
    EXPLORER_OPERATOR_USER: OPERATOR.user,
    EXPLORER_OPERATOR_PASSWORD_HASH: await hashPassword(OPERATOR.password),
    EXPLORER_SESSION_SECRET: 'a-test-session-secret-of-at-least-32-bytes',
    EXPLORER_LIVE_POLL_MS: '100',
    ...extra,
  };
}

export async function startTestExplorer(
  env: NodeJS.ProcessEnv,
): Promise<{ explorer: RunningService; config: ExplorerConfig; base: string }> {
  const config = readConfig(env);
  const explorer = await startService(config, testLogger('explorer-test'));
  return { explorer, config, base: explorer.url };
}

/** Logs in through the API and returns the session cookie to send with later requests. */
export async function loginCookie(base: string): Promise<string> {
  const response = await fetch(`${base}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(OPERATOR),
  });
  if (response.status !== 200) throw new Error(`login answered ${response.status}`);
  const cookie = response.headers.get('set-cookie');
  if (!cookie) throw new Error('login set no cookie');
  return cookie.split(';')[0]!;
}
