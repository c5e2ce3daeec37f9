// SPDX-License-Identifier: Apache-2.0
import path from 'node:path';

import type { Command } from 'commander';

/**
 * Options whose value is a file or directory, by their placeholder: `<dir>`, `<file>`, or
 * `<[release:]file>` (a file optionally prefixed by the release it is meant for).
 */
const PATH_PLACEHOLDER = /<(\[\w+:\])?(?:dir|file)>$/;
const PREFIXED = /^([a-z]+):(.+)$/;

function resolveOne(value: string, prefixed: boolean, cwd: string): string {
  const match = prefixed ? PREFIXED.exec(value) : null;
  if (match?.[1] && match[2]) return `${match[1]}:${path.resolve(cwd, match[2])}`;
  return path.resolve(cwd, value);
}

/**
 * Makes every path option of the command absolute against the caller's working directory, before
 * the action runs: the Fabric programs and helm run in other directories (a node's own, for
 * instance), where a relative path would name something else.
 */
export function resolvePathOptions(command: Command, cwd: string = process.cwd()): void {
  for (const option of command.options) {
    const placeholder = PATH_PLACEHOLDER.exec(option.flags);
    if (!placeholder) continue;
    const key = option.attributeName();
    const value: unknown = command.getOptionValue(key);
    const prefixed = placeholder[1] !== undefined;
    if (typeof value === 'string') {
      command.setOptionValueWithSource(
        key,
        resolveOne(value, prefixed, cwd),
        command.getOptionValueSource(key) ?? 'default',
      );
    } else if (Array.isArray(value)) {
      command.setOptionValueWithSource(
        key,
        value.map((each: unknown) =>
          typeof each === 'string' ? resolveOne(each, prefixed, cwd) : each,
        ),
        command.getOptionValueSource(key) ?? 'default',
      );
    }
  }
}
