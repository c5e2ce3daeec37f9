// SPDX-License-Identifier: Apache-2.0
import { createContext, useContext, useEffect, useState } from 'react';
import type { ReactNode } from 'react';

import type { LiveBlock } from '../../src/http/api-types';

interface LiveState {
  connected: boolean;
  /** Per channel, how many batches of new blocks arrived: a refresh key for pages. */
  ticks: Record<string, number>;
  /** The newest announced blocks, newest first. */
  recent: LiveBlock[];
  /** A sentence for screen readers about the latest arrival. */
  announcement: string;
}

const initial: LiveState = { connected: false, ticks: {}, recent: [], announcement: '' };
const LiveContext = createContext<LiveState>(initial);

/** Batches arrivals so a burst of blocks causes one refresh, not one per block. */
const FLUSH_MS = 250;

/** After the server refused the stream: the Retry-After it sends. */
const RECONNECT_MS = 30_000;

/** Keeps one server-sent-events stream open and shares what it announces with every page. */
export function LiveProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<LiveState>(initial);
  useEffect(() => {
    let source: EventSource | undefined;
    let reconnect: number | undefined;
    let pending: LiveBlock[] = [];
    let timer: number | undefined;
    const flush = () => {
      timer = undefined;
      const arrived = pending;
      pending = [];
      setState((previous) => {
        const ticks = { ...previous.ticks };
        for (const block of arrived) ticks[block.channel] = (ticks[block.channel] ?? 0) + 1;
        const newest = arrived[arrived.length - 1];
        return {
          connected: true,
          ticks,
          recent: [...arrived.reverse(), ...previous.recent].slice(0, 50),
          announcement: newest
            ? `Block ${newest.number} arrived on ${newest.channel} with ${newest.txCount} transaction${newest.txCount === 1 ? '' : 's'}`
            : previous.announcement,
        };
      });
    };
    const connect = () => {
      reconnect = undefined;
      const opened = new EventSource('/api/live');
      source = opened;
      opened.addEventListener('open', () =>
        setState((previous) => ({ ...previous, connected: true })),
      );
      opened.addEventListener('error', () => {
        setState((previous) => ({ ...previous, connected: false }));
        // A refused stream (too many open: 429/503) is not retried by the browser itself.
        if (opened.readyState === EventSource.CLOSED) {
          reconnect ??= window.setTimeout(connect, RECONNECT_MS);
        }
      });
      opened.addEventListener('block', (event) => {
        pending.push(JSON.parse((event as MessageEvent<string>).data) as LiveBlock);
        timer ??= window.setTimeout(flush, FLUSH_MS);
      });
    };
    connect();
    return () => {
      source?.close();
      window.clearTimeout(timer);
      window.clearTimeout(reconnect);
    };
  }, []);
  return <LiveContext.Provider value={state}>{children}</LiveContext.Provider>;
}

export function useLive(channel?: string) {
  const state = useContext(LiveContext);
  return {
    connected: state.connected,
    tick: channel === undefined ? 0 : (state.ticks[channel] ?? 0),
    recent:
      channel === undefined ? state.recent : state.recent.filter((b) => b.channel === channel),
    announcement: state.announcement,
  };
}
