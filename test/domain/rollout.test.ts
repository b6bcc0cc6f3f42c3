import { describe, expect, it } from 'vitest';
import { classifyEvent } from '../../lambdas/domain/alerts/classify-event';
import { parseDeploymentStateChange } from '../../lambdas/domain/events/deployment-event';
import { parseEnvelope } from '../../lambdas/domain/events/ecs-event';
import { parseServiceArn } from '../../lambdas/domain/events/service-arn';
import type { TaskStateChange } from '../../lambdas/domain/events/task-event';
import {
  classifyDeployment,
  isCircuitBreakerFailure,
  isRollbackCompletion,
  rollbackTargetOf,
} from '../../lambdas/domain/rollouts/classify-rollout';
import { placementCauseOf } from '../../lambdas/domain/rollouts/placement-cause';
import {
  diagnosePlacement,
  type PlacementFacts,
  tasksToPlace,
} from '../../lambdas/domain/rollouts/placement-diagnosis';
import { summariseStops } from '../../lambdas/domain/stops/stopped-task-summary';
import type { ContainerDefinitionFacts, TaskDefinitionFacts } from '../../lambdas/domain/stops/task-definition';
import { diffRevisions } from '../../lambdas/domain/stops/task-definition-diff';
import { instanceFacts } from '../support/capacity';
import { loadEvent } from '../support/events';

describe('deployment fixtures classify offline', () => {
  it.each([
    ['failed-circuit-breaker', 'ROLLOUT_FAILED', true],
    ['failed-task-wording', 'ROLLOUT_FAILED', true],
    ['rollback-started', 'ROLLOUT_ROLLED_BACK', false],
    ['rollback-completed', 'ROLLOUT_COMPLETED', false],
    ['in-progress', 'ROLLOUT_IN_PROGRESS', false],
  ])('%s → %s', (file, category, actionable) => {
    const alert = classifyEvent(loadEvent(`events/deployment/${file}.json`));
    expect({ kind: alert.kind, category: alert.category, actionable: alert.actionable }).toEqual({
      kind: 'ROLLOUT',
      category,
      actionable,
    });
  });

  it('puts rollback started and completed on the same incident', () => {
    const started = classifyEvent(loadEvent('events/deployment/rollback-started.json'));
    const completed = classifyEvent(loadEvent('events/deployment/rollback-completed.json'));
    expect(started.incidentId).toBe('rollout/production/api-service/ecs-svc/7310981745229651350');
    expect(completed.incidentId).toBe(started.incidentId);
  });

  it.each([
    ['ECS deployment circuit breaker: task failed to start.', true],
    ['ECS deployment circuit breaker: tasks failed to start.', true],
    ['ECS deployment ecs-svc/1 completed.', false],
  ])('circuit-breaker wording %j → %s', (reason, expected) => {
    expect(isCircuitBreakerFailure(reason)).toBe(expected);
  });

  it('reads the rollback target', () => {
    expect(rollbackTargetOf('ECS deployment circuit breaker: rolling back to deploymentId ecs-svc/123.')).toBe(
      'ecs-svc/123',
    );
    expect(rollbackTargetOf('ECS deployment ecs-svc/1 in progress.')).toBeUndefined();
  });

  it('treats an unknown ERROR deployment event as a failure', () => {
    const event = loadEvent('events/deployment/failed-circuit-breaker.json') as { detail: Record<string, string> };
    event.detail.eventName = 'SERVICE_DEPLOYMENT_SOMETHING_NEW';
    expect(classifyDeployment(parseDeploymentStateChange(parseEnvelope(event))).category).toBe('ROLLOUT_FAILED');
  });

  it('recognises a rollback completion from the service events', () => {
    const created = '2025-03-01T04:52:11.000Z';
    expect(
      isRollbackCompletion(created, [
        { createdAt: '2025-03-01T04:52:10.000Z', message: 'deployment failed: tasks failed to start.' },
      ]),
    ).toBe(true);
    expect(isRollbackCompletion(created, [{ createdAt: '2025-03-01T03:00:00.000Z', message: 'rolling back' }])).toBe(
      false,
    );
    expect(isRollbackCompletion(undefined, [])).toBe(false);
  });
});

describe('service-action fixtures classify offline', () => {
  it.each([
    ['steady-state', 'SERVICE_STEADY_STATE', false, undefined],
    ['task-start-impaired', 'SERVICE_TASK_START_IMPAIRED', true, undefined],
    ['placement-failure-fargate-spot', 'SERVICE_TASK_PLACEMENT_FAILURE', true, 'RESOURCE:FARGATE'],
    ['placement-failure-subnet-full', 'SERVICE_TASK_PLACEMENT_FAILURE', true, 'RESOURCE:ENI'],
    ['placement-failure-memory', 'SERVICE_TASK_PLACEMENT_FAILURE', true, 'RESOURCE:MEMORY'],
    ['configuration-failure', 'SERVICE_TASK_CONFIGURATION_FAILURE', true, undefined],
    ['discovery-instance-unhealthy', 'SERVICE_DISCOVERY_INSTANCE_UNHEALTHY', true, undefined],
    ['ecs-operation-throttled', 'ECS_OPERATION_THROTTLED', true, undefined],
    ['discovery-operation-throttled', 'SERVICE_DISCOVERY_OPERATION_THROTTLED', true, undefined],
    ['daemon-placement-constraint-violated', 'SERVICE_DAEMON_PLACEMENT_CONSTRAINT_VIOLATED', true, undefined],
    ['unknown-future-event', 'VPC_LATTICE_TARGET_UNHEALTHY', true, undefined],
  ])('%s → %s', (file, category, actionable, placementCause) => {
    const alert = classifyEvent(loadEvent(`events/service-action/${file}.json`));
    expect({
      kind: alert.kind,
      category: alert.category,
      actionable: alert.actionable,
      cause: alert.placementCause,
    }).toEqual({
      kind: 'SERVICE_ACTION',
      category,
      actionable,
      cause: placementCause,
    });
  });

  it('keeps the raw facts of an unknown event', () => {
    const alert = classifyEvent(loadEvent('events/service-action/unknown-future-event.json'));
    expect(alert.evidence.facts.map((f) => f.label)).toContain('detail.targetGroupArn');
  });
});

describe('placementCauseOf', () => {
  it.each([
    ['RESOURCE:CPU', [], 'RESOURCE:CPU'],
    ['RESOURCE:PORTS_TCP', [], 'RESOURCE:PORTS'],
    [undefined, ['arn:aws:ecs:us-east-1:1:capacity-provider/FARGATE_SPOT'], 'RESOURCE:FARGATE'],
    [undefined, ['arn:aws:ecs:us-east-1:1:capacity-provider/my-asg'], 'CAPACITY_PROVIDER'],
    ['AGENT', [], 'AGENT'],
    [undefined, [], 'UNKNOWN'],
  ])('%j %j → %s', (reason, arns, expected) => {
    expect(placementCauseOf(reason, arns)).toBe(expected);
  });
});

const base: PlacementFacts = { tasksToPlace: 4, capacityProviders: [], hostPorts: [], placementConstraints: [] };

describe('diagnosePlacement', () => {
  it.each<[string, PlacementFacts, string, string]>([
    [
      'nearly full subnet',
      {
        ...base,
        launchType: 'FARGATE',
        networkMode: 'awsvpc',
        subnets: [
          { subnetId: 'subnet-1', cidr: '10.0.2.0/28', availabilityZone: 'us-east-1a', availableAddresses: 2 },
          { subnetId: 'subnet-2', cidr: '10.0.3.0/28', availabilityZone: 'us-east-1b', availableAddresses: 1 },
        ],
      },
      'SUBNET_FREE_IPS',
      'RESOURCE:SUBNET_IPS',
    ],
    [
      'invalid Fargate size',
      { ...base, launchType: 'FARGATE', taskCpu: 256, taskMemoryMiB: 4096 },
      'FARGATE_TASK_SIZE',
      'CONFIG:FARGATE_TASK_SIZE',
    ],
    [
      'instance memory',
      {
        ...base,
        launchType: 'EC2',
        taskCpu: 512,
        taskMemoryMiB: 2048,
        containerInstances: [instanceFacts({ remainingCpu: 3000, remainingMemoryMiB: 1000, runningTasks: 2 })],
      },
      'INSTANCE_MEMORY',
      'RESOURCE:MEMORY',
    ],
    [
      'ENIs',
      {
        ...base,
        launchType: 'EC2',
        networkMode: 'awsvpc',
        containerInstances: [instanceFacts({ attachedNetworkInterfaces: 3, runningTasks: 2 })],
      },
      'INSTANCE_ENIS',
      'RESOURCE:ENI',
    ],
    [
      'host port taken',
      {
        ...base,
        launchType: 'EC2',
        networkMode: 'bridge',
        hostPorts: [80],
        containerInstances: [instanceFacts({ usedHostPorts: [22, 80] })],
      },
      'INSTANCE_PORTS',
      'RESOURCE:PORTS',
    ],
    [
      'no instances',
      { ...base, launchType: 'EC2', containerInstances: [] },
      'CONTAINER_INSTANCES',
      'RESOURCE:INSTANCE',
    ],
    [
      'distinctInstance',
      {
        ...base,
        launchType: 'EC2',
        placementConstraints: [{ type: 'distinctInstance' }],
        containerInstances: [instanceFacts({ runningTasks: 0 })],
      },
      'PLACEMENT_CONSTRAINTS',
      'ATTRIBUTE',
    ],
  ])('%s', (_name, facts, check, cause) => {
    const diagnosis = diagnosePlacement(facts, 'UNKNOWN');
    expect(diagnosis.failing?.check).toBe(check);
    expect(diagnosis.cause).toBe(cause);
  });

  it('names the subnet and its free IPs', () => {
    const d = diagnosePlacement(
      {
        ...base,
        networkMode: 'awsvpc',
        launchType: 'FARGATE',
        subnets: [{ subnetId: 'subnet-1', cidr: '10.0.2.0/28', availabilityZone: 'us-east-1a', availableAddresses: 2 }],
      },
      'RESOURCE:ENI',
    );
    expect(d.failing?.detail).toContain(
      'subnet-1 (10.0.2.0/28, us-east-1a) has 2 free IP addresses; 4 tasks to place need 4',
    );
    expect(d.failing?.subnetId).toBe('subnet-1');
  });

  it('falls back to the Fargate capacity the event names', () => {
    expect(diagnosePlacement({ ...base, capacityProviders: ['FARGATE_SPOT'] }, 'RESOURCE:FARGATE').failing?.check).toBe(
      'CAPACITY_PROVIDER',
    );
  });

  it('counts tasks to place per deployment', () => {
    expect(tasksToPlace({ desiredCount: 6, runningCount: 6 }, [{ desiredCount: 6, runningCount: 2 }])).toBe(4);
    expect(tasksToPlace({ desiredCount: 2, runningCount: 2 }, [])).toBe(1);
  });
});

const settings = (rev: number, patch: Partial<ContainerDefinitionFacts> = {}): TaskDefinitionFacts => ({
  arn: `arn:aws:ecs:us-east-1:1:task-definition/api:${rev}`,
  taskDefinition: `api:${rev}`,
  family: 'api',
  revision: rev,
  cpu: 256,
  memoryMiB: 512,
  requiresCompatibilities: ['FARGATE'],
  containers: [
    {
      name: 'api',
      image: 'repo/api:1.41.0',
      essential: true,
      memoryHardMiB: 512,
      healthCheck: { command: ['CMD-SHELL', 'curl localhost'], startPeriod: 60 },
      portMappings: ['8080/tcp'],
      environmentKeys: ['NODE_ENV'],
      secretNames: ['DB_PASSWORD'],
      ...patch,
    },
  ],
});

describe('diffRevisions', () => {
  it('lists changed settings, names only for environment and secrets', () => {
    const changes = diffRevisions(
      settings(41),
      settings(42, {
        image: 'repo/api:1.42.0',
        memoryHardMiB: 1024,
        healthCheck: { command: ['CMD-SHELL', 'curl localhost'], startPeriod: 10 },
        portMappings: ['8081/tcp'],
        environmentKeys: ['NODE_ENV', 'FEATURE_X'],
        secretNames: [],
      }),
    );
    expect(changes.map((c) => c.setting)).toEqual([
      'api image',
      'api memory (hard, MiB)',
      'api health check startPeriod',
      'api port mappings',
      'api environment names',
      'api secret names',
    ]);
    expect(changes.find((c) => c.setting === 'api environment names')?.to).toBe('added FEATURE_X');
    expect(changes.find((c) => c.setting === 'api secret names')?.from).toBe('removed DB_PASSWORD');
  });

  it('finds no change between equal revisions', () => {
    expect(diffRevisions(settings(41), settings(42))).toEqual([]);
  });
});

describe('summariseStops', () => {
  const task = (id: string): TaskStateChange => ({
    eventId: id,
    account: '1',
    region: 'us-east-1',
    time: '',
    taskArn: id,
    taskId: id,
    clusterArn: '',
    cluster: 'production',
    taskDefinitionArn: '',
    taskDefinition: 'api:42',
    lastStatus: 'STOPPED',
    containers: [],
  });
  it('names the dominant category, container and memory limit', () => {
    const oom = {
      category: 'OOM_KILLED' as const,
      actionable: true,
      decidedBy: '',
      family: '',
      culprit: { name: 'api' },
    };
    const crash = { category: 'APP_CRASH' as const, actionable: true, decidedBy: '', family: '' };
    const summary = summariseStops(
      [
        { task: task('1'), diagnosis: oom },
        { task: task('2'), diagnosis: oom },
        { task: task('3'), diagnosis: crash },
      ],
      'new tasks',
      () => 512,
    );
    expect(summary.text).toBe('2 of 3 new tasks: OOM_KILLED in container `api`, limit 512 MiB (also 1 APP_CRASH)');
  });
});

describe('parseServiceArn', () => {
  it.each([
    [
      'arn:aws:ecs:us-east-1:1:service/prod/api',
      { service: 'api', cluster: 'prod', clusterArn: 'arn:aws:ecs:us-east-1:1:cluster/prod' },
    ],
    ['arn:aws:ecs:us-east-1:1:service/api', { service: 'api' }],
  ])('%s', (arn, expected) => {
    expect(parseServiceArn(arn)).toMatchObject(expected);
  });
  it('rejects other ARNs', () => expect(parseServiceArn('arn:aws:ecs:us-east-1:1:task/prod/1')).toBeUndefined());
});
