import { makeRedactor } from '../domain/alerts/redact';

export const REDACT_USAGE = 'usage: ecs-watchdog redact [--pattern REGEX]... < log.txt';

/**
 * `ecs-watchdog redact`: stdin, one log event per line, through the same redaction as every alert
 * (key blocks and split JWTs are followed across lines), to stdout. `--pattern REGEX` adds a pattern,
 * as the `redactPatterns` setting does.
 */
export function parseRedactArgs(args: readonly string[]): { patterns: string[] } {
  const patterns: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const inline = /^--pattern=(.*)$/s.exec(arg);
    const source = inline ? inline[1] : arg === '--pattern' ? args[++i] : undefined;
    if (source === undefined)
      throw new Error(arg === '--pattern' ? '--pattern needs a value' : `unknown argument "${arg}"`);
    try {
      new RegExp(source);
    } catch (error) {
      throw new Error(
        `--pattern ${JSON.stringify(source)} is not a valid regular expression: ${(error as Error).message}`,
      );
    }
    patterns.push(source);
  }
  return { patterns };
}

/** Redacts a whole text, one log event per line; the line endings are kept. */
export function redactText(text: string, patterns: readonly string[] = []): string {
  return makeRedactor(patterns)(text);
}

/** Reads stdin to the end, writes it redacted. Returns the exit code. */
export async function runRedact(
  args: readonly string[],
  input: AsyncIterable<string | Buffer>,
  write: (text: string) => void,
  warn: (line: string) => void,
): Promise<number> {
  let patterns: string[];
  try {
    ({ patterns } = parseRedactArgs(args));
  } catch (error) {
    warn(`ecs-watchdog redact: ${(error as Error).message} (${REDACT_USAGE})`);
    return 2;
  }
  let text = '';
  for await (const chunk of input) text += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
  write(redactText(text, patterns));
  return 0;
}
