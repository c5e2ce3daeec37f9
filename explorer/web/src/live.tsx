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

/** Keeps one server-sent-events stream open and shares what it announces with every page. */
export function LiveProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<LiveState>(initial);
  useEffect(() => {
    const source = new EventSource('/api/live');
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
    source.addEventListener('open', () =>
      setState((previous) => ({ ...previous, connected: true })),
    );
    source.addEventListener('error', () =>
      setState((previous) => ({ ...previous, connected: false })),
    );
    source.addEventListener('block', (event) => {
      pending.push(JSON.parse((event as MessageEvent<string>).data) as LiveBlock);
      timer ??= window.setTimeout(flush, FLUSH_MS);
    });
    return () => {
      source.close();
      window.clearTimeout(timer);
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
