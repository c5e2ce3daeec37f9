// SPDX-License-Identifier: Apache-2.0
import { ConfigError } from '../config/env';

export interface RunMainOptions {
  /** The exit code when the command throws (default 1). */
  failureCode?: number;
  /** Print an unexpected error's stack rather than only its message. */
  stackTraces?: boolean;
  exit?: (code: number) => void;
  writeError?: (text: string) => void;
}

/**
 * Runs a service's command line (`main`) and exits with its failure code, so that every service
 * ends alike: a bad configuration or a thrown error is printed on stderr, never half-logged.
 */
export async function runMain(
  main: (argv: string[]) => Promise<number | undefined>,
  argv: string[] = process.argv.slice(2),
  options: RunMainOptions = {},
): Promise<void> {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const writeError = options.writeError ?? ((text: string) => void process.stderr.write(text));
  let code: number | undefined;
  try {
    code = await main(argv);
  } catch (error) {
    writeError(`${describe(error, options.stackTraces ?? false)}\n`);
    exit(options.failureCode ?? 1);
    return;
  }
  // Exit explicitly: embedded Postgres exits 0 on 'beforeExit', overriding process.exitCode.
  if (code !== undefined && code !== 0) exit(code);
}

function describe(error: unknown, stackTraces: boolean): string {
  if (error instanceof ConfigError) return error.message;
  if (error instanceof Error) return stackTraces ? (error.stack ?? error.message) : error.message;
  return String(error);
}
