// SPDX-License-Identifier: Apache-2.0
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Every line of output is appended here as well. */
  logFile?: string;
  /** Called for each line of stdout and stderr, e.g. to show progress. */
  onLine?: (line: string) => void;
  /** Data written to the child's stdin, which is then closed. */
  input?: string;
  timeoutMs?: number;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a program to completion, collecting its output; never throws on a non-zero exit. */
export function runCommand(
  command: string,
  args: string[],
  options: RunOptions = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let log: fs.WriteStream | undefined;
    if (options.logFile) {
      fs.mkdirSync(path.dirname(options.logFile), { recursive: true });
      log = fs.createWriteStream(options.logFile, { flags: 'a' });
      log.write(`$ ${command} ${args.join(' ')}\n`);
    }
    const collected = { stdout: [] as string[], stderr: [] as string[] };
    const closed: Promise<void>[] = [];
    for (const stream of ['stdout', 'stderr'] as const) {
      const lines = readline.createInterface({ input: child[stream] });
      lines.on('line', (line) => {
        collected[stream].push(line);
        log?.write(`${line}\n`);
        options.onLine?.(line);
      });
      closed.push(new Promise((done) => lines.once('close', () => done())));
    }
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.once('error', (error: NodeJS.ErrnoException) => {
      if (timer) clearTimeout(timer);
      log?.end();
      reject(error);
    });
    child.once('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      void Promise.all(closed)
        // the log file is complete before the caller reads it
        .then(() => new Promise<void>((done) => (log ? log.end(done) : done())))
        .then(() =>
          resolve({
            code: code ?? (signal ? 128 : 1),
            stdout: collected.stdout.join('\n'),
            stderr: collected.stderr.join('\n'),
          }),
        );
    });
    // A program that exits without reading its input must not fail the run with EPIPE.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}

/** Finds an executable on PATH, like `command -v`. */
export function findOnPath(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // not here; keep looking
    }
  }
  return undefined;
}
