// SPDX-License-Identifier: Apache-2.0
import type { OptionValues } from 'commander';
import { Command, CommanderError, InvalidArgumentError } from 'commander';

/** The exit code of a command line the program refuses (unknown command or option, bad value). */
export const USAGE_ERROR = 2;

export interface CommandLineOptions {
  /** The program's name in usage lines (`dapp`, `datasync`, ...). */
  name: string;
  description: string;
  /** Printed after the program's own help: where its configuration comes from. */
  footer?: string;
}

/**
 * What a command does; resolves to the process's exit code, or undefined for a command that
 * keeps the process running (a server stops on a signal, not by returning).
 */
export type CommandAction<Options extends OptionValues> = (
  options: Options,
  command: Command,
) => Promise<number | undefined> | number | undefined;

/**
 * A service's command line, alike in every service: `<name> [command] [options]`, `--help` on the
 * program and on each command, and an unknown command or option, a missing value or a value that
 * does not parse refused with the reason, a pointer to --help and exit code 2. Commands are
 * commander commands, so options, defaults and help text are declared once, next to the action.
 */
export class CommandLine {
  readonly program: Command;
  private exitCode: number | undefined;

  constructor(options: CommandLineOptions) {
    // Settings made before .command() are inherited by every command.
    this.program = new Command(options.name)
      .description(options.description)
      .helpOption('-h, --help', 'show this help')
      .helpCommand(false)
      .showHelpAfterError(`(run ${options.name} --help for usage)`)
      .exitOverride();
    if (options.footer) this.program.addHelpText('after', `\n${options.footer}`);
  }

  /** Adds a command; describe its options on the returned command. */
  command<Options extends OptionValues = OptionValues>(
    name: string,
    description: string,
    action: CommandAction<Options>,
  ): Command {
    return this.program
      .command(name)
      .description(description)
      .action(async (...args: unknown[]) => {
        const command = args[args.length - 1] as Command;
        this.exitCode = await action(command.opts<Options>(), command);
      });
  }

  /**
   * Runs the command argv names (argv without node and the script). Without a command (no
   * arguments, or options only) it runs defaultCommand; `--help` alone shows the program's help.
   */
  async run(argv: readonly string[], defaultCommand?: string): Promise<number | undefined> {
    const [first] = argv;
    const named = first !== undefined && !first.startsWith('-');
    const helpOnly = first === '--help' || first === '-h';
    const args = defaultCommand && !named && !helpOnly ? [defaultCommand, ...argv] : [...argv];
    this.exitCode = undefined;
    try {
      await this.program.parseAsync(args, { from: 'user' });
    } catch (error) {
      // commander has already printed the help, or the refusal with its reason
      if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : USAGE_ERROR;
      throw error;
    }
    return this.exitCode;
  }
}

/** Parses a whole number of at least `min`, for an option's value. */
export function integerOption(min = 0): (value: string) => number {
  return (value) => {
    if (!/^\d+$/.test(value) || Number(value) < min) {
      throw new InvalidArgumentError(`expected a whole number of at least ${min}`);
    }
    return Number(value);
  };
}

/** Collects every value of a repeatable option, in order. */
export function repeatedOption(value: string, previous: readonly string[] = []): string[] {
  return [...previous, value];
}

export { Command, InvalidArgumentError };
export type { OptionValues };
