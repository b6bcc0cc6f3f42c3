import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../lambdas/domain/alerts/alert';
import type { ChatNotification } from '../../lambdas/domain/alerts/render-chat';

/** The CLI as a user runs it: the bin, in a fresh Node process. */
const BIN = join(__dirname, '..', '..', 'bin', 'ecs-watchdog.cjs');
const OOM = 'events/task-stopped/oom-killed.json';
const VERSION = (JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string })
  .version;
const dir = mkdtempSync(join(tmpdir(), 'ecs-watchdog-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  // Without the variable the bin sets itself: the SDK's Node-version warning must not reach the user.
  const env = { ...process.env };
  delete env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED;
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args], {
      env: { ...env, AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const { code, stdout, stderr } = error as { code: number; stdout: string; stderr: string };
    return { code, stdout, stderr };
  }
}

describe('ecs-watchdog --version and --help', () => {
  it('--version prints the package version', async () => {
    expect(await cli('--version')).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
  });

  it('--help lists every command; no command at all is a usage error with the same help', async () => {
    const help = await cli('--help');
    expect(help.code).toBe(0);
    for (const command of ['classify', 'replay', 'redact']) expect(help.stdout).toContain(`  ${command} `);
    expect(help.stdout).toContain('--version');
    const none = await cli();
    expect(none.code).toBe(2);
    expect(none.stderr).toBe(help.stdout);
  });

  it.each([
    ['classify', ['--help'], 'Usage: ecs-watchdog classify [--format json|text|chat] FILE...'],
    ['classify', [OOM, '-h'], 'Usage: ecs-watchdog classify'],
    ['replay', ['--help'], 'Usage: ecs-watchdog replay [options] FILE...'],
    ['replay', ['--topic', '--help'], 'Usage: ecs-watchdog replay'],
    ['redact', ['-h'], 'Usage: ecs-watchdog redact [--pattern REGEX]...'],
  ])('%s %j prints its help and runs nothing', async (command, args, usage) => {
    const run = await cli(command, ...args);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout.startsWith(usage)).toBe(true);
    expect(run.stdout).toContain('-h, --help');
  });
});

describe('usage errors: one line, exit 2, no stack trace', () => {
  it.each([
    [['classify', '--fromat', 'text', OOM], 'ecs-watchdog classify: unknown option --fromat'],
    [['classify', OOM, '--format'], 'ecs-watchdog classify: option --format needs a value'],
    [['classify', '--format', 'html', OOM], 'ecs-watchdog classify: --format must be json, text or chat, got "html"'],
    [['classify'], 'ecs-watchdog classify: no files given'],
    [['replay', 'event.json', '--topic'], 'ecs-watchdog replay: option --topic needs a value'],
    [['replay', '--tpoic', 'x', 'event.json'], 'ecs-watchdog replay: unknown option --tpoic'],
    [['redact', '--pattern', '(x'], 'ecs-watchdog redact: --pattern "(x" is not a valid regular expression'],
    [['clasify', OOM], 'ecs-watchdog: unknown command "clasify"'],
    [['--verbose'], 'ecs-watchdog: unknown option --verbose'],
  ])('%j', async (args, message) => {
    const run = await cli(...args);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    expect(run.stderr.startsWith(message)).toBe(true);
    expect(run.stderr).toMatch(/\(see ecs-watchdog (\w+ )?--help\)\n$/);
  });
});

describe('classify --format: one event as on-call receives it', () => {
  it('text is the e-mail body', async () => {
    const run = await cli('classify', '--format', 'text', OOM);
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n')[0]).toBe(
      'HIGH OOM_KILLED: api-service in production - container api out of memory (limit 512 MiB)',
    );
    expect(run.stdout).toContain('\nNEXT STEPS\n');
    expect(run.stdout).toContain('Culprit container: api');
  });

  it('json is the alert JSON and chat the chat notification, one line per event', async () => {
    const files = [OOM, 'events/deployment/failed-circuit-breaker.json'];
    const json = await cli('classify', '--format', 'json', ...files);
    const alerts = json.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Alert);
    expect(alerts.map((a) => [a.kind, a.category])).toEqual([
      ['TASK_STOPPED', 'OOM_KILLED'],
      ['ROLLOUT', 'ROLLOUT_FAILED'],
    ]);
    expect(alerts[0]?.nextSteps.length).toBeGreaterThan(0);
    const chat = await cli('classify', '--format=chat', ...files);
    const notes = chat.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as ChatNotification);
    expect(notes.map((n) => n.content.title)).toEqual(alerts.map((a) => expect.stringContaining(a.title)));
  });

  it('a secret in the event is redacted, as in every alert', async () => {
    const event = JSON.parse(readFileSync(OOM, 'utf8'));
    event.detail.stoppedReason = 'Essential container exited: password=hunter2';
    writeFileSync(join(dir, 'secret.json'), JSON.stringify(event));
    for (const format of ['json', 'text', 'chat']) {
      const run = await cli('classify', '--format', format, join(dir, 'secret.json'));
      expect(run.code).toBe(0);
      expect(run.stdout).not.toContain('hunter2');
    }
  });
});

describe('classify takes dead-letter records as replay does', () => {
  it('a Lambda on-failure record is classified as the event it carries', async () => {
    const event = JSON.parse(readFileSync(OOM, 'utf8'));
    const record = {
      version: '1.0',
      requestContext: { condition: 'RetriesExhausted', approximateInvokeCount: 3 },
      requestPayload: event,
      responsePayload: { errorMessage: 'publish failed' },
    };
    writeFileSync(join(dir, 'dlq.json'), JSON.stringify(record));
    const [plain, wrapped] = await Promise.all([cli('classify', OOM), cli('classify', join(dir, 'dlq.json'))]);
    expect(wrapped.code).toBe(0);
    const line = (run: { stdout: string }) => {
      const { file: _file, ...rest } = JSON.parse(run.stdout) as Record<string, unknown>;
      return rest;
    };
    expect(line(wrapped)).toEqual(line(plain));
    expect(line(wrapped).category).toBe('OOM_KILLED');
  });
});

describe('the AWS SDK', () => {
  it('prints no Node-version warning through the bin (replay makes SDK clients; nothing listens on port 9)', async () => {
    const run = await cli(
      'replay',
      '--region',
      'us-east-1',
      '--endpoint',
      'http://127.0.0.1:9',
      '--topic',
      'arn:aws:sns:us-east-1:123456789012:alerts',
      OOM,
    );
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({ file: OOM, status: 'failed' });
    expect(run.stderr).toContain('Enrichment incomplete');
    expect(run.stderr).not.toContain('NodeVersionSupportWarning');
  });
});
