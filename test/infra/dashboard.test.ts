import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { afterAll, describe, expect, it } from 'vitest';
import { ACTIVE_SILENCES_METRIC } from '../../infra/dashboard.js';
import { type Json, logicalIdOf, resourcesOfType, synthWatchdog } from './helpers.js';

afterAll(() => CloudAssembly.cleanupTemporaryDirectories());

/** The dashboard body CloudFormation receives: a JSON string joined from literals and references. */
function dashboardBody(template: ReturnType<typeof synthWatchdog>['template']): { widgets: Json[]; raw: string } {
  const [dashboard] = Object.values(resourcesOfType(template, 'AWS::CloudWatch::Dashboard'));
  const parts = dashboard.Properties.DashboardBody['Fn::Join'][1] as Json[];
  const raw = parts.map((p) => (typeof p === 'string' ? p : `\${${JSON.stringify(p)}}`)).join('');
  // References are inside JSON strings already: replace them by a placeholder to parse.
  const parsable = parts.map((p) => (typeof p === 'string' ? p : 'REF')).join('');
  return { widgets: JSON.parse(parsable).widgets, raw };
}

describe('the CloudWatch dashboard', () => {
  const { template, watchdog } = synthWatchdog();
  const { widgets, raw } = dashboardBody(template);
  const titles = widgets.map((w) => w.properties.title);
  const metricsOf = (title: string): Json[] => widgets.find((w) => w.properties.title === title)?.properties.metrics;

  it('is one dashboard with a graph for each thing on-call and platform watch', () => {
    expect(Object.keys(resourcesOfType(template, 'AWS::CloudWatch::Dashboard'))).toHaveLength(1);
    expect(titles).toEqual([
      'Pages by severity',
      'Pages by category (and severity)',
      'Task stops: actionable against routine (routine ones the rule lets through)',
      'Open incidents held by the capacity scan',
      'Active silences',
      'Invalid events (malformed, logged with the reason)',
      'Dead-letter queue depth',
      'Oldest undelivered alert (seconds)',
      'Surge headroom per subnet (tasks; below 0 a deployment fails)',
      'Free IP addresses per subnet',
    ]);
  });

  it('graphs pages by severity and category from the Pages metric, one series per severity', () => {
    const bySeverity = metricsOf('Pages by severity').map((m) => m[0]);
    expect(bySeverity.map((m: Json) => m.label)).toEqual(['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFO']);
    expect(bySeverity[0].expression).toBe(
      `SUM(SEARCH('{EcsWatchdog,category,service,severity} MetricName="Pages" service="ecs-watchdog" severity="CRITICAL"', 'Sum', 300))`,
    );
    expect(metricsOf('Pages by category (and severity)')[0][0].expression).toBe(
      `SEARCH('{EcsWatchdog,category,service,severity} MetricName="Pages" service="ecs-watchdog"', 'Sum', 300)`,
    );
  });

  it('reads the metrics the functions publish, in the watchdog namespace with its service dimension', () => {
    const named = (title: string) =>
      metricsOf(title).map((m) => [m[0], m[1], m[2], m[3], m[4]?.stat ?? m[m.length - 1]?.stat]);
    expect(named('Task stops: actionable against routine (routine ones the rule lets through)')).toEqual([
      ['EcsWatchdog', 'ActionableStops', 'service', 'ecs-watchdog', 'Sum'],
      ['EcsWatchdog', 'RoutineStops', 'service', 'ecs-watchdog', 'Sum'],
      ['EcsWatchdog', 'MutedAlerts', 'service', 'ecs-watchdog', 'Sum'],
    ]);
    expect(named('Active silences')).toEqual([
      ['EcsWatchdog', ACTIVE_SILENCES_METRIC, 'service', 'ecs-watchdog', 'Maximum'],
    ]);
    expect(named('Invalid events (malformed, logged with the reason)')[0]?.[1]).toBe('InvalidEvents');
    expect(named('Oldest undelivered alert (seconds)')[0]?.slice(1, 2)).toEqual(['OldestUndeliveredAlertAgeSeconds']);
    expect(named('Open incidents held by the capacity scan').map((m) => m[1])).toEqual([
      'OpenServiceHealthIncidents',
      'OpenCapacityIncidents',
    ]);
  });

  it("graphs the dead-letter queue's depth and every subnet's headroom and free addresses", () => {
    const dlq = metricsOf('Dead-letter queue depth')[0];
    expect(dlq.slice(0, 3)).toEqual(['AWS/SQS', 'ApproximateNumberOfMessagesVisible', 'QueueName']);
    expect(raw).toContain(JSON.stringify({ 'Fn::GetAtt': [logicalIdOf(watchdog.deadLetterQueue), 'QueueName'] }));
    expect(metricsOf('Surge headroom per subnet (tasks; below 0 a deployment fails)')[0][0].expression).toBe(
      `SEARCH('{EcsWatchdog/Capacity,SubnetId} MetricName="SurgeHeadroom"', 'Minimum', 900)`,
    );
    expect(metricsOf('Free IP addresses per subnet')[0][0].expression).toContain('MetricName="FreeIpAddresses"');
  });
});
