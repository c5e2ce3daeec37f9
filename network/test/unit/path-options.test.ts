// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import path from 'node:path';

import type { Command } from 'commander';

import { buildProgram } from '../../src/cli/main';

/** Parses a command line with every action replaced, and returns the chosen command's options. */
async function parsedOptions(names: string[], args: string[]): Promise<Record<string, unknown>> {
  const program = buildProgram();
  let command: Command = program;
  for (const name of names) {
    const next = command.commands.find((candidate) => candidate.name() === name);
    assert.ok(next, `no command ${names.join(' ')}`);
    command = next;
  }
  command.action(() => undefined);
  await program.parseAsync(['node', 'consortia', ...names, ...args]);
  return command.opts();
}

describe('path options', function () {
  it('resolves deploy-chaincode --state-dir, --path and --collections against the cwd', async function () {
    const options = await parsedOptions(
      ['deploy-chaincode'],
      ['--state-dir', '.consortia/network', '--path', 'chaincode', '--collections', 'c.json'],
    );
    assert.equal(options.stateDir, path.resolve('.consortia/network'));
    assert.equal(options.path, path.resolve('chaincode'));
    assert.equal(options.collections, path.resolve('c.json'));
  });

  it('resolves the state dir of every network command', async function () {
    for (const [name, extra] of [
      ['up', []],
      ['down', []],
      ['status', []],
      ['logs', ['peer0.org1']],
      ['env', ['--org', 'Org1']],
      ['start', []],
    ] as const) {
      const options = await parsedOptions([name], [...extra, '--state-dir', 'rel/state']);
      assert.equal(options.stateDir, path.resolve('rel/state'), name);
    }
  });

  it('resolves k8s files, keeping a --values release prefix', async function () {
    const options = await parsedOptions(
      ['k8s', 'deploy'],
      [
        '--org',
        'Org1',
        '--cloud',
        'eks',
        '--kubeconfig',
        'kube/config',
        '--values',
        'blockchain:values/extra.yaml',
        '--values',
        'all.yaml',
        '--charts',
        'charts',
      ],
    );
    assert.equal(options.kubeconfig, path.resolve('kube/config'));
    assert.deepEqual(options.values, [
      `blockchain:${path.resolve('values/extra.yaml')}`,
      path.resolve('all.yaml'),
    ]);
    assert.equal(options.charts, path.resolve('charts'));
  });

  it('leaves absolute paths and non-path options alone', async function () {
    const options = await parsedOptions(
      ['deploy-chaincode'],
      ['--state-dir', '/tmp/net', '--name', 'kv', '--version', '1.0'],
    );
    assert.equal(options.stateDir, '/tmp/net');
    assert.equal(options.name, 'kv');
    assert.equal(options.version, '1.0');
  });
});
