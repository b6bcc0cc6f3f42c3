/**
 * Health-check alerts through the real task-stopped processing, real SDK clients and the local AWS
 * (moto), seeded by local/seed.ts with the load-balanced cases of local/seed-health-checks.ts.
 *
 * moto serves ECS services (load balancers, grace period, awsvpc security groups), ELBv2 target groups,
 * targets and load balancers, and EC2 security groups with their rules, all as the watchdog reads them.
 * It never checks health: registered targets are always `healthy` and services get no events. So the
 * grace-period and security-group cases are first run on moto's own answers, and then all cases with
 * `emulateHealthReports`, which adds ONLY the service event ECS writes for the replaced task and the
 * seeded targets' health as AWS would report them.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { processTaskStopped } from '../../lambdas/app/process-task-stopped';
import { readConfig } from '../../lambdas/app/shared/config';
import { MemoryCounter, silentLog } from '../../lambdas/app/shared/telemetry';
import { makeWatchdogDeps, type WatchdogDeps } from '../../lambdas/cli/watchdog-deps';
import type { Alert } from '../../lambdas/domain/alerts/alert';
import { emulateHealthReports } from '../../local/emulate-health-reports';
import { drainSnsDeliveries, rewriteFixtureIds, type SeededAccount, seedAccount } from '../../local/seed';
import { loadEvent } from '../support/events';
import { awsClientConfig, resetAws } from './aws';

let seeded: SeededAccount;
let motoOnly: WatchdogDeps;
let emulated: WatchdogDeps;

beforeAll(async () => {
  await resetAws();
  seeded = await seedAccount(awsClientConfig());
  const config = readConfig({ ALERT_TOPIC_ARN: seeded.alerts.topicArn });
  motoOnly = makeWatchdogDeps(awsClientConfig(), config);
  emulated = makeWatchdogDeps(awsClientConfig(), config, Date.now, (client) =>
    emulateHealthReports(client, seeded.healthChecks),
  );
});

afterAll(() => {
  motoOnly?.destroy();
  emulated?.destroy();
});

afterEach(async () => {
  await drainSnsDeliveries(awsClientConfig(), seeded.alerts.allAlerts.queueUrl);
  await drainSnsDeliveries(awsClientConfig(), seeded.alerts.paymentsAlerts.queueUrl);
});

/** Replays a fixture through processTaskStopped; returns the alert as the all-alerts subscriber received it. */
async function alertFor(fixture: string, deps: WatchdogDeps): Promise<Alert> {
  const event = rewriteFixtureIds(loadEvent(`events/task-stopped/${fixture}`), seeded.fixtureIds);
  const outcome = await processTaskStopped(event, { ...deps, log: silentLog, counter: new MemoryCounter() });
  expect(outcome.status).toBe('published');
  const [delivery, ...more] = await drainSnsDeliveries(awsClientConfig(), seeded.alerts.allAlerts.queueUrl);
  expect(more).toHaveLength(0);
  return JSON.parse(delivery?.message ?? '{}') as Alert;
}

const fact = (alert: Alert, label: string) => alert.evidence.facts.find((f) => f.label === label)?.value;

describe('health-check verdicts against the seeded emulator', () => {
  it('grace period: orders-api killed before it could boot (from moto’s own answers)', async () => {
    const alert = await alertFor('health-check-elb-grace-period.json', motoOnly);
    expect(alert.enrichmentErrors).toEqual([]);
    expect(alert.title).toBe('HIGH HEALTH_CHECK_ELB: orders-api in production - killed before it could boot');
    expect(alert.verdict).toBe(
      'killed 38 s after start; grace period 0 s; the check needs 30 s to fail: raise healthCheckGracePeriodSeconds to at least the boot time',
    );
    expect(alert.nextSteps[0]).toBe(
      'Read the log excerpt for when the app starts listening; raise the grace period above that boot time: aws ecs update-service --cluster production --service orders-api --health-check-grace-period-seconds SECONDS',
    );
    expect(fact(alert, 'Health check')).toBe(
      'HTTP /health on traffic-port (8080), success codes 200, every 10 s, timeout 5 s, healthy after 2, unhealthy after 3',
    );
    expect(fact(alert, 'Target')).toBe(
      "10.0.0.41:8080 no longer registered (ECS deregisters a task's target as it stops)",
    );
    expect(fact(alert, 'Security groups')).toMatch(/on tcp 8080: allowed \(sg-\w+ allows tcp 8080 from sg-\w+\)/);
    expect(alert.evidence.logExcerpt?.lines.at(-1)).toContain('Flyway: migrating schema');
  });

  it('security group: inventory-api admits port 8080 from another group, not the load balancer’s', async () => {
    const { services, loadBalancerSecurityGroupId } = seeded.healthChecks;
    const taskGroup = services['inventory-api']?.securityGroupId;
    for (const deps of [motoOnly, emulated]) {
      const alert = await alertFor('health-check-elb-security-group.json', deps);
      expect(alert.verdict).toBe(
        `the task's security group ${taskGroup} has no rule admitting the load balancer's security group ${loadBalancerSecurityGroupId} on port 8080: the health checks never reach the task`,
      );
      expect(alert.nextSteps[0]).toBe(
        `Allow the load balancer into the task on port 8080: aws ec2 authorize-security-group-ingress --group-id ${taskGroup} --protocol tcp --port 8080 --source-group ${loadBalancerSecurityGroupId}`,
      );
      expect(alert.title).toBe('HIGH HEALTH_CHECK_ELB: inventory-api in production - security group blocks port 8080');
    }
  });

  it('wrong path: catalog-api answers 404 on /healthz; its logs come through FireLens', async () => {
    const alert = await alertFor('health-check-elb-wrong-path.json', emulated);
    expect(alert.enrichmentErrors).toEqual([]);
    expect(alert.verdict).toBe(
      "the target returned 404 on /healthz: the path or the matcher is wrong (the container's own health check calls /health)",
    );
    expect(alert.nextSteps[0]).toBe(
      `Point the health check at a path the app serves with 200: aws elbv2 modify-target-group --target-group-arn ${seeded.healthChecks.services['catalog-api']?.targetGroupArn} --health-check-path /health`,
    );
    expect(fact(alert, 'Target')).toBe(
      '10.0.0.42:8080 draining: Target.DeregistrationInProgress - Target deregistration is in progress',
    );
    expect(fact(alert, 'Other targets')).toBe(
      '1 unhealthy (Target.ResponseCodeMismatch: Health checks failed with these codes: [404])',
    );
    // The FireLens CloudWatch output's stream, its records unwrapped to their log lines.
    expect(alert.evidence.logExcerpt).toMatchObject({
      container: 'web',
      logGroup: '/ecs/catalog-api',
      logStream: 'catalog-web-firelens-b4e2d3c5f6a70819203b4c5d6e7f8091',
    });
    expect(alert.evidence.logExcerpt?.lines).toContain('GET /healthz 404 0.41ms "ELB-HealthChecker/2.0"');
  });

  it('an hour-old api-service task that stopped answering: not a start-up problem; CIDR rules checked against the subnets', async () => {
    const alert = await alertFor('health-check-elb.json', emulated);
    expect(alert.verdict).toBe(
      'it passed its health checks for 60 min, then stopped answering within 5 s timeout: the app hung or is overloaded, not a slow start',
    );
    expect(fact(alert, 'Security groups')).toContain(
      `allows tcp 8080 from 10.0.0.0/16, which holds ${seeded.subnets.a.cidr}, ${seeded.subnets.b.cidr}`,
    );
  });

  it('a container health check: the checkout app became unhealthy after an hour', async () => {
    const alert = await alertFor('health-check-container.json', motoOnly);
    expect(alert.verdict).toBe(
      'it passed its health check for 60 min, then failed 3 in a row: the app stopped answering (hung, overloaded, or a dependency the check calls is down), not a slow start',
    );
    expect(fact(alert, 'Health check of app')).toBe('CMD-SHELL curl -fsS http://localhost:3000/ready || exit 1');
  });
});
