#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
'use strict';
// First-use set-up behind `npm start`, `npm test`, `npm run bench` and `npm run faults`: it needs
// nothing but Node, installs the workspaces' dependencies when they are missing or stale, builds
// the TypeScript, then hands over to the compiled command.
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { staleWebBuilds } = require('./web-builds');

const root = path.resolve(__dirname, '..', '..', '..');
const MINIMUM_NODE = [20, 19];

const TARGETS = {
  start: ['network/bin/consortia.js', 'start'],
  test: ['network/dev/dist/test-suite.js'],
  bench: ['network/dev/dist/bench.js'],
  faults: ['network/dev/dist/faults.js'],
};

function step(message) {
  process.stderr.write(`\n==> ${message}\n`);
}

function fail(message) {
  process.stderr.write(`\nconsortia: ${message}\n`);
  process.exit(1);
}

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.error) fail(`could not run ${command}: ${result.error.message}`);
  if (result.status !== 0) fail(`\`${command} ${args.join(' ')}\` failed (exit ${result.status})`);
}

function checkNode() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < MINIMUM_NODE[0] || (major === MINIMUM_NODE[0] && minor < MINIMUM_NODE[1])) {
    fail(`Node ${MINIMUM_NODE.join('.')} or newer is required; this is ${process.versions.node}`);
  }
}

/** npm records what it installed in node_modules/.package-lock.json; older than the lock means stale. */
function dependenciesCurrent() {
  const installed = path.join(root, 'node_modules', '.package-lock.json');
  const lock = path.join(root, 'package-lock.json');
  try {
    return fs.statSync(installed).mtimeMs >= fs.statSync(lock).mtimeMs;
  } catch {
    return false;
  }
}

function main() {
  const target = TARGETS[process.argv[2]];
  if (!target) fail(`usage: bootstrap.js ${Object.keys(TARGETS).join('|')} [args...]`);
  checkNode();
  if (!dependenciesCurrent()) {
    step('installing dependencies (npm ci)');
    run('npm', ['ci', '--no-audit', '--no-fund']);
  }
  // tsc -b compiles only the projects whose sources changed since their last build
  step('building what changed (tsc -b)');
  run(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-b']);
  for (const workspace of staleWebBuilds(root)) {
    step(`building the ${workspace} web front end (vite)`);
    run('npm', ['run', 'build:web', '--workspace', workspace, '--silent']);
  }
  const [script, ...args] = target;
  const child = spawn(
    process.execPath,
    [path.join(root, script), ...args, ...process.argv.slice(3)],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
  // Pass stop signals on, so `npm start` shuts the consortium down cleanly on Ctrl-C or SIGTERM,
  // and wait for the child to finish stopping: this process exits only with it. (npm runs this
  // script through `sh -c`; the package.json script `exec`s it, since a shell killed by Ctrl-C
  // would make npm return before the consortium has stopped.) Ctrl-C reaches
  // the child directly too (same process group), so it gets the signal more than once and takes
  // only the first.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    });
  }
  child.on('exit', (code, signal) =>
    process.exit(code ?? (signal ? 128 + (os.constants.signals[signal] ?? 0) : 0)),
  );
}

main();
