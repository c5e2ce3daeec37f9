// SPDX-License-Identifier: Apache-2.0
import fs from 'node:fs';
import path from 'node:path';

export const REPOSITORY = path.resolve(__dirname, '..', '..', '..');

/** Every README of the repository: the root's and each workspace's and chart folder's. */
export function readmes(): string[] {
  const found = [path.join(REPOSITORY, 'README.md')];
  for (const entry of fs.readdirSync(REPOSITORY, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('.') || entry.name === 'node_modules') {
      continue;
    }
    const file = path.join(REPOSITORY, entry.name, 'README.md');
    if (fs.existsSync(file)) found.push(file);
  }
  return found;
}

/** The shell lines of a Markdown file's fenced sh/bash/console blocks, continuations joined. */
export function fencedShellLines(markdown: string): string[] {
  const lines: string[] = [];
  let inShell = false;
  let inFence = false;
  let pending = '';
  for (const line of markdown.split('\n')) {
    const fence = /^\s*```(\w*)/.exec(line);
    if (fence) {
      inShell = !inFence && ['sh', 'bash', 'shell', 'console'].includes(fence[1] ?? '');
      inFence = !inFence;
      pending = '';
      continue;
    }
    if (!inShell) continue;
    const text = line.replace(/^\s*\$ /, '');
    if (/\\\s*$/.test(text)) {
      pending += `${text.replace(/\\\s*$/, '')} `;
      continue;
    }
    lines.push(`${pending}${text}`.trim());
    pending = '';
  }
  return lines.filter((line) => line !== '' && !line.startsWith('#'));
}

/** Inline code spans of a Markdown file (`...`), outside fenced blocks. */
export function inlineCode(markdown: string): string[] {
  const spans: string[] = [];
  let inFence = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*```/.test(line)) {
      inFence = !inFence;
      continue;
    }
    if (inFence) continue;
    for (const match of line.matchAll(/`([^`]+)`/g)) spans.push(match[1] ?? '');
  }
  return spans;
}

/** Splits a shell command into words: quotes group, `$(...)` and `#` comments end the command. */
export function shellWords(command: string): string[] {
  const words: string[] = [];
  let word = '';
  let quote: string | undefined;
  let started = false;
  for (const char of command) {
    if (quote) {
      if (char === quote) quote = undefined;
      else word += char;
      continue;
    }
    if (char === '"' || char === "'") {
      quote = char;
      started = true;
    } else if (/\s/.test(char)) {
      if (started) words.push(word);
      word = '';
      started = false;
    } else if (char === '#' && !started) {
      break;
    } else if (char === ';' || char === '|' || char === '&' || char === ')') {
      break;
    } else {
      word += char;
      started = true;
    }
  }
  if (started) words.push(word);
  return words;
}

const CLI_PREFIXES = [
  ['npm', 'run', 'network', '--'],
  ['npm', 'run', '-s', 'network', '--'],
  ['node', 'network/bin/consortia.js'],
  ['consortia'],
];

/**
 * The `consortia` arguments of a shell command that runs the CLI (as `consortia`, `npm run
 * network --` or `node network/bin/consortia.js`, after any VAR=value prefixes or `eval "$(`),
 * else undefined.
 */
export function consortiaArgs(command: string): string[] | undefined {
  const unwrapped = command
    .replace(/^eval\s+"\$\(/, '')
    .replace(/\)"\s*$/, '')
    // a placeholder (`<network state dir>`) stands for one value; `[--json]` for an option
    .replace(/<[^<>]+>/g, 'VALUE')
    .replace(/[[\]]/g, '');
  const words = shellWords(unwrapped).filter((word) => word !== '...' && word !== '…');
  while (words[0] && /^[A-Z_][A-Z0-9_]*=/.test(words[0])) words.shift();
  for (const prefix of CLI_PREFIXES) {
    if (prefix.every((word, index) => words[index] === word)) return words.slice(prefix.length);
  }
  return undefined;
}
