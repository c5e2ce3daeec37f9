// SPDX-License-Identifier: Apache-2.0
import { useState } from 'react';
import type { SubmitEvent } from 'react';

import type { SessionInfo } from '../../../src/http/api-types';
import { ApiFailure, login } from '../api';
import { PageTitle } from '../components/ui';

/** The operator login: the credential comes from the explorer's configuration. */
export function LoginPage({ onLogin }: { onLogin: (session: SessionInfo) => void }) {
  const [user, setUser] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    login(user, password).then(
      (session) => onLogin(session),
      (failure: unknown) => {
        setBusy(false);
        setError(failure instanceof ApiFailure ? failure.message : String(failure));
      },
    );
  };

  return (
    <main id="main" className="login">
      <form className="card login-card" onSubmit={submit} aria-describedby="login-help">
        <PageTitle title="Log in">Consortia explorer</PageTitle>
        <p id="login-help" className="muted">
          Log in with the operator credential of this organization&apos;s explorer.
        </p>
        <div className="field">
          <label htmlFor="login-user">User</label>
          <input
            id="login-user"
            name="user"
            autoComplete="username"
            required
            value={user}
            onChange={(event) => setUser(event.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="login-password">Password</label>
          <input
            id="login-password"
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
        </div>
        {error ? (
          <p className="notice notice-error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Logging in…' : 'Log in'}
        </button>
      </form>
    </main>
  );
}
