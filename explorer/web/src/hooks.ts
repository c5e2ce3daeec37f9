// SPDX-License-Identifier: Apache-2.0
import { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router-dom';

import { ApiFailure, getJson } from './api';

export interface Loaded<T> {
  data: T | undefined;
  error: ApiFailure | undefined;
  /** True while an answer for the current path and refresh key is awaited. */
  loading: boolean;
}

interface Held<T> {
  key: string | null;
  path: string | null;
  data?: T;
  error?: ApiFailure;
}

/**
 * GETs an API path and re-fetches when the path or `refresh` changes (a new block, say). While
 * a refresh runs, the previous answer for the same path stays on screen, so live pages do not
 * flicker.
 */
export function useApi<T>(path: string | null, refresh: string | number = 0): Loaded<T> {
  const key = path === null ? null : `${path}#${refresh}`;
  const [held, setHeld] = useState<Held<T>>({ key: null, path: null });
  useEffect(() => {
    if (path === null) return undefined;
    const controller = new AbortController();
    getJson<T>(path, controller.signal).then(
      (data) => setHeld({ key, path, data }),
      (error: unknown) => {
        if (controller.signal.aborted) return;
        const failure =
          error instanceof ApiFailure ? error : new ApiFailure(0, 'ERROR', String(error));
        setHeld((previous) => ({
          key,
          path,
          ...(previous.path === path && previous.data !== undefined ? { data: previous.data } : {}),
          error: failure,
        }));
      },
    );
    return () => controller.abort();
  }, [key, path]);
  const current = held.path === path;
  return {
    data: current ? held.data : undefined,
    error: current ? held.error : undefined,
    loading: held.key !== key,
  };
}

/** A counter that goes up every `ms` milliseconds, to refresh what has no live events. */
export function useInterval(ms: number): number {
  const [count, setCount] = useState(0);
  useEffect(() => {
    const timer = window.setInterval(() => setCount((value) => value + 1), ms);
    return () => window.clearInterval(timer);
  }, [ms]);
  return count;
}

/** A paged list's keyset cursor from the address (`after` or `before`); neither on the first page. */
export function useCursor(): {
  after: string | undefined;
  before: string | undefined;
  firstPage: boolean;
} {
  const [params] = useSearchParams();
  const after = params.get('after') ?? undefined;
  const before = params.get('before') ?? undefined;
  return { after, before, firstPage: !after && !before };
}
