// SPDX-License-Identifier: Apache-2.0
/**
 * The few Kubernetes API calls the enrollment Job makes, as its ServiceAccount: read, create and
 * replace the Secrets and the ConfigMap its plan names. Plain HTTPS keeps the DAPP image free of
 * a Kubernetes client library.
 */
import https from 'node:https';

import type { KubeAccess } from './plan';

const LABELS = {
  'app.kubernetes.io/part-of': 'consortia',
  'app.kubernetes.io/created-by': 'ca-enroll',
};

interface Answer {
  status: number;
  body: string;
}

export class KubeObjects {
  constructor(private readonly access: KubeAccess) {}

  private request(method: string, path: string, body?: object): Promise<Answer> {
    const text = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const request = https.request(
        new URL(path, this.access.url),
        {
          method,
          ca: this.access.ca,
          timeout: 30_000,
          headers: {
            authorization: `Bearer ${this.access.token}`,
            accept: 'application/json',
            ...(text === undefined ? {} : { 'content-type': 'application/json' }),
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            resolve({
              status: response.statusCode ?? 0,
              body: Buffer.concat(chunks).toString('utf8'),
            }),
          );
          response.on('error', reject);
        },
      );
      request.on('timeout', () => request.destroy(new Error('the API server did not answer')));
      request.on('error', reject);
      request.end(text);
    });
  }

  private path(kind: 'secrets' | 'configmaps', name?: string): string {
    const namespace = encodeURIComponent(this.access.namespace);
    return `/api/v1/namespaces/${namespace}/${kind}${name ? `/${encodeURIComponent(name)}` : ''}`;
  }

  private failure(what: string, answer: Answer): Error {
    let message = answer.body;
    try {
      message = (JSON.parse(answer.body) as { message?: string }).message ?? answer.body;
    } catch {
      // not a Status object: keep the text
    }
    return new Error(`${what}: HTTP ${answer.status} ${message}`);
  }

  /** Whether the Secret exists and holds every key named. */
  async hasSecret(name: string, keys: readonly string[]): Promise<boolean> {
    const answer = await this.request('GET', this.path('secrets', name));
    if (answer.status === 404) return false;
    if (answer.status !== 200) throw this.failure(`reading Secret ${name}`, answer);
    const data = (JSON.parse(answer.body) as { data?: Record<string, string> }).data ?? {};
    return keys.every((key) => key in data);
  }

  /** Creates the object, or replaces the one of that name. */
  private async put(kind: 'secrets' | 'configmaps', object: { metadata: { name: string } }) {
    const what = `writing ${kind === 'secrets' ? 'Secret' : 'ConfigMap'} ${object.metadata.name}`;
    const created = await this.request('POST', this.path(kind), object);
    if (created.status === 201) return;
    if (created.status !== 409) throw this.failure(what, created);
    const replaced = await this.request('PUT', this.path(kind, object.metadata.name), object);
    if (replaced.status !== 200) throw this.failure(what, replaced);
  }

  async putSecret(name: string, files: Record<string, string>): Promise<void> {
    await this.put('secrets', {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'Opaque',
      metadata: { name, labels: LABELS },
      data: Object.fromEntries(
        Object.entries(files).map(([key, value]) => [key, Buffer.from(value).toString('base64')]),
      ),
    } as { metadata: { name: string } });
  }

  async putConfigMap(name: string, files: Record<string, string>): Promise<void> {
    await this.put('configmaps', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name, labels: LABELS },
      data: files,
    } as { metadata: { name: string } });
  }
}
