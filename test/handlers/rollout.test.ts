import { DescribeInstanceTypesCommand, DescribeSubnetsCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ECSClient,
  ListTasksCommand,
} from '@aws-sdk/client-ecs';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { AlertPublisher } from '../../lambdas/adapters/alert-publisher';
import { Ec2Reader } from '../../lambdas/adapters/ec2-reader';
import { EcsReader } from '../../lambdas/adapters/ecs-reader';
import { EcsServiceReader } from '../../lambdas/adapters/ecs-service-reader';
import { MemoryIncidentStore } from '../../lambdas/adapters/memory-incident-store';
import { processRollout, type RolloutDeps } from '../../lambdas/app/process-rollout';
import { readConfig } from '../../lambdas/app/shared/config';
import { MemoryCounter, silentLog } from '../../lambdas/app/shared/telemetry';
import { loadEvent } from '../support/events';

const ecsMock = mockClient(ECSClient);
const ec2Mock = mockClient(EC2Client);
const snsMock = mockClient(SNSClient);
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:ecs-watchdog-alerts';
const TD = 'arn:aws:ecs:us-east-1:123456789012:task-definition/api-service';
const FAILED = 'ecs-svc/4825019368231750719';
const ROLLBACK = 'ecs-svc/7310981745229651350';

function deps(budgetMs = 500): { deps: RolloutDeps; counter: MemoryCounter } {
  const counter = new MemoryCounter();
  const ecs = new ECSClient({ region: 'us-east-1' });
  return {
    counter,
    deps: {
      // As deployed: incident tracking on, on the in-memory store behind the same port as DynamoDB.
      config: readConfig({
        ALERT_TOPIC_ARN: TOPIC,
        ENRICHMENT_BUDGET_MS: String(budgetMs),
        STATE_TABLE_NAME: 'state',
        TIMER_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/timers',
      }),
      ecs: new EcsReader(ecs),
      services: new EcsServiceReader(ecs),
      ec2: new Ec2Reader(new EC2Client({ region: 'us-east-1' })),
      publisher: new AlertPublisher(new SNSClient({ region: 'us-east-1' }), TOPIC),
      log: silentLog,
      counter,
      incidents: { store: new MemoryIncidentStore(), timers: { schedule: async () => {} } },
    },
  };
}

const taskDefinition = (revision: number, image: string, memory: number) => ({
  taskDefinition: {
    taskDefinitionArn: `${TD}:${revision}`,
    family: 'api-service',
    revision,
    cpu: '256',
    memory: '512',
    networkMode: 'awsvpc' as const,
    containerDefinitions: [
      {
        name: 'api',
        image,
        essential: true,
        memory,
        environment: [{ name: 'DB_HOST', value: 'secret-host.internal' }],
        secrets: [{ name: 'DB_PASSWORD', valueFrom: 'arn:aws:secretsmanager:us-east-1:1:secret:x' }],
      },
    ],
  },
});

const stoppedTask = (id: number) => ({
  taskArn: `arn:aws:ecs:us-east-1:123456789012:task/production/${id}`,
  clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/production',
  taskDefinitionArn: `${TD}:42`,
  group: 'service:api-service',
  startedBy: FAILED,
  lastStatus: 'STOPPED',
  desiredStatus: 'STOPPED',
  stopCode: 'EssentialContainerExited' as const,
  stoppedReason: 'Essential container in task exited',
  stoppedAt: new Date(`2025-03-01T04:4${id}:00Z`),
  containers: [{ name: 'api', exitCode: 137, reason: 'OutOfMemoryError: Container killed due to memory usage' }],
});

beforeEach(() => {
  ecsMock.reset();
  ec2Mock.reset();
  snsMock.reset();
  snsMock.on(PublishCommand).resolves({ MessageId: 'msg-1' });
  ecsMock.on(DescribeServicesCommand).resolves({
    services: [
      {
        serviceName: 'api-service',
        serviceArn: 'arn:aws:ecs:us-east-1:123456789012:service/production/api-service',
        taskDefinition: `${TD}:41`,
        desiredCount: 4,
        runningCount: 4,
        deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
        deployments: [
          { id: ROLLBACK, status: 'PRIMARY', taskDefinition: `${TD}:41`, rolloutState: 'IN_PROGRESS' },
          { id: FAILED, status: 'ACTIVE', taskDefinition: `${TD}:42`, rolloutState: 'FAILED' },
        ],
        events: [
          {
            id: '1',
            createdAt: new Date('2025-03-01T04:52:00Z'),
            message: 'deployment failed: tasks failed to start.',
          },
        ],
        tags: [{ key: 'team', value: 'payments' }],
      },
    ],
  });
  ecsMock
    .on(DescribeTaskDefinitionCommand, { taskDefinition: `${TD}:42` })
    .resolves(taskDefinition(42, 'api:1.42.0', 512));
  ecsMock
    .on(DescribeTaskDefinitionCommand, { taskDefinition: `${TD}:41` })
    .resolves(taskDefinition(41, 'api:1.41.0', 512));
  ecsMock.on(ListTasksCommand).resolves({ taskArns: [1, 2, 3].map((i) => stoppedTask(i).taskArn) });
  ecsMock.on(DescribeTasksCommand).resolves({ tasks: [1, 2, 3].map(stoppedTask) });
});

describe('processRollout: failed deployment', () => {
  it('publishes one story: revision, dominant stop category, changes, rollback target', async () => {
    const { deps: d } = deps();
    const outcome = await processRollout(loadEvent('events/deployment/failed-circuit-breaker.json'), d);
    expect(outcome.status).toBe('published');
    expect(snsMock.commandCalls(PublishCommand)).toHaveLength(1);
    expect(ecsMock.commandCalls(ListTasksCommand)[0]?.args[0].input).toMatchObject({
      cluster: 'production',
      startedBy: FAILED,
      desiredStatus: 'STOPPED',
    });
    if (outcome.status !== 'published') return;
    const { alert } = outcome;
    expect(alert.title).toBe(
      'HIGH ROLLOUT_FAILED: api-service:42 - 3/3 tasks OOM_KILLED; rolled back to api-service:41',
    );
    expect(alert.summary).toContain('3 of 3 new tasks: OOM_KILLED in container `api`, limit 512 MiB');
    expect(alert.summary).toContain('Changed from api-service:41: api image: api:1.41.0 -> api:1.42.0.');
    expect(alert.summary).toContain(`rolled back to api-service:41 (deployment ${ROLLBACK})`);
    expect(alert.incidentId).toBe(`rollout/production/api-service/${ROLLBACK}`);
    expect(alert.team).toBe('payments');
    expect(JSON.stringify(alert)).not.toContain('secret-host.internal');
  });

  it('still alerts, naming what failed, when lookups fail', async () => {
    ecsMock.on(DescribeServicesCommand).rejects(new Error('AccessDenied'));
    ecsMock.on(ListTasksCommand).rejects(new Error('AccessDenied'));
    const { deps: d, counter } = deps();
    const outcome = await processRollout(loadEvent('events/deployment/failed-circuit-breaker.json'), d);
    expect(outcome.status).toBe('published');
    if (outcome.status !== 'published') return;
    expect(outcome.alert.enrichmentErrors.map((e) => e.lookup).sort()).toEqual(['service', 'stopped tasks']);
    expect(outcome.alert.incidentId).toBe(`rollout/production/api-service/${FAILED}`);
    expect(counter.counts.EnrichmentErrors).toBe(2);
  });

  it('keeps an alert SNS refused in the outbox (the sweep sends it), and a retry of the event sends it once', async () => {
    snsMock.on(PublishCommand).rejects(Object.assign(new Error('SNS down'), { name: 'InternalErrorException' }));
    const { deps: d, counter } = deps();
    const event = loadEvent('events/deployment/failed-circuit-breaker.json');
    expect((await processRollout(event, d)).status).toBe('published');
    expect(counter.counts.AlertDeliveryFailures).toBe(1);
    const store = d.incidents?.store as MemoryIncidentStore;
    expect(store.alerts('PENDING').map((a) => a.alert.kind)).toEqual(['ROLLOUT']);

    snsMock.on(PublishCommand).resolves({ MessageId: 'm-2' });
    expect((await processRollout(event, d)).status).toBe('duplicate');
    expect((await processRollout(event, d)).status).toBe('duplicate');
    expect(store.alerts('DELIVERED').map((a) => a.alert.kind)).toEqual(['ROLLOUT']);
    expect(snsMock.commandCalls(PublishCommand)).toHaveLength(2);
  });

  it('without a state table (replay without --table), propagates publish failures', async () => {
    snsMock.on(PublishCommand).rejects(new Error('SNS down'));
    const { deps: d } = deps();
    await expect(
      processRollout(loadEvent('events/deployment/failed-circuit-breaker.json'), { ...d, incidents: undefined }),
    ).rejects.toThrow('SNS down');
  });
});

describe('processRollout: other events', () => {
  it('publishes nothing and makes no call for a routine deployment in progress', async () => {
    const { deps: d, counter } = deps();
    expect((await processRollout(loadEvent('events/deployment/in-progress.json'), d)).status).toBe('routine');
    expect(ecsMock.calls()).toHaveLength(0);
    expect(snsMock.calls()).toHaveLength(0);
    expect(counter.counts.RoutineDeploymentEvents).toBe(1);
  });

  it('reports a rollback completion on the rollback incident', async () => {
    ecsMock.on(DescribeServicesCommand).resolves({
      services: [
        {
          serviceName: 'api-service',
          deployments: [
            {
              id: ROLLBACK,
              status: 'PRIMARY',
              taskDefinition: `${TD}:41`,
              createdAt: new Date('2025-03-01T04:52:11Z'),
            },
          ],
          events: [{ createdAt: new Date('2025-03-01T04:52:10Z'), message: 'rolling back to deployment ecs-svc/1.' }],
        },
      ],
    });
    const outcome = await processRollout(loadEvent('events/deployment/rollback-completed.json'), deps().deps);
    expect(outcome.status).toBe('published');
    expect(outcome.status === 'published' && outcome.alert).toMatchObject({
      category: 'ROLLOUT_ROLLED_BACK',
      severity: 'INFO',
      incidentId: `rollout/production/api-service/${ROLLBACK}`,
    });
  });

  it('publishes nothing for steady state', async () => {
    const { deps: d, counter } = deps();
    expect((await processRollout(loadEvent('events/service-action/steady-state.json'), d)).status).toBe('routine');
    expect(counter.counts.InformationalServiceActions).toBe(1);
    expect(snsMock.calls()).toHaveLength(0);
  });

  it('makes no ECS call while ECS throttles', async () => {
    const outcome = await processRollout(loadEvent('events/service-action/ecs-operation-throttled.json'), deps().deps);
    expect(outcome.status).toBe('published');
    expect(ecsMock.calls()).toHaveLength(0);
  });

  it('lists the last stop reasons for SERVICE_TASK_START_IMPAIRED', async () => {
    const outcome = await processRollout(loadEvent('events/service-action/task-start-impaired.json'), deps().deps);
    expect(outcome.status === 'published' && outcome.alert.summary).toContain(
      'Recent stops: 3 of 3 recently stopped tasks: OOM_KILLED',
    );
    expect(ecsMock.commandCalls(ListTasksCommand)[0]?.args[0].input).toMatchObject({ serviceName: 'api-service' });
  });

  it('diagnoses a placement failure from the subnets', async () => {
    ecsMock.on(DescribeServicesCommand).resolves({
      services: [
        {
          serviceName: 'checkout-service',
          taskDefinition: `${TD}:42`,
          desiredCount: 6,
          runningCount: 2,
          capacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT' }],
          networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-tiny'] } },
        },
      ],
    });
    ec2Mock.on(DescribeSubnetsCommand).resolves({
      Subnets: [
        {
          SubnetId: 'subnet-tiny',
          CidrBlock: '10.0.2.0/28',
          AvailabilityZone: 'us-east-1a',
          AvailableIpAddressCount: 2,
        },
      ],
    });
    const outcome = await processRollout(
      loadEvent('events/service-action/placement-failure-subnet-full.json'),
      deps().deps,
    );
    expect(outcome.status === 'published' && outcome.alert).toMatchObject({ placementCause: 'RESOURCE:SUBNET_IPS' });
    expect(outcome.status === 'published' && outcome.alert.summary).toContain(
      'subnet-tiny (10.0.2.0/28, us-east-1a) has 2 free IP addresses',
    );
    expect(ec2Mock.commandCalls(DescribeInstanceTypesCommand)).toHaveLength(0);
  });

  it('logs and counts a malformed event without throwing', async () => {
    const { deps: d, counter } = deps();
    const event = loadEvent('events/deployment/failed-circuit-breaker.json');
    (event as { resources: string[] }).resources = [];
    expect((await processRollout(event, d)).status).toBe('invalid');
    expect(counter.counts.InvalidEvents).toBe(1);
  });
});
