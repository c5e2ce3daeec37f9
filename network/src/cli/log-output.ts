// SPDX-License-Identifier: Apache-2.0
import { spawn } from 'node:child_process';
import readline from 'node:readline';
import { stripVTControlCharacters } from 'node:util';

/** Colours (the peers' and chaincode services' log lines carry them) only reach a terminal. */
export function keepsColour(
  stream: { isTTY?: boolean } = process.stdout,
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  return stream.isTTY === true && !env.NO_COLOR;
}

/**
 * Prints the last lines of a log file (and, with follow, new ones until interrupted), without
 * the ANSI colour codes unless the output is a terminal.
 */
export async function printLog(file: string, lines: string, follow: boolean): Promise<void> {
  const colour = keepsColour();
  const child = spawn('tail', ['-n', lines, ...(follow ? ['-F'] : []), file], {
    stdio: ['ignore', colour ? 'inherit' : 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  if (child.stdout) {
    for await (const line of readline.createInterface({ input: child.stdout })) {
      process.stdout.write(`${stripVTControlCharacters(line)}\n`);
    }
  }
  await exited;
}
