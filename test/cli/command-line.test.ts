import { describe, expect, it } from 'vitest';
import { oneOf, parseCommandLine, UsageError, wantsHelp } from '../../lambdas/cli/command-line';
import { parseRedactArgs } from '../../lambdas/cli/redact-command';
import { parseReplayArgs } from '../../lambdas/cli/replay-command';

const OPTIONS = { format: { type: 'string' }, verbose: { type: 'boolean' } } as const;

describe('parseCommandLine (util.parseArgs)', () => {
  it('takes options anywhere among the positionals, and - as a positional', () => {
    expect(parseCommandLine(['a.json', '--format', 'text', '-', '--format=chat'], OPTIONS)).toEqual({
      values: { format: 'chat' },
      positionals: ['a.json', '-'],
    });
  });

  it.each([
    [['--foo'], 'unknown option --foo'],
    [['-x', 'file'], 'unknown option -x'],
    [['--format'], 'option --format needs a value'],
    [['--format', '--verbose'], 'option --format needs a value'],
    [['--verbose=yes'], 'option --verbose takes no value'],
  ])('%j is a one-line usage error: %s', (args, message) => {
    const error = (() => {
      try {
        parseCommandLine(args, OPTIONS);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toBe(message);
  });

  it('reads the values after -- as positionals', () => {
    expect(parseCommandLine(['--', '--format'], OPTIONS).positionals).toEqual(['--format']);
  });
});

describe('wantsHelp', () => {
  it.each([
    [['--help'], true],
    [['file.json', '-h'], true],
    [['--topic', '--help'], true],
    [['--', '--help'], false],
    [['help.json'], false],
  ])('%j → %s', (args, expected) => {
    expect(wantsHelp(args)).toBe(expected);
  });
});

describe('oneOf', () => {
  it('accepts a choice or nothing, refuses anything else naming the choices', () => {
    expect(oneOf('--format', 'chat', ['json', 'text', 'chat'])).toBe('chat');
    expect(oneOf('--format', undefined, ['json', 'text', 'chat'])).toBeUndefined();
    expect(() => oneOf('--format', 'xml', ['json', 'text', 'chat'])).toThrow(
      new UsageError('--format must be json, text or chat, got "xml"'),
    );
  });
});

describe('replay and redact arguments', () => {
  it('replay: every option sets its variable, files are the positionals', () => {
    expect(
      parseReplayArgs([
        '--topic',
        'arn:aws:sns:eu-west-1:111122223333:alerts',
        'a.json',
        '--timer-queue=https://q',
        '--table',
        't',
        '--team-tag',
        'owner',
        '--region',
        'eu-west-1',
        '--endpoint',
        'http://127.0.0.1:5000',
        'b.json',
      ]),
    ).toEqual({
      files: ['a.json', 'b.json'],
      env: {
        ALERT_TOPIC_ARN: 'arn:aws:sns:eu-west-1:111122223333:alerts',
        TIMER_QUEUE_URL: 'https://q',
        STATE_TABLE_NAME: 't',
        TEAM_TAG_KEY: 'owner',
      },
      region: 'eu-west-1',
      endpoint: 'http://127.0.0.1:5000',
    });
    expect(() => parseReplayArgs(['--topics', 'x', 'file.json'])).toThrow(new UsageError('unknown option --topics'));
    expect(() => parseReplayArgs(['--topic'])).toThrow(new UsageError('option --topic needs a value'));
    expect(() => parseReplayArgs([])).toThrow(new UsageError('no files given'));
  });

  it('redact: --pattern repeats, must be a regular expression, and input comes from stdin only', () => {
    expect(parseRedactArgs(['--pattern', 'cust-[0-9]{6}', '--pattern=x+'])).toEqual({
      patterns: ['cust-[0-9]{6}', 'x+'],
    });
    expect(() => parseRedactArgs(['--pattern', '('])).toThrow(/--pattern "\(" is not a valid regular expression/);
    expect(() => parseRedactArgs(['app.log'])).toThrow(
      new UsageError('unexpected argument "app.log" (input is read from stdin)'),
    );
  });
});
