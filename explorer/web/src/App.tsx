// SPDX-License-Identifier: Apache-2.0
import { useEffect, useState } from 'react';
import { Navigate, Route, Routes } from 'react-router-dom';

import type { SessionInfo } from '../../src/http/api-types';
import { ApiFailure, fetchSession, logout, onUnauthenticated } from './api';
import { Layout } from './components/Layout';
import { GrafanaUrl } from './grafana';
import { LiveProvider } from './live';
import { BlockPage } from './pages/BlockPage';
import { BlocksPage } from './pages/BlocksPage';
import { ChaincodesPage } from './pages/ChaincodesPage';
import { DashboardPage } from './pages/DashboardPage';
import { AssetsPage, TokensPage } from './pages/AssetsPage';
import { KeyPage, StatePage } from './pages/StatePage';
import { LoginPage } from './pages/LoginPage';
import { MembersPage } from './pages/MembersPage';
import { NodesPage } from './pages/NodesPage';
import { NotFoundPage } from './pages/NotFoundPage';
import { SearchPage } from './pages/SearchPage';
import { TransactionPage } from './pages/TransactionPage';
import { TransactionsPage } from './pages/TransactionsPage';

type SessionState =
  | { kind: 'loading' }
  | { kind: 'failed'; message: string }
  | { kind: 'ready'; session: SessionInfo };

/** Asks who is logged in, shows the login form when nobody is, and the explorer otherwise. */
export function App() {
  const [state, setState] = useState<SessionState>({ kind: 'loading' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let active = true;
    fetchSession().then(
      (session) => active && setState({ kind: 'ready', session }),
      (error: unknown) =>
        active &&
        setState({
          kind: 'failed',
          message: error instanceof ApiFailure ? error.message : String(error),
        }),
    );
    const stop = onUnauthenticated(() =>
      setState((previous) =>
        previous.kind === 'ready'
          ? { kind: 'ready', session: { ...previous.session, authenticated: false } }
          : previous,
      ),
    );
    return () => {
      active = false;
      stop();
    };
  }, [attempt]);

  if (state.kind === 'loading') {
    return (
      <p className="centered muted" role="status">
        Loading…
      </p>
    );
  }
  if (state.kind === 'failed') {
    return (
      <div className="centered" role="alert">
        <p>The explorer cannot be reached: {state.message}</p>
        <button type="button" onClick={() => setAttempt((value) => value + 1)}>
          Try again
        </button>
      </div>
    );
  }
  const { session } = state;
  if (!session.authenticated) {
    return <LoginPage onLogin={(next) => setState({ kind: 'ready', session: next })} />;
  }
  const signOut = () => {
    void logout().finally(() =>
      setState({ kind: 'ready', session: { ...session, authenticated: false, user: undefined } }),
    );
  };
  return (
    <LiveProvider>
      <GrafanaUrl.Provider value={session.grafanaUrl}>
        <Routes>
          <Route element={<Layout session={session} onLogout={signOut} />}>
            <Route
              index
              element={
                <Navigate to={`/channels/${encodeURIComponent(session.defaultChannel)}`} replace />
              }
            />
            <Route path="channels/:channel">
              <Route index element={<DashboardPage />} />
              <Route path="blocks" element={<BlocksPage />} />
              <Route path="blocks/:number" element={<BlockPage />} />
              <Route path="transactions" element={<TransactionsPage />} />
              <Route path="transactions/:txId" element={<TransactionPage />} />
              <Route path="chaincodes" element={<ChaincodesPage />} />
              <Route path="state" element={<StatePage />} />
              <Route path="state/:namespace" element={<StatePage />} />
              <Route path="state/:namespace/key" element={<KeyPage />} />
              <Route path="assets" element={<AssetsPage />} />
              <Route path="tokens" element={<TokensPage />} />
              <Route path="members" element={<MembersPage />} />
            </Route>
            <Route path="nodes" element={<NodesPage />} />
            <Route path="search" element={<SearchPage />} />
            <Route path="*" element={<NotFoundPage />} />
          </Route>
        </Routes>
      </GrafanaUrl.Provider>
    </LiveProvider>
  );
}
