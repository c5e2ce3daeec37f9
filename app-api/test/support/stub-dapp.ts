// SPDX-License-Identifier: Apache-2.0
// A stand-in for the DAPP's HTTP API, as its document describes it, for tests of the app-api
// without a Fabric network: every write commits at once in `block`, an `async` one is queued,
// a query answers an account id, and the status of each request it took is kept.
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StubDapp {
  url: string;
  stop(): Promise<void>;
}

const hash = (text: string) => crypto.createHash('sha256').update(text).digest('hex');

export async function startStubDapp(block: () => number): Promise<StubDapp> {
  const requests = new Map<string, Record<string, unknown>>();
  const server = http.createServer((request, response) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString()));
    request.on('end', () => {
      const send = (status: number, body: unknown) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(body));
      };
      const url = request.url ?? '';
      const body = (text ? JSON.parse(text) : {}) as { requestId?: string; mode?: string };
      if (request.method === 'GET' && url === '/healthz') return send(200, { status: 'ok' });
      if (request.method === 'POST' && url.endsWith('/queries')) {
        return send(200, { result: hash(request.headers['x-fabric-identity']?.toString() ?? '') });
      }
      if (request.method === 'POST' && url.endsWith('/transactions')) {
        const requestId = body.requestId ?? crypto.randomUUID();
        if (body.mode === 'async') {
          requests.set(requestId, { requestId, status: 'queued' });
          return send(202, { requestId, status: 'queued' });
        }
        const committed = {
          requestId,
          status: 'committed',
          txId: hash(requestId),
          validationCode: 'VALID',
          blockNumber: String(block()),
          result: null,
        };
        requests.set(requestId, committed);
        return send(200, committed);
      }
      const status = /^\/v1\/requests\/([^/?]+)$/.exec(url);
      if (request.method === 'GET' && status) {
        const record = requests.get(decodeURIComponent(status[1] ?? ''));
        return record
          ? send(200, record)
          : send(404, { error: { code: 'REQUEST_NOT_FOUND', message: 'no such request' } });
      }
      return send(404, { error: { code: 'NOT_FOUND', message: `no route ${url}` } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
