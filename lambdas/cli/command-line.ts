import { type ParseArgsConfig, parseArgs } from 'node:util';

/**
 * Argument handling shared by every `ecs-watchdog` command, on Node's `util.parseArgs`: `--help` / `-h`
 * anywhere before `--` asks for help (so it is never taken as a file or an option's value), and every
 * mistake is a {@link UsageError} of one line, which the CLI prints with exit code 2.
 */

/** A mistake in the command line: printed as one line with a pointer to the help, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export type OptionSpecs = NonNullable<ParseArgsConfig['options']>;

export type ParsedCommandLine<O extends OptionSpecs> = ReturnType<
  typeof parseArgs<{ args: string[]; options: O; allowPositionals: true; strict: true }>
>;

/** The arguments ask for help: `--help` or `-h` before any `--` terminator. */
export function wantsHelp(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).some((arg) => arg === '--help' || arg === '-h');
}

/** Parses options (strict: unknown ones are refused) and positionals; Node's errors become one-line UsageErrors. */
export function parseCommandLine<const O extends OptionSpecs>(
  args: readonly string[],
  options: O,
): ParsedCommandLine<O> {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (error) {
    throw usageErrorOf(error);
  }
}

/** Node's parseArgs messages are several sentences, some over several lines: the CLI says each in a few words. */
function usageErrorOf(error: unknown): Error {
  const { code, message } = error as { code?: string; message?: string };
  const option = /'(-[^' ]*)/.exec(message ?? '')?.[1] ?? '';
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return new UsageError(`unknown option ${option}`);
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    return new UsageError(
      message?.includes('does not take an argument')
        ? `option ${option} takes no value`
        : `option ${option} needs a value`,
    );
  }
  return error instanceof Error ? error : new Error(String(error));
}

/** The value of a string option that must be one of `choices` (e.g. `--format`). */
export function oneOf<T extends string>(
  option: string,
  value: string | undefined,
  choices: readonly T[],
): T | undefined {
  if (value === undefined || (choices as readonly string[]).includes(value)) return value as T | undefined;
  throw new UsageError(`${option} must be ${choices.slice(0, -1).join(', ')} or ${choices.at(-1)}, got "${value}"`);
}
