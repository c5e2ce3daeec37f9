// SPDX-License-Identifier: Apache-2.0
// The app-api as `npm start` runs it: `serve` on its own embedded PostgreSQL, then the first
// administrator created with `create-admin` while it serves (the command reuses the running
// embedded server), then a login. Real processes, real database, real HTTP.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import path from 'node:path';

import { call, freePort, login, tempDir, waitUntil } from '../support/stack';
import { TEST_JWT_SECRET } from '../support/stack';

const ENTRY = path.resolve(__dirname, '../../src/index.ts');

function run(args: string[], env: NodeJS.ProcessEnv, input?: string) {
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', ENTRY, ...args], {
    env: { ...process.env, ...env },
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  if (input !== undefined) child.stdin.end(input);
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { child, exited, output: () => output };
}

describe('app-api command line: serve, then create-admin beside it', function () {
  this.timeout(180_000);
  let server: ChildProcess | undefined;
  let env: NodeJS.ProcessEnv;
  let base: string;

  before(async function () {
    const port = await freePort();
    env = {
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      APP_API_DATA_DIR: tempDir('cli'),
      APP_API_EMBEDDED_PG_PORT: String(await freePort()),
      APP_API_PASSWORD_COST: '14',
      APP_API_JWT_SECRET: TEST_JWT_SECRET,
      // Reads and writes are not exercised here; serve only needs to know where they would go.
      MIRROR_DATABASE_URL: 'postgres://postgres@127.0.0.1:9/datasync',
      DAPP_URL: 'http://127.0.0.1:9',
      DAPP_API_KEY: 'unused.key',
    };
    const started = run(['serve'], env);
    server = started.child;
    base = `http://127.0.0.1:${port}`;
    await waitUntil(
      'the app-api to answer /healthz',
      async () => (await fetch(`${base}/healthz`)).ok,
      120_000,
    );
    assert.match(started.output(), /no administrator exists yet; create one/);
  });

  after(async function () {
    if (server && server.exitCode === null) {
      const exited = new Promise((resolve) => server?.on('exit', resolve));
      server.kill('SIGTERM');
      await exited;
    }
  });

  it('prints help, for the program and for a command', async function () {
    const help = run(['--help'], {});
    assert.equal(await help.exited, 0);
    assert.match(help.output(), /Usage: app-api \[options\] \[command\]/);
    assert.match(help.output(), /create-admin \[options\]/);
    const command = run(['create-admin', '--help'], {});
    assert.equal(await command.exited, 0);
    assert.match(command.output(), /--username <name>/);
    assert.match(command.output(), /--password-stdin/);
  });

  it('refuses an unknown option or a missing user name with status 2', async function () {
    const unknown = run(['serve', '--port', '80'], env);
    assert.equal(await unknown.exited, 2);
    assert.match(unknown.output(), /unknown option '--port'/);
    const missing = run(['create-admin'], env);
    assert.equal(await missing.exited, 2);
    assert.match(missing.output(), /required option '--username <name>' not specified/);
  });

  it('refuses a bad user name with the rule to follow', async function () {
    const bad = run(['create-admin', '--username', 'X'], env);
    assert.equal(await bad.exited, 2);
    assert.match(bad.output(), /3-64 of a-z/);
  });

  it('creates the first admin with a generated password shown once, who can log in', async function () {
    const created = run(['create-admin', '--username', 'first-admin'], {
      ...env,
      LOG_LEVEL: 'warn',
    });
    const code = await created.exited;
    assert.equal(code, 0, `exit ${code}: ${created.output()}`);
    const password = /password \(shown once[^)]*\): (\S+)/.exec(created.output())?.[1];
    assert.ok(password, created.output());
    const session = await login(base, 'first-admin', password);
    assert.deepEqual(session.user.roles, ['admin']);
    const me = await call(base, 'GET', '/v1/me', { token: session.accessToken });
    assert.equal(me.status, 200);

    const again = run(['create-admin', '--username', 'first-admin'], { ...env, LOG_LEVEL: 'warn' });
    assert.equal(await again.exited, 1, again.output());
    assert.match(again.output(), /already exists; nothing changed/);
  });

  it('stops gracefully on SIGTERM', async function () {
    assert.ok(server);
    const exited = new Promise<number | null>((resolve) => server?.on('exit', resolve));
    server.kill('SIGTERM');
    assert.equal(await exited, 0);
  });
});
