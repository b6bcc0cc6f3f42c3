import { makeRedactor } from '../domain/alerts/redact';
import { parseCommandLine, UsageError } from './command-line';

/**
 * `ecs-watchdog redact`: stdin, one log event per line, through the same redaction as every alert
 * (key blocks and split JWTs are followed across lines), to stdout. `--pattern REGEX` adds a pattern,
 * as the `redactPatterns` setting does. Throws a UsageError (one line) for a bad command line.
 */
export function parseRedactArgs(args: readonly string[]): { patterns: string[] } {
  const { values, positionals } = parseCommandLine(args, { pattern: { type: 'string', multiple: true } });
  if (positionals.length > 0)
    throw new UsageError(`unexpected argument "${positionals[0]}" (input is read from stdin)`);
  const patterns = values.pattern ?? [];
  for (const source of patterns) {
    try {
      new RegExp(source);
    } catch (error) {
      throw new UsageError(
        `--pattern ${JSON.stringify(source)} is not a valid regular expression: ${(error as Error).message}`,
      );
    }
  }
  return { patterns };
}

/** Redacts a whole text, one log event per line; the line endings are kept. */
export function redactText(text: string, patterns: readonly string[] = []): string {
  return makeRedactor(patterns)(text);
}

/** Reads stdin to the end, writes it redacted. Returns the exit code. */
export async function runRedact(
  { patterns }: { patterns: readonly string[] },
  input: AsyncIterable<string | Buffer>,
  write: (text: string) => void,
): Promise<number> {
  let text = '';
  for await (const chunk of input) text += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
  write(redactText(text, patterns));
  return 0;
}
