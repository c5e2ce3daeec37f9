// SPDX-License-Identifier: Apache-2.0
import { useEffect, useRef, useState } from 'react';
import type { SubmitEvent } from 'react';
import { NavLink, Outlet, useLocation, useMatch, useNavigate } from 'react-router-dom';

import type { Overview, SessionInfo } from '../../../src/http/api-types';
import { query } from '../api';
import { useApi } from '../hooks';
import {
  assetsPath,
  blocksPath,
  chaincodesPath,
  channelPath,
  membersPath,
  statePath,
  tokensPath,
  transactionsPath,
} from '../links';
import { useLive } from '../live';

const SECTIONS = [
  { label: 'Dashboard', path: channelPath, end: true },
  { label: 'Blocks', path: blocksPath, end: false },
  { label: 'Transactions', path: transactionsPath, end: false },
  { label: 'Chaincodes', path: chaincodesPath, end: false },
  { label: 'World state', path: (channel: string) => statePath(channel), end: false },
  { label: 'Assets', path: assetsPath, end: false },
  { label: 'Tokens', path: tokensPath, end: false },
  { label: 'Members', path: membersPath, end: false },
];

function SearchBox({ channel }: { channel: string }) {
  const navigate = useNavigate();
  const location = useLocation();
  const current = new URLSearchParams(location.search).get('q') ?? '';
  const [text, setText] = useState(location.pathname === '/search' ? current : '');
  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    const q = text.trim();
    if (q) void navigate(`/search${query({ q, channel })}`);
  };
  return (
    <form className="search" role="search" onSubmit={submit}>
      <label htmlFor="search-input" className="sr-only">
        Search by block number, transaction id or key
      </label>
      <input
        id="search-input"
        type="search"
        name="q"
        value={text}
        onChange={(event) => setText(event.target.value)}
        placeholder="Block number, tx id or key"
        autoComplete="off"
        spellCheck={false}
      />
      <button type="submit">Search</button>
    </form>
  );
}

/** Header (channel, search, session), section navigation, live status, and the page. */
export function Layout({ session, onLogout }: { session: SessionInfo; onLogout: () => void }) {
  const match = useMatch('/channels/:channel/*');
  const channel = match?.params.channel ?? session.defaultChannel;
  const live = useLive(channel);
  const overview = useApi<Overview>('/overview', live.tick);
  const navigate = useNavigate();
  const location = useLocation();
  const channels = overview.data?.channels.map((summary) => summary.channel) ?? [channel];
  if (!channels.includes(channel)) channels.push(channel);

  const firstPath = useRef(location.pathname);
  useEffect(() => {
    // after navigating (not on the first load, where the skip link comes first), put keyboard
    // and screen reader focus on the new page's heading
    if (location.pathname === firstPath.current) return;
    firstPath.current = '';
    const heading = document.getElementById('page-title');
    if (heading && !heading.contains(document.activeElement))
      heading.focus({ preventScroll: true });
  }, [location.pathname]);

  const switchChannel = (next: string) => {
    const rest = match?.params['*'] ?? '';
    const section = rest.split('/')[0] ?? '';
    void navigate(`${channelPath(next)}${section ? `/${section}` : ''}`);
  };

  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <div className="brand">
          <NavLink to={channelPath(channel)} className="brand-name">
            Consortia explorer
          </NavLink>
          <span className="brand-org">{session.mspId}</span>
        </div>
        <div className="channel-picker">
          <label htmlFor="channel-select">Channel</label>
          <select
            id="channel-select"
            value={channel}
            onChange={(event) => switchChannel(event.target.value)}
          >
            {channels.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </div>
        <SearchBox key={location.key} channel={channel} />
        <div className="session">
          <span
            className={`live-status ${live.connected ? 'live-on' : 'live-off'}`}
            title={live.connected ? 'New blocks appear as they are mirrored' : 'Reconnecting…'}
          >
            <span className="dot" aria-hidden="true" />
            {live.connected ? 'Live' : 'Offline'}
          </span>
          {session.demo ? (
            <span className="badge badge-warn" title="Read-only demo mode: no login">
              demo
            </span>
          ) : (
            <button type="button" className="link-button" onClick={onLogout}>
              Log out {session.user}
            </button>
          )}
        </div>
      </header>
      <nav className="sections" aria-label="Sections">
        <ul>
          {SECTIONS.map((section) => (
            <li key={section.label}>
              <NavLink to={section.path(channel)} end={section.end}>
                {section.label}
              </NavLink>
            </li>
          ))}
          <li>
            <NavLink to="/nodes">Nodes</NavLink>
          </li>
        </ul>
      </nav>
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
      <div className="sr-only" aria-live="polite">
        {live.announcement}
      </div>
    </>
  );
}
