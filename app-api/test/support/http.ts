// SPDX-License-Identifier: Apache-2.0
// A portal's view of the API in tests: JSON in, JSON out.
export interface Answer<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

export interface CallOptions {
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

/** Every answer `call` received in this process: which operations a suite exercised, and how. */
export const answered: { method: string; path: string; status: number }[] = [];

export async function call<T = Record<string, unknown>>(
  base: string,
  method: string,
  route: string,
  options: CallOptions = {},
): Promise<Answer<T>> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] ??= 'application/json';
  const response = await fetch(`${base}${route}`, {
    method,
    headers,
    body:
      options.body === undefined
        ? undefined
        : typeof options.body === 'string'
          ? options.body
          : JSON.stringify(options.body),
  });
  answered.push({ method, path: route.split('?')[0] ?? route, status: response.status });
  const text = await response.text();
  let body: unknown = {};
  if (text !== '') {
    try {
      body = JSON.parse(text);
    } catch {
      body = { text };
    }
  }
  return { status: response.status, headers: response.headers, body: body as T };
}

export interface LoggedIn {
  accessToken: string;
  refreshToken: string;
  user: { id: string; username: string; roles: string[]; permissions: string[] };
}

export async function login(base: string, username: string, password: string): Promise<LoggedIn> {
  const answer = await call<LoggedIn>(base, 'POST', '/v1/auth/login', {
    body: { username, password },
  });
  if (answer.status !== 200) {
    throw new Error(
      `login of ${username} answered ${answer.status}: ${JSON.stringify(answer.body)}`,
    );
  }
  return answer.body;
}
