import { describe, expect, it } from 'vitest';
import { makeRedactor } from '../../../lambdas/domain/alerts/redact';
import {
  type ContainerHealthCheckInput,
  diagnoseContainerHealthCheck,
} from '../../../lambdas/domain/health/container-health-diagnosis';
import { CONTAINER_HEALTH_CHECK_STEPS } from '../../../lambdas/domain/health/health-check-diagnosis';
import type { HealthCheckSettings, TaskDefinitionFacts } from '../../../lambdas/domain/stops/task-definition';

const STARTED = '2025-03-09T11:35:51.818Z';
const at = (seconds: number) => new Date(Date.parse(STARTED) + seconds * 1000).toISOString();

function definition(healthCheck: HealthCheckSettings | undefined, portMappings = ['3000/tcp']): TaskDefinitionFacts {
  return {
    arn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/checkout-service:12',
    taskDefinition: 'checkout-service:12',
    family: 'checkout-service',
    revision: 12,
    requiresCompatibilities: ['FARGATE'],
    containers: [{ name: 'app', essential: true, environmentKeys: [], secretNames: [], portMappings, healthCheck }],
  };
}

const CHECK: HealthCheckSettings = {
  command: ['CMD-SHELL', 'curl -fsS http://localhost:3000/ready || exit 1'],
  interval: 10,
  timeout: 5,
  retries: 3,
  startPeriod: 30,
};

function input(lived: number, overrides: Partial<ContainerHealthCheckInput> = {}): ContainerHealthCheckInput {
  return {
    task: {
      taskId: '0d72b4c627fea43c69100b4816f9b8b2',
      cluster: 'production',
      taskDefinition: 'checkout-service:12',
      startedAt: STARTED,
      stoppingAt: at(lived),
      stoppedAt: at(lived + 15),
      containers: [
        { name: 'app', healthStatus: 'UNHEALTHY' },
        { name: 'envoy', healthStatus: 'HEALTHY' },
      ],
    },
    containerName: 'app',
    taskDefinition: definition(CHECK),
    gracePeriodSeconds: 0,
    redact: makeRedactor([]),
    ...overrides,
  };
}
const fact = (d: ReturnType<typeof diagnoseContainerHealthCheck>, label: string) =>
  d.facts.find((f) => f.label === label)?.value;

describe('diagnoseContainerHealthCheck', () => {
  it('lists the check, its timing against the lifetime, the health statuses, and that ECS keeps no output', () => {
    const d = diagnoseContainerHealthCheck(input(3600));
    expect(fact(d, 'Health check of app')).toBe('CMD-SHELL curl -fsS http://localhost:3000/ready || exit 1');
    expect(fact(d, 'Health check timing')).toBe(
      'every 10 s, timeout 5 s, 3 retries, start period 30 s: needs 60 s to fail (30 + 3 × 10 s)',
    );
    expect(fact(d, 'Grace period')).toBe("0 s (the service's grace period covers container checks too)");
    expect(fact(d, 'Lifetime')).toBe(`stopped 60 min after start (${STARTED} → ${at(3600)})`);
    expect(fact(d, 'Health status')).toBe('app UNHEALTHY, envoy HEALTHY');
    expect(fact(d, 'Health check output')).toContain('ECS keeps only HEALTHY/UNHEALTHY');
  });

  it('became unhealthy while running', () => {
    expect(diagnoseContainerHealthCheck(input(3600)).verdict).toMatchObject({
      cause: 'app-unhealthy',
      short: 'app unhealthy after 60 min',
      line: 'it passed its health check for 60 min, then failed 3 in a row: the app stopped answering (hung, overloaded, or a dependency the check calls is down), not a slow start',
    });
  });

  it('start period: killed as soon as the check could fail', () => {
    const d = diagnoseContainerHealthCheck(input(65));
    expect(d.verdict).toMatchObject({
      cause: 'start-period',
      short: 'app killed before it could boot',
      line: 'killed 65 s after start; startPeriod 30 s; the check needs 60 s to fail: raise startPeriod to at least the boot time',
    });
    expect(d.nextSteps[0]).toContain(
      'register a revision of checkout-service whose health check startPeriod (now 30 s',
    );
    expect(d.nextSteps).not.toContain(CONTAINER_HEALTH_CHECK_STEPS[2]?.text);
  });

  it('an exec-form command that can never run, whatever the timing', () => {
    const oneString = diagnoseContainerHealthCheck(
      input(3600, { taskDefinition: definition({ command: ['CMD', 'curl -f http://localhost:3000/ || exit 1'] }) }),
    );
    expect(oneString.verdict).toMatchObject({
      cause: 'check-command',
      short: 'app health check cannot run',
      line: 'the exec form CMD runs "curl -f http://localhost:3000/ || exit 1" as one program name, which does not exist: the check can never pass; use CMD-SHELL',
    });
    const operators = diagnoseContainerHealthCheck(
      input(65, {
        taskDefinition: definition({ command: ['CMD', 'curl', '-f', 'http://localhost:3000/', '||', 'exit', '1'] }),
      }),
    );
    expect(operators.verdict?.line).toBe(
      'the exec form CMD passes "||" to curl as an argument (there is no shell): the check can never pass; use CMD-SHELL',
    );
    // The exec form with separate arguments and no shell syntax is fine.
    const fine = diagnoseContainerHealthCheck(
      input(3600, { taskDefinition: definition({ command: ['CMD', 'wget', '-q', '-O-', 'http://localhost:3000/'] }) }),
    );
    expect(fine.verdict?.cause).toBe('app-unhealthy');
  });

  it('a check calling a port the container does not map, when it never passed', () => {
    const d = diagnoseContainerHealthCheck(
      input(40, {
        taskDefinition: definition({ ...CHECK, command: ['CMD-SHELL', 'curl -f http://127.0.0.1:9090/health'] }),
      }),
    );
    expect(d.verdict?.line).toBe('the health check calls port 9090, but container app maps only 3000: it never passed');
  });

  it('uses the ECS defaults for settings the definition leaves out', () => {
    const d = diagnoseContainerHealthCheck(
      input(3600, { taskDefinition: definition({ command: ['CMD-SHELL', 'true'] }) }),
    );
    expect(fact(d, 'Health check timing')).toBe(
      'every 30 s (default), timeout 5 s (default), 3 retries (default), start period 0 s (default): needs 90 s to fail (0 + 3 × 30 s)',
    );
  });

  it('redacts secrets in the command', () => {
    const d = diagnoseContainerHealthCheck(
      input(3600, {
        taskDefinition: definition({
          command: [
            'CMD-SHELL',
            'curl -fsS -H "Authorization: Bearer abcdefghijklmnop123456" http://localhost:3000/ready',
          ],
        }),
      }),
    );
    expect(fact(d, 'Health check of app')).not.toContain('abcdefghijklmnop123456');
  });

  it('says when the definition has no check, and keeps the generic steps without a verdict', () => {
    const d = diagnoseContainerHealthCheck(input(3600, { taskDefinition: definition(undefined) }));
    expect(fact(d, 'Health check of app')).toBe(
      'none in checkout-service:12 (ECS runs only the checks defined in the task definition)',
    );
    expect(d.verdict).toBeUndefined();
    expect(d.nextSteps).toEqual(CONTAINER_HEALTH_CHECK_STEPS.map((s) => s.text));
    const unknown = diagnoseContainerHealthCheck(input(3600, { taskDefinition: undefined }));
    expect(unknown.verdict).toBeUndefined();
  });
});
