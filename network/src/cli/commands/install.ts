// SPDX-License-Identifier: Apache-2.0
import type { Command } from 'commander';

import { describeError, UserError } from '../../errors';
import { COMPONENTS, consortiaHome, findComponents, installComponents } from '../../install';
import { formatTable, progress } from '../output';

export function registerInstall(program: Command): void {
  program
    .command('install')
    .description(
      'install what the network and its tests need under CONSORTIA_HOME, skipping what is there',
    )
    .argument(
      '[components...]',
      `only these components (${COMPONENTS.map((component) => component.name).join(', ')})`,
    )
    .action(async (names: string[]) => {
      const home = consortiaHome();
      progress(`installing into ${home}`);
      const outcomes = await installComponents(findComponents(names), {
        home,
        env: process.env,
        progress,
      });
      console.log(
        formatTable(
          ['component', 'status'],
          outcomes.map((outcome) => [outcome.component, outcome.status]),
        ),
      );
      const failed = outcomes.filter((outcome) => outcome.status === 'failed');
      for (const failure of failed) {
        progress(`\n${failure.component}: ${describeError(failure.error)}`);
      }
      if (failed.length > 0) {
        throw new UserError(
          `could not install: ${failed.map((failure) => failure.component).join(', ')}`,
        );
      }
    });
}
