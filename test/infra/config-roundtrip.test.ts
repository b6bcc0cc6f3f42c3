import { Duration } from 'aws-cdk-lib';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import type { IConstruct } from 'constructs';
import { afterAll, describe, expect, it } from 'vitest';
import { CAPACITY_SCAN_SETTINGS } from '../../infra/capacity-scan.js';
import { resolveSettings } from '../../infra/config.js';
import { type EcsWatchdogProps, TASK_STOPPED_SETTINGS, TIMER_SETTINGS } from '../../infra/ecs-watchdog.js';
import { RESTART_LOOP_SETTINGS } from '../../infra/incidents.js';
import { ROLLOUT_SETTINGS } from '../../infra/rollout-watch.js';
import { type CapacityScanConfig, readCapacityScanConfig } from '../../lambdas/app/capacity-scan-config';
import { readConfig, type WatchdogConfig } from '../../lambdas/app/shared/config';
import { RESOURCE_ENV, SETTING_NAMES, SETTINGS, type SettingName } from '../../lambdas/domain/settings/settings';
import { defined, type Json, logicalIdOf, synthWatchdog } from './helpers.js';

/**
 * The settings round trip: what the construct writes into each function's environment at synth is read
 * back by the reader that function runs at its cold start, and comes out as the value that was set.
 */

afterAll(() => CloudAssembly.cleanupTemporaryDirectories());

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';

/** Resolves the intrinsics an environment variable can hold, as CloudFormation would in us-east-1. */
function resolve(value: Json, resources: Record<string, Json>): string {
  if (typeof value === 'string') return value;
  if ('Ref' in value) {
    const pseudo: Record<string, string> = {
      'AWS::Partition': 'aws',
      'AWS::Region': REGION,
      'AWS::AccountId': ACCOUNT,
      'AWS::URLSuffix': 'amazonaws.com',
    };
    const ref = value.Ref as string;
    if (pseudo[ref]) return pseudo[ref];
    const type = resources[ref]?.Type;
    if (type === 'AWS::SNS::Topic') return `arn:aws:sns:${REGION}:${ACCOUNT}:${ref}`;
    if (type === 'AWS::SQS::Queue') return `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${ref}`;
    if (type === 'AWS::DynamoDB::Table') return ref;
    throw new Error(`no value for Ref ${ref} (${type})`);
  }
  if ('Fn::Join' in value) {
    const [separator, parts] = value['Fn::Join'] as [string, Json[]];
    return parts.map((part) => resolve(part, resources)).join(separator);
  }
  throw new Error(`intrinsic not resolved by the test: ${JSON.stringify(value)}`);
}

function environmentOf(template: Json, fn: IConstruct): Record<string, string> {
  const variables = template.Resources[logicalIdOf(fn)].Properties.Environment.Variables as Record<string, Json>;
  return Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, resolve(v, template.Resources)]));
}

/** Where each setting comes out of the event handlers' reader. */
const FROM_HANDLER_CONFIG: Partial<Record<SettingName, (config: WatchdogConfig) => unknown>> = {
  teamTagKey: (c) => c.teamTagKey,
  enrichmentBudget: (c) => c.enrichmentBudgetMs,
  logExcerptLines: (c) => c.logExcerptLines,
  mutedCategories: (c) => [...c.mutedCategories],
  severityOverrides: (c) => c.severityOverrides,
  redactPatterns: (c) => c.redactPatterns,
  loopThreshold: (c) => c.incidents?.policy.threshold,
  loopWindow: (c) => c.incidents?.policy.windowMs,
  groupWait: (c) => c.incidents?.policy.groupWaitMs,
  quietPeriod: (c) => c.incidents?.policy.quietMs,
  historyRetentionDays: (c) => c.incidents?.historyRetentionDays,
  maintenanceWindows: (c) => c.incidents?.maintenanceWindows?.map((w) => w.spec),
  externalId: (c) => c.accounts?.externalId,
  accountNames: (c) => c.accounts?.names,
};

/** Where each setting comes out of the capacity scan's reader. */
const FROM_SCAN_CONFIG: Partial<Record<SettingName, (config: CapacityScanConfig) => unknown>> = {
  teamTagKey: (c) => c.teamTagKey,
  freeIpThreshold: (c) => c.freeIpThreshold,
  scanConcurrency: (c) => c.concurrency,
  externalId: (c) => c.accounts.externalId,
  accountNames: (c) => c.accounts.names,
  memberAccounts: (c) => c.memberAccounts,
  memberRegions: (c) => c.memberRegions,
  belowDesiredFor: (c) => c.belowDesiredMs,
  slowDeploymentAfter: (c) => c.slowDeploymentMs,
  severityOverrides: (c) => c.severityOverrides,
  historyRetentionDays: (c) => c.historyRetentionDays,
  maintenanceWindows: (c) => c.maintenanceWindows.map((w) => w.spec),
};

/** Every setting different from its default. */
const EVERYTHING_SET: EcsWatchdogProps = {
  clusters: ['prod', 'arn:aws:ecs:eu-west-1:111122223333:cluster/batch'],
  memberAccounts: ['111122223333'],
  memberRegions: ['eu-west-1'],
  externalId: 'ops-external-42',
  accountNames: { '111122223333': 'batch-prod' },
  alertEmail: 'oncall@example.com',
  teamTagKey: 'owner',
  enrichmentBudget: Duration.millis(1500),
  logExcerptLines: 7,
  mutedCategories: ['COMPLETED', 'TIMEOUT'],
  severityOverrides: { OOM_KILLED: 'CRITICAL', ROLLOUT_FAILED: 'LOW' },
  redactPatterns: ['customer-\\d+', 'a,b{2}'],
  restartLoop: {
    threshold: 5,
    window: Duration.minutes(30),
    groupWait: Duration.seconds(0),
    quietPeriod: Duration.hours(1),
  },
  capacityScan: {
    schedule: Duration.minutes(30),
    freeIpThreshold: 65_531,
    belowDesiredFor: Duration.minutes(20),
    slowDeploymentAfter: Duration.hours(2),
    concurrency: 16,
  },
  historyRetentionDays: 7,
  maintenanceWindows: ['SUN 02:00/2h cluster=prod service=api', 'daily 23:30/45m cluster=* category=CAPACITY'],
};

describe.each<[string, EcsWatchdogProps]>([
  ['defaults', {}],
  ['every setting changed', EVERYTHING_SET],
])('settings round trip (%s)', (_name, props) => {
  const { watchdog, template } = synthWatchdog(props);
  const json = template.toJSON();
  const settings = resolveSettings(props);
  const handlers: [string, IConstruct, readonly SettingName[]][] = [
    ['task-stopped', watchdog.taskStopped.function, [...TASK_STOPPED_SETTINGS, ...RESTART_LOOP_SETTINGS]],
    ['rollout', watchdog.rolloutWatch.handler.function, [...ROLLOUT_SETTINGS, ...RESTART_LOOP_SETTINGS]],
    ['timer', watchdog.incidents.timer.function, [...TIMER_SETTINGS, ...RESTART_LOOP_SETTINGS]],
    // The sweep publishes what SNS refused: the same redaction gate as the timer.
    ['sweep', watchdog.incidents.sweep.function, [...TIMER_SETTINGS, ...RESTART_LOOP_SETTINGS]],
  ];

  it.each(handlers)('%s reads back every setting it is given', (_fn, fn, given) => {
    const env = environmentOf(json, fn);
    const config = readConfig(env);
    expect(config.alertTopicArn).toMatch(/^arn:aws:sns:/);
    expect(config.incidents?.tableName).toBeDefined();
    for (const [name, read] of Object.entries(FROM_HANDLER_CONFIG) as [SettingName, (c: WatchdogConfig) => unknown][]) {
      const setting = SETTINGS[name];
      if (given.includes(name)) {
        expect(read(config), name).toEqual(settings[name]);
      } else {
        // Not given: the function does not use it, and the reader falls back to the contract's default.
        expect(env[setting.env as string], name).toBeUndefined();
        expect(read(config), name).toEqual(setting.default);
      }
    }
  });

  it('the capacity scan reads back every setting it is given, and the clusters as ARNs', () => {
    const env = environmentOf(json, defined(watchdog.capacityScan).handler.function);
    const config = readCapacityScanConfig(env);
    for (const name of CAPACITY_SCAN_SETTINGS) {
      expect(defined(FROM_SCAN_CONFIG[name])(config), name).toEqual(settings[name]);
    }
    expect(config.clusterArns).toEqual(
      props.clusters
        ? [`arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/prod`, 'arn:aws:ecs:eu-west-1:111122223333:cluster/batch']
        : undefined,
    );
  });

  it('writes no variable the contract does not know', () => {
    const known = new Set<string>([
      ...Object.values(RESOURCE_ENV),
      ...SETTING_NAMES.flatMap((name) => SETTINGS[name].env ?? []),
      // Runtime configuration of the function itself, not of the watchdog.
      'POWERTOOLS_SERVICE_NAME',
      'POWERTOOLS_METRICS_NAMESPACE',
      'NODE_OPTIONS',
    ]);
    for (const fn of [...handlers.map(([, f]) => f), defined(watchdog.capacityScan).handler.function]) {
      expect(Object.keys(environmentOf(json, fn)).filter((name) => !known.has(name))).toEqual([]);
    }
  });
});

describe('the contract', () => {
  it('gives every setting read at runtime to some function', () => {
    const given = new Set<SettingName>([
      ...TASK_STOPPED_SETTINGS,
      ...ROLLOUT_SETTINGS,
      ...RESTART_LOOP_SETTINGS,
      ...CAPACITY_SCAN_SETTINGS,
      'clusters',
    ]);
    expect(SETTING_NAMES.filter((name) => SETTINGS[name].env !== undefined && !given.has(name))).toEqual([]);
  });

  it('names each context key and environment variable once', () => {
    const contexts = SETTING_NAMES.map((name) => SETTINGS[name].context);
    const envs = SETTING_NAMES.flatMap((name) => SETTINGS[name].env ?? []);
    expect(contexts).toEqual([...new Set(contexts)]);
    expect([...envs, ...Object.values(RESOURCE_ENV)]).toEqual([...new Set([...envs, ...Object.values(RESOURCE_ENV)])]);
  });

  it('accepts its own defaults', () => {
    for (const name of SETTING_NAMES) {
      const setting = SETTINGS[name];
      if (setting.default !== undefined) expect(setting.check(setting.default, name), name).toEqual(setting.default);
    }
  });
});
