// SPDX-License-Identifier: Apache-2.0
import type { ApiErrorBody, SessionInfo } from '../../src/http/api-types';

/** An API answer other than 2xx, with the explorer's error code when it sent one. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiFailure';
  }
}

const unauthenticatedListeners = new Set<() => void>();

/** Called whenever the API says the session is gone, so the app can show the login form. */
export function onUnauthenticated(listener: () => void): () => void {
  unauthenticatedListeners.add(listener);
  return () => unauthenticatedListeners.delete(listener);
}

async function failure(response: Response): Promise<ApiFailure> {
  let body: Partial<ApiErrorBody> | undefined;
  try {
    body = (await response.json()) as Partial<ApiErrorBody>;
  } catch {
    // not JSON: a proxy or the server's own error page
  }
  return new ApiFailure(
    response.status,
    body?.error?.code ?? 'HTTP_ERROR',
    body?.error?.message ?? `the explorer answered ${response.status} ${response.statusText}`,
  );
}

async function request<T>(method: string, path: string, body?: unknown, signal?: AbortSignal) {
  let response: Response;
  try {
    response = await fetch(`/api${path}`, {
      method,
      signal,
      credentials: 'same-origin',
      headers: {
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new ApiFailure(0, 'OFFLINE', 'the explorer cannot be reached');
  }
  if (!response.ok) {
    const problem = await failure(response);
    if (problem.code === 'UNAUTHENTICATED') {
      for (const listener of unauthenticatedListeners) listener();
    }
    throw problem;
  }
  return (await response.json()) as T;
}

export const getJson = <T>(path: string, signal?: AbortSignal) =>
  request<T>('GET', path, undefined, signal);

export const fetchSession = () => getJson<SessionInfo>('/session');

export const login = (user: string, password: string) =>
  request<SessionInfo>('POST', '/session', { user, password });

export const logout = () => request<SessionInfo>('DELETE', '/session');

/** A query string from the defined values only. */
export function query(values: Record<string, string | number | undefined | null>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(values)) {
    if (value !== undefined && value !== null && value !== '') params.set(name, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}
