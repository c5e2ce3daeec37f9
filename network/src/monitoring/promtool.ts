// SPDX-License-Identifier: Apache-2.0
import { UserError } from '../errors';
import { prometheusBinary } from '../install/prometheus';
import { runCommand } from '../process/run-command';

export type PromtoolCheck = 'config' | 'rules' | 'test rules';

/**
 * Runs `promtool check config|rules` or `promtool test rules` on files, failing with promtool's
 * own explanation; `check config` also checks the rule files the configuration loads.
 */
export async function promtool(
  home: string,
  check: PromtoolCheck,
  files: readonly string[],
): Promise<string> {
  const args = check === 'test rules' ? ['test', 'rules'] : ['check', check];
  const result = await runCommand(prometheusBinary(home, 'promtool'), [...args, ...files], {
    timeoutMs: 60_000,
  });
  const output = `${result.stdout}\n${result.stderr}`.trim();
  if (result.code !== 0) throw new UserError(`promtool ${check} failed:\n${output}`);
  return output;
}
