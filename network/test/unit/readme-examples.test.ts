// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import type { Command } from 'commander';
import { CommanderError } from 'commander';

import { buildProgram } from '../../src/cli/main';
import { COMPONENTS } from '../../src/install';
import { parseNetworkOptions } from '../../src/topology/options';
import { buildTopology, LOCAL_SERVICES, networkPorts } from '../../src/topology/topology';
import {
  consortiaArgs,
  fencedShellLines,
  inlineCode,
  readmes,
  REPOSITORY,
} from '../support/readme-examples';

interface Example {
  file: string;
  command: string;
  args: string[];
  /** Named in prose (`consortia k8s secrets`): its required options may be left out. */
  mention: boolean;
}

/** Every `consortia` command the READMEs show: in shell blocks, and as inline code in prose. */
function cliExamples(): Example[] {
  const examples: Example[] = [];
  for (const file of readmes()) {
    const markdown = fs.readFileSync(file, 'utf8');
    const relative = path.relative(REPOSITORY, file);
    const inline = inlineCode(markdown)
      // usage summaries (`up [--consensus kafka|etcdraft]`) describe, they are not examples
      .filter((span) => !/[[|]|\.\.\./.test(span));
    const lines = [
      ...fencedShellLines(markdown).map((command) => ({ command, mention: false })),
      ...inline.map((command) => ({ command, mention: true })),
    ];
    for (const { command, mention } of lines) {
      const args = consortiaArgs(command);
      // a bare `consortia` names the program, `<command>` any command: no command line
      if (args && args.length > 0 && args[0] !== 'VALUE') {
        examples.push({ file: relative, command, args, mention });
      }
    }
  }
  return examples;
}

function eachCommand(command: Command, visit: (command: Command) => void): void {
  visit(command);
  for (const child of command.commands) eachCommand(child, visit);
}

/** Parses a command line as `consortia` would, running nothing: the error commander gives, if any. */
async function parseOnly(args: string[], mention: boolean): Promise<string | undefined> {
  const program = buildProgram();
  let errors = '';
  eachCommand(program, (command) => {
    command
      .exitOverride()
      .configureOutput({ writeOut: () => undefined, writeErr: (text) => (errors += text) });
    if (command.commands.length === 0) command.action(() => undefined);
  });
  try {
    await program.parseAsync(['node', 'consortia', ...args]);
    return undefined;
  } catch (error) {
    // --help, and a command group named on its own (`consortia k8s`), show the help
    if (
      error instanceof CommanderError &&
      ['commander.helpDisplayed', 'commander.help'].includes(error.code)
    ) {
      return undefined;
    }
    if (
      mention &&
      error instanceof CommanderError &&
      error.code === 'commander.missingMandatoryOptionValue'
    ) {
      return undefined;
    }
    return errors || String(error);
  }
}

describe('README examples', function () {
  this.timeout(60_000);
  const examples = cliExamples();

  it('finds the consortia commands the READMEs show', function () {
    const shown = new Set(examples.map((example) => example.args[0]));
    for (const name of ['up', 'down', 'status', 'logs', 'env', 'service', 'k8s']) {
      assert.ok(shown.has(name), `an example of consortia ${name}`);
    }
  });

  it('every consortia command in a README parses with the CLI as it is (examples in full)', async function () {
    const broken: string[] = [];
    for (const example of examples) {
      const problem = await parseOnly(example.args, example.mention);
      if (problem) broken.push(`${example.file}: ${example.command}\n    ${problem.trim()}`);
    }
    assert.deepEqual(broken, []);
  });

  it('every `consortia service` example names a service and a command of its own', function () {
    const broken: string[] = [];
    for (const example of examples.filter((each) => each.args[0] === 'service')) {
      const [, name, ...rest] = example.args;
      if (!LOCAL_SERVICES.includes(name as (typeof LOCAL_SERVICES)[number])) {
        broken.push(`${example.file}: ${example.command}: no service '${name}'`);
        continue;
      }
      const usage = fs.readFileSync(path.join(REPOSITORY, String(name), 'src', 'index.ts'), 'utf8');
      // its command (the first word) and every option, e.g. create-admin and --username
      const [command] = rest;
      const words = rest.filter(
        (arg, index) => /^--?[a-z][a-z-]*$/.test(arg) || (index === 0 && command !== undefined),
      );
      for (const word of words) {
        if (!usage.includes(word)) {
          broken.push(`${example.file}: ${example.command}: ${name} has no '${word}'`);
        }
      }
    }
    assert.deepEqual(broken, []);
  });

  it('the README names every component `consortia install` knows, where it lists them', function () {
    const readme = fs.readFileSync(path.join(REPOSITORY, 'README.md'), 'utf8');
    const installRow = readme.split('\n').find((line) => line.startsWith('| `install ['));
    const installed = readme.slice(
      readme.indexOf('### Where things are installed'),
      readme.indexOf('Fabric is built with'),
    );
    for (const component of COMPONENTS) {
      assert.ok(installRow?.includes(component.name), `the install row names ${component.name}`);
      const labels: Record<string, string> = { kubernetes: 'kube-apiserver', ca: 'Fabric CA' };
      const label = labels[component.name] ?? component.name;
      assert.match(installed, new RegExp(`^\\| ${label}`, 'im'), `a row for ${component.name}`);
    }
  });

  it("every variable a service's README documents is read by its code, with the default given", function () {
    const sources = (dir: string): string[] =>
      fs
        .readdirSync(dir, { recursive: true, encoding: 'utf8' })
        .filter((file) => file.endsWith('.ts'))
        .map((file) => fs.readFileSync(path.join(dir, file), 'utf8'));
    const common = sources(path.join(REPOSITORY, 'common', 'src'));
    const broken: string[] = [];
    for (const workspace of ['common', 'dapp', 'datasync', 'app-api', 'explorer']) {
      const markdown = fs.readFileSync(path.join(REPOSITORY, workspace, 'README.md'), 'utf8');
      const code = [...sources(path.join(REPOSITORY, workspace, 'src')), ...common];
      // table rows: | `VARIABLE` | default | meaning |
      for (const row of markdown.matchAll(/^\| `([A-Z][A-Z0-9_]+)`[^|]*\| *`?([^|`]*?)`? *\|/gm)) {
        const [, variable = '', shown = ''] = row;
        // each place the code names it, up to the next setting it defines
        const definitions = code.flatMap((text) =>
          [...text.matchAll(new RegExp(`\\b${variable}\\b`, 'g'))].map(
            (match) =>
              text.slice(match.index, match.index + 300).split(/\n\s+[A-Z][A-Z0-9_]+:/)[0] ?? '',
          ),
        );
        if (definitions.length === 0) {
          broken.push(`${workspace}/README.md: ${variable} is not read by the code`);
        } else if (/^\d+$/.test(shown)) {
          const digits = new RegExp(
            `\\b(${shown}|${Number(shown).toLocaleString('en').replaceAll(',', '_')})\\b`,
          );
          if (!definitions.some((definition) => digits.test(definition))) {
            broken.push(
              `${workspace}/README.md: ${variable} defaults to ${shown}, not in the code`,
            );
          }
        }
      }
    }
    assert.deepEqual(broken, []);
  });

  it("every local address in a README is a port of the default network's layout", function () {
    const topology = buildTopology(parseNetworkOptions({}, {}));
    const ports = new Set(networkPorts(topology).map((use) => use.port));
    const broken: string[] = [];
    // the charts' README is about Kubernetes, where the nodes keep Fabric's own ports
    for (const file of readmes().filter((each) => !each.includes(`${path.sep}charts${path.sep}`))) {
      const markdown = fs.readFileSync(file, 'utf8');
      for (const match of markdown.matchAll(/(?:127\.0\.0\.1|localhost):(\d{4,5})\b/g)) {
        if (!ports.has(Number(match[1]))) {
          broken.push(`${path.relative(REPOSITORY, file)}: ${match[0]}`);
        }
      }
    }
    assert.deepEqual(broken, []);
  });
});
