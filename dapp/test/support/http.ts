// SPDX-License-Identifier: Apache-2.0

/** A DAPP answer: its status and its JSON body. */
export interface DappAnswer {
  status: number;
  body: Record<string, unknown>;
}

/** Calls the DAPP at `base` with the API key `key`, sending `body` as JSON when there is one. */
export async function callDapp(
  base: string,
  key: string,
  method: string,
  route: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<DappAnswer> {
  const response = await fetch(`${base}${route}`, {
    method,
    headers: { 'x-api-key': key, 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}
