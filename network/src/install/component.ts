// SPDX-License-Identifier: Apache-2.0
import fs from 'node:fs';
import path from 'node:path';

import { UserError } from '../errors';
import { findOnPath } from '../process/run-command';

export interface InstallContext {
  home: string;
  env: NodeJS.ProcessEnv;
  /** Prints one line of progress for the component being installed. */
  progress: (message: string) => void;
}

/** Something `consortia install` puts under CONSORTIA_HOME, once. */
export interface Component {
  readonly name: string;
  readonly version: string;
  readonly summary: string;
  /** Programs that must be on PATH to install it. */
  readonly prerequisites: readonly Prerequisite[];
  isInstalled(home: string, env?: NodeJS.ProcessEnv): boolean;
  install(context: InstallContext): Promise<void>;
}

/** Programs looked up on PATH; `gcc` is the C compiler cgo builds with. */
export type Prerequisite = 'go' | 'java' | 'mvn' | 'gcc';

const PREREQUISITE_HINTS: Record<Prerequisite, string> = {
  go: 'install Go 1.26 or newer and put `go` on PATH',
  java: 'install a Java 17 runtime (e.g. `apt-get install openjdk-17-jre-headless`)',
  mvn: 'install Apache Maven 3.8 or newer (e.g. `apt-get install maven`)',
  gcc: 'install gcc, the C compiler cgo builds with (e.g. `apt-get install gcc`)',
};

/** Fails with one message naming every missing program and how to get it. */
export function checkPrerequisites(
  needed: Iterable<Prerequisite>,
  env: NodeJS.ProcessEnv = process.env,
): void {
  const missing = [...new Set(needed)].filter((tool) => !findOnPath(tool, env));
  if (missing.length === 0) return;
  throw new UserError(
    `missing prerequisite${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}`,
    missing.map((tool) => PREREQUISITE_HINTS[tool]).join('; '),
  );
}

interface InstallRecord {
  component: string;
  version: string;
  installedAt: string;
}

const RECORD_FILE = 'installed.json';

/** A component counts as installed once its record is written, after every step succeeded. */
export function readInstallRecord(dir: string): InstallRecord | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, RECORD_FILE), 'utf8')) as InstallRecord;
  } catch {
    return undefined;
  }
}

export function writeInstallRecord(dir: string, component: string, version: string): void {
  const record: InstallRecord = { component, version, installedAt: new Date().toISOString() };
  fs.writeFileSync(path.join(dir, RECORD_FILE), `${JSON.stringify(record, null, 2)}\n`);
}

export function allExecutable(dir: string, names: readonly string[]): boolean {
  return names.every((name) => {
    try {
      fs.accessSync(path.join(dir, name), fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** Limits how often a chatty installer's output reaches the terminal. */
export function throttled(
  print: (line: string) => void,
  intervalMs = 2000,
): (line: string) => void {
  let last = 0;
  return (line) => {
    const now = Date.now();
    if (now - last >= intervalMs) {
      last = now;
      print(line);
    }
  };
}
