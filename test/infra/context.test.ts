import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveSettings } from '../../infra/config.js';
import { CONTEXT_KEYS, watchdogPropsFromContext } from '../../infra/context.js';
import { SETTING_NAMES, SETTINGS } from '../../lambdas/domain/settings/settings.js';

const reader = (context: Record<string, unknown>) => (key: string) => context[key];

describe('watchdogPropsFromContext', () => {
  it('returns no settings for an empty context, so the construct defaults apply', () => {
    expect(watchdogPropsFromContext(reader({}))).toEqual({});
  });

  it('reads JSON values from cdk.json', () => {
    const props = watchdogPropsFromContext(
      reader({
        alertEmail: 'oncall@example.com',
        clusters: ['prod', 'staging'],
        teamTagKey: 'owner',
        mutedCategories: ['COMPLETED'],
        severityOverrides: { OOM_KILLED: 'CRITICAL' },
        logExcerptLines: 10,
        enrichmentBudgetSeconds: 1.5,
      }),
    );
    expect(props).toMatchObject({
      alertEmail: 'oncall@example.com',
      clusters: ['prod', 'staging'],
      teamTagKey: 'owner',
      mutedCategories: ['COMPLETED'],
      severityOverrides: { OOM_KILLED: 'CRITICAL' },
      logExcerptLines: 10,
    });
    expect(props.enrichmentBudget?.toMilliseconds()).toBe(1500);
  });

  it('reads strings from `cdk synth -c key=value`', () => {
    const props = watchdogPropsFromContext(
      reader({
        clusters: 'prod, staging',
        mutedCategories: '["COMPLETED","USER_STOPPED"]',
        severityOverrides: '{"OOM_KILLED":"CRITICAL"}',
        logExcerptLines: '5',
        enrichmentBudgetSeconds: '2',
      }),
    );
    expect(props.clusters).toEqual(['prod', 'staging']);
    expect(props.mutedCategories).toEqual(['COMPLETED', 'USER_STOPPED']);
    expect(props.severityOverrides).toEqual({ OOM_KILLED: 'CRITICAL' });
    expect(props.logExcerptLines).toBe(5);
    expect(props.enrichmentBudget?.toMilliseconds()).toBe(2000);
  });

  it.each([
    [
      'clusters',
      '[prod',
      'EcsWatchdog: -c clusters must be a JSON array of strings or a comma-separated list, got "[prod"',
    ],
    ['clusters', 42, 'EcsWatchdog: -c clusters must be a JSON array'],
    ['mutedCategories', [1], 'EcsWatchdog: -c mutedCategories must be a JSON array'],
    ['severityOverrides', '{OOM', 'EcsWatchdog: -c severityOverrides must be a JSON object, got "{OOM"'],
    ['severityOverrides', '["HIGH"]', 'EcsWatchdog: -c severityOverrides must be a JSON object'],
    ['logExcerptLines', 'lots', 'EcsWatchdog: -c logExcerptLines must be a number, got "lots"'],
    ['enrichmentBudgetSeconds', 'soon', 'EcsWatchdog: -c enrichmentBudgetSeconds must be a number'],
    ['alertEmail', 7, 'EcsWatchdog: -c alertEmail must be a string, got 7'],
    ['teamTagKey', ['a'], 'EcsWatchdog: -c teamTagKey must be a string'],
  ])('a malformed %s fails naming it', (key, value, message) => {
    expect(() => watchdogPropsFromContext(reader({ [key]: value }))).toThrow(message);
  });
});

describe('restart-loop and capacity-scan context keys', () => {
  it('reads them from cdk.json values', () => {
    const props = watchdogPropsFromContext(
      reader({
        loopThreshold: 4,
        loopWindowMinutes: 20,
        groupWaitSeconds: 0,
        quietPeriodMinutes: 30,
        capacityScanEnabled: true,
        capacityScanMinutes: 60,
        freeIpThreshold: 50,
      }),
    );
    expect(props.restartLoop?.threshold).toBe(4);
    expect(props.restartLoop?.window?.toSeconds()).toBe(1200);
    expect(props.restartLoop?.groupWait?.toSeconds()).toBe(0);
    expect(props.restartLoop?.quietPeriod?.toSeconds()).toBe(1800);
    expect(props.capacityScan?.enabled).toBe(true);
    expect(props.capacityScan?.schedule?.toMinutes()).toBe(60);
    expect(props.capacityScan?.freeIpThreshold).toBe(50);
  });

  it('reads them from `-c key=value` strings, and leaves unset ones to the construct defaults', () => {
    const props = watchdogPropsFromContext(
      reader({ loopThreshold: '5', loopWindowMinutes: '1.5', capacityScanEnabled: 'false' }),
    );
    expect(Object.keys(props.restartLoop ?? {})).toEqual(['threshold', 'window']);
    expect(props.restartLoop?.threshold).toBe(5);
    expect(props.restartLoop?.window?.toSeconds()).toBe(90);
    expect(props.capacityScan).toEqual({ enabled: false });
  });

  it('sets neither group when none of its keys is given', () => {
    const props = watchdogPropsFromContext(reader({ teamTagKey: 'owner' }));
    expect(props).toEqual({ teamTagKey: 'owner' });
  });

  it.each([
    ['loopThreshold', 'three', 'EcsWatchdog: -c loopThreshold must be a number, got "three"'],
    ['loopWindowMinutes', [10], 'EcsWatchdog: -c loopWindowMinutes must be a number'],
    ['groupWaitSeconds', 'soon', 'EcsWatchdog: -c groupWaitSeconds must be a number'],
    ['quietPeriodMinutes', {}, 'EcsWatchdog: -c quietPeriodMinutes must be a number'],
    ['capacityScanEnabled', 'yes', 'EcsWatchdog: -c capacityScanEnabled must be true or false, got "yes"'],
    ['capacityScanEnabled', 1, 'EcsWatchdog: -c capacityScanEnabled must be true or false, got 1'],
    ['capacityScanMinutes', 'hourly', 'EcsWatchdog: -c capacityScanMinutes must be a number'],
    ['freeIpThreshold', 'many', 'EcsWatchdog: -c freeIpThreshold must be a number'],
  ])('a malformed %s fails naming it', (key, value, message) => {
    expect(() => watchdogPropsFromContext(reader({ [key]: value }))).toThrow(message);
  });

  it.each([
    ['loopThreshold', '1', 'EcsWatchdog: -c loopThreshold must be an integer from 2 to 100, got 1'],
    [
      'enrichmentBudgetSeconds',
      '50',
      'EcsWatchdog: -c enrichmentBudgetSeconds must be from 100 ms to 20 s (the function times out after 30 s), got 50 s',
    ],
    ['alertEmail', 'oncall', 'EcsWatchdog: -c alertEmail "oncall"'],
    ['mutedCategories', 'OOM', 'EcsWatchdog: -c mutedCategories: "OOM"'],
  ])('a %s out of its range fails naming the -c key first, then what it accepts', (key, value, message) => {
    expect(() => watchdogPropsFromContext(reader({ [key]: value }))).toThrow(message);
  });

  it('the construct names the prop and the -c key, for apps that set props in code', () => {
    expect(() => resolveSettings({ restartLoop: { threshold: 1 } })).toThrow(
      'EcsWatchdog: restartLoop.threshold must be an integer from 2 to 100, got 1 (-c loopThreshold)',
    );
  });

  it('has one context key per setting of the contract, each read', () => {
    expect(CONTEXT_KEYS).toEqual([...new Set(CONTEXT_KEYS)]);
    // A valid value of each key: the first of these its setting accepts.
    const candidates = [
      'false',
      '{}',
      'x',
      '1',
      '3',
      '15',
      'a@example.com',
      'COMPLETED',
      '111111111111',
      'o-abcdefghij',
      'eu-west-1',
      'destroy',
      'SUN 02:00/2h cluster=prod',
    ];
    for (const name of SETTING_NAMES) {
      const setting = SETTINGS[name];
      const value = candidates.find((candidate) => {
        try {
          setting.check(setting.fromContext(candidate, ''), '');
          return true;
        } catch {
          return false;
        }
      });
      expect(value, setting.context).toBeDefined();
      const props = watchdogPropsFromContext(reader({ [setting.context]: value }));
      expect(JSON.stringify(props), setting.context).not.toBe('{}');
    }
  });
});

describe('cdk synth with a bad -c value (infra/app.ts)', () => {
  it('fails with one line naming the context key, no stack trace', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'ecs-watchdog-app-'));
    try {
      // What `cdk synth -c enrichmentBudgetSeconds=50` runs: the app, with the context in CDK_CONTEXT_JSON.
      const run = spawnSync(process.execPath, ['--import', 'tsx', 'infra/app.ts'], {
        env: {
          ...process.env,
          CDK_CONTEXT_JSON: JSON.stringify({ enrichmentBudgetSeconds: '50' }),
          CDK_OUTDIR: outdir,
        },
        encoding: 'utf8',
      });
      expect(run.status).toBe(1);
      expect(run.stderr.trim()).toBe(
        'EcsWatchdog: -c enrichmentBudgetSeconds must be from 100 ms to 20 s (the function times out after 30 s), got 50 s',
      );
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});

describe('the README settings table', () => {
  const readme = readFileSync(join(__dirname, '../../README.md'), 'utf8');
  const lines = readme.split('\n');
  const header = lines.findIndex((line) => line.startsWith('| `-c` key |'));
  const end = lines.findIndex((line, i) => i > header && !line.startsWith('|'));
  const rows = lines
    .slice(header + 2, end)
    .map((line) => line.split('|').map((cell) => cell.trim().replace(/^`|`$/g, '')))
    .map(([, key, defaultCell, valid]) => ({ key: key as string, defaultCell: defaultCell as string, valid }));

  it('lists every context key of the contract once, with its valid values', () => {
    expect(rows.map((r) => r.key).sort()).toEqual(SETTING_NAMES.map((name) => SETTINGS[name].context).sort());
    for (const name of SETTING_NAMES) {
      const setting = SETTINGS[name];
      expect(rows.find((r) => r.key === setting.context)?.valid, setting.context).toBe(setting.expected);
    }
  });

  it('gives the contract default of every number, duration, flag and tag key', () => {
    for (const name of SETTING_NAMES) {
      const setting = SETTINGS[name];
      if (!['integer', 'duration', 'flag'].includes(setting.kind) && name !== 'teamTagKey') continue;
      const row = rows.find((r) => r.key === setting.context);
      expect(setting.fromContext(row?.defaultCell, setting.context), setting.context).toEqual(setting.default);
    }
  });
});
