/**
 * The rollout handler against the local AWS emulator, with the real SDK clients.
 *
 * moto cannot fail a deployment: its services keep one IN_PROGRESS deployment, never start tasks, never
 * write service events, and DescribeTasks drops stopCode, container reasons and exit codes
 * (local/API-SUPPORT.md). So the test seeds what moto can hold (tasks started by the deployment and
 * stopped; a service in the nearly full /28 subnet) and a client middleware adds ONLY what moto lacks:
 * on DescribeServices the rollback deployment (api-service:41, PRIMARY), the failed deployment's
 * rolloutState and one service event, and checkout-service's real runningCount (moto reports the desired count);
 * on DescribeTasks the OOM container reason, exit code and stop code.
 */
import { EC2Client } from '@aws-sdk/client-ec2';
import {
  type Deployment,
  DescribeServicesCommand,
  type DescribeServicesCommandOutput,
  type DescribeTasksCommandOutput,
  ECSClient,
  RunTaskCommand,
  StopTaskCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { SNSClient } from '@aws-sdk/client-sns';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { AlertPublisher } from '../../lambdas/adapters/alert-publisher';
import { Ec2Reader } from '../../lambdas/adapters/ec2-reader';
import { EcsReader } from '../../lambdas/adapters/ecs-reader';
import { EcsServiceReader } from '../../lambdas/adapters/ecs-service-reader';
import { processRollout, type RolloutDeps } from '../../lambdas/app/process-rollout';
import { processTaskStopped } from '../../lambdas/app/process-task-stopped';
import { readConfig } from '../../lambdas/app/shared/config';
import { MemoryCounter, silentLog } from '../../lambdas/app/shared/telemetry';
import { makeWatchdogDeps } from '../../lambdas/cli/watchdog-deps';
import { rewriteFixtureIds, type SeededAccount, seedAccount } from '../../local/seed';
import { createStateResources } from '../../local/state-resources';
import { loadEvent, taskEvent } from '../support/events';
import { awsClientConfig, resetAws } from './aws';

const FIXTURE_FAILED_DEPLOYMENT = 'ecs-svc/4825019368231750719';
const ROLLBACK_DEPLOYMENT = 'ecs-svc/7310981745229651350';
const NEW_TASKS = 5;

describe('rollout handler against the seeded emulator', () => {
  let seeded: SeededAccount;
  let failedDeploymentId: string;
  let deps: RolloutDeps;
  let counter: MemoryCounter;

  beforeAll(async () => {
    await resetAws();
    seeded = await seedAccount(awsClientConfig());
    const ecs = new ECSClient(awsClientConfig());
    const api = seeded.services['api-service'];
    const described = await ecs.send(new DescribeServicesCommand({ cluster: 'production', services: ['api-service'] }));
    failedDeploymentId = described.services?.[0]?.deployments?.[0]?.id as string;

    // The failed deployment's tasks: started by the deployment, then stopped.
    const run = await ecs.send(
      new RunTaskCommand({
        cluster: 'production',
        taskDefinition: api.taskDefinitionArn,
        count: NEW_TASKS,
        startedBy: failedDeploymentId,
        group: 'service:api-service',
        launchType: 'FARGATE',
        networkConfiguration: {
          awsvpcConfiguration: { subnets: [seeded.subnets.a.subnetId], securityGroups: [seeded.securityGroupId] },
        },
      }),
    );
    for (const task of run.tasks ?? []) {
      await ecs.send(
        new StopTaskCommand({
          cluster: 'production',
          task: task.taskArn,
          reason: 'Essential container in task exited',
        }),
      );
    }
    // A Fargate service in the nearly full /28 (2 free addresses) that wants 6 tasks.
    await ecs.send(
      new UpdateServiceCommand({
        cluster: 'production',
        service: 'checkout-service',
        desiredCount: 6,
        networkConfiguration: {
          awsvpcConfiguration: { subnets: [seeded.subnets.tiny.subnetId], securityGroups: [seeded.securityGroupId] },
        },
      }),
    );

    const ecsClient = new ECSClient(awsClientConfig());
    addWhatMotoLacks(ecsClient, seeded, () => failedDeploymentId);
    counter = new MemoryCounter();
    deps = {
      config: readConfig({ ALERT_TOPIC_ARN: seeded.alerts.topicArn, ENRICHMENT_BUDGET_MS: '10000' }),
      ecs: new EcsReader(ecsClient),
      services: new EcsServiceReader(ecsClient),
      ec2: new Ec2Reader(new EC2Client(awsClientConfig())),
      publisher: new AlertPublisher(new SNSClient(awsClientConfig()), seeded.alerts.topicArn),
      log: silentLog,
      counter,
    };
  });

  async function receiveAll(): Promise<Record<string, unknown>[]> {
    const sqs = new SQSClient(awsClientConfig());
    const out = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: seeded.alerts.allAlerts.queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
      }),
    );
    const { DeleteMessageCommand } = await import('@aws-sdk/client-sqs');
    for (const m of out.Messages ?? []) {
      await sqs.send(
        new DeleteMessageCommand({ QueueUrl: seeded.alerts.allAlerts.queueUrl, ReceiptHandle: m.ReceiptHandle }),
      );
    }
    return (out.Messages ?? []).map((m) => JSON.parse(JSON.parse(m.Body ?? '{}').Message));
  }

  it('tells the story of a failed deployment in exactly one alert', async () => {
    const event = rewriteFixtureIds(loadEvent('events/deployment/failed-circuit-breaker.json'), {
      [FIXTURE_FAILED_DEPLOYMENT]: failedDeploymentId,
    });
    const outcome = await processRollout(event, deps);
    expect(outcome.status).toBe('published');
    const alerts = await receiveAll();
    expect(alerts).toHaveLength(1);
    const alert = alerts[0] as Record<string, unknown>;
    const text = JSON.stringify(alert);
    expect(alert).toMatchObject({
      kind: 'ROLLOUT',
      category: 'ROLLOUT_FAILED',
      team: 'payments',
      enrichmentErrors: [],
    });
    expect(alert.title).toContain('api-service:42');
    expect(alert.summary).toContain(
      `${NEW_TASKS} of ${NEW_TASKS} new tasks: OOM_KILLED in container \`api\`, limit 512 MiB`,
    );
    expect(text).toContain('api image: ');
    expect(text).toContain('1.41.0 -> ');
    expect(text).toContain('api health check startPeriod: 60 -> 10');
    expect(text).toContain('api environment names: added FEATURE_NEW_CHECKOUT');
    expect(text).not.toContain('payments-db.cluster'); // env values never leave
    expect(alert.summary).toContain(`rolled back to api-service:41 (deployment ${ROLLBACK_DEPLOYMENT})`);
    expect(alert.incidentId).toBe(`rollout/production/api-service/${ROLLBACK_DEPLOYMENT}`);
  });

  it('reports the rollback start on the same incident', async () => {
    const outcome = await processRollout(loadEvent('events/deployment/rollback-started.json'), deps);
    expect(outcome.status).toBe('published');
    if (outcome.status !== 'published') return;
    expect(outcome.alert.incidentId).toBe(`rollout/production/api-service/${ROLLBACK_DEPLOYMENT}`);
    expect(outcome.alert.summary).toContain('api-service:41');
    await receiveAll();
  });

  it('names the nearly full subnet and its free IPs as the placement cause', async () => {
    const event = rewriteFixtureIds(
      loadEvent('events/service-action/placement-failure-subnet-full.json'),
      seeded.fixtureIds,
    );
    const outcome = await processRollout(event, deps);
    expect(outcome.status).toBe('published');
    const [alert] = await receiveAll();
    const tiny = seeded.subnets.tiny.subnetId;
    expect(alert).toMatchObject({ category: 'SERVICE_TASK_PLACEMENT_FAILURE', placementCause: 'RESOURCE:SUBNET_IPS' });
    expect(alert?.summary).toContain(
      `Failing check SUBNET_FREE_IPS: ${tiny} (10.0.2.0/28, us-east-1c) has 2 free IP addresses`,
    );
    expect(JSON.stringify(alert?.links)).toContain(tiny);
  });

  it('publishes nothing for a steady state', async () => {
    const outcome = await processRollout(loadEvent('events/service-action/steady-state.json'), deps);
    expect(outcome.status).toBe('routine');
    expect(await receiveAll()).toHaveLength(0);
  });

  it("folds the failed revision's restart loop into the rollout story, so the loop sends no recovery of its own", async () => {
    const state = await createStateResources(awsClientConfig());
    const env = {
      ALERT_TOPIC_ARN: seeded.alerts.topicArn,
      STATE_TABLE_NAME: state.tableName,
      TIMER_QUEUE_URL: state.timerQueueUrl,
      GROUP_WAIT_SECONDS: '0',
      LOG_EXCERPT_LINES: '0',
      ENRICHMENT_BUDGET_MS: '10000',
    };
    const watchdog = makeWatchdogDeps(awsClientConfig(), readConfig(env));
    const telemetry = { log: silentLog, counter: new MemoryCounter() };
    for (const minute of [0, 1, 2]) {
      const stop = taskEvent(
        {
          taskArn: `arn:aws:ecs:us-east-1:123456789012:task/production/${'f'.repeat(31)}${minute}`,
          stoppedAt: new Date(Date.parse('2026-11-26T03:00:00Z') + minute * 60_000).toISOString(),
          containers: [
            { name: 'api', exitCode: 137, reason: 'OutOfMemoryError: Container killed due to memory usage' },
          ],
        },
        { id: `loop-${minute}` },
      );
      await processTaskStopped(stop, { ...watchdog, ...telemetry });
    }
    expect((await receiveAll()).map((a) => a.kind)).toEqual(['TASK_STOPPED', 'RESTART_LOOP']);

    const failed = rewriteFixtureIds(loadEvent('events/deployment/failed-circuit-breaker.json'), {
      [FIXTURE_FAILED_DEPLOYMENT]: failedDeploymentId,
    });
    const outcome = await processRollout(
      { ...failed, id: 'failed-with-incidents' },
      { ...deps, config: watchdog.config, incidents: watchdog.incidents },
    );
    expect(outcome.status).toBe('published');
    const [rollout] = await receiveAll();
    const facts = (rollout?.evidence as { facts: { label: string; value: string }[] } | undefined)?.facts ?? [];
    expect(facts.find((f) => f.label === 'Folded in')?.value).toMatch(
      /^restart loop incident\/production\/api-service\/42\/\d+: 3 stops of api-service:42/,
    );

    const steady = {
      ...loadEvent('events/service-action/steady-state.json'),
      id: 'steady-after-rollout',
      time: '2026-11-26T03:30:00Z',
    };
    await processRollout(steady, { ...deps, config: watchdog.config, incidents: watchdog.incidents });
    expect(await receiveAll()).toEqual([]);
    watchdog.destroy();
  });
});

/** Adds to moto's answers only the fields it cannot produce (see the file comment). */
function addWhatMotoLacks(client: ECSClient, seeded: SeededAccount, failedId: () => string): void {
  const previous = seeded.taskDefinitions['api-service']?.[40] as string;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      if (context.commandName === 'DescribeServicesCommand') {
        const out = result.output as DescribeServicesCommandOutput;
        for (const service of out.services ?? []) {
          if (service.serviceName === 'checkout-service') {
            // moto reports runningCount = desiredCount after UpdateService; really running are the seeded tasks.
            const running = seeded.services['checkout-service'].runningTaskArns.length;
            service.runningCount = running;
            for (const d of service.deployments ?? []) d.runningCount = running;
          }
          if (service.serviceName !== 'api-service') continue;
          const failed = service.deployments?.find((d) => d.id === failedId());
          if (!failed) continue;
          Object.assign(failed, {
            status: 'ACTIVE',
            rolloutState: 'FAILED',
            rolloutStateReason: 'ECS deployment circuit breaker: tasks failed to start.',
          });
          const rollback: Deployment = {
            id: ROLLBACK_DEPLOYMENT,
            status: 'PRIMARY',
            taskDefinition: previous,
            rolloutState: 'IN_PROGRESS',
            rolloutStateReason:
              'ECS deployment circuit breaker: rolling back to deploymentId ecs-svc/1066392021503192531.',
            createdAt: new Date(),
          };
          service.deployments = [rollback, failed];
          service.events = [
            {
              id: 'e1',
              createdAt: new Date(),
              message: `(service api-service) (deployment ${failedId()}) deployment failed: tasks failed to start.`,
            },
          ];
        }
      }
      if (context.commandName === 'DescribeTasksCommand') {
        const out = result.output as DescribeTasksCommandOutput;
        for (const task of out.tasks ?? []) {
          if (task.startedBy !== failedId()) continue;
          task.stopCode = 'EssentialContainerExited';
          for (const container of task.containers ?? []) {
            if (container.name !== 'api') continue;
            container.exitCode = 137;
            container.reason = 'OutOfMemoryError: Container killed due to memory usage';
          }
        }
      }
      return result;
    },
    { step: 'initialize', name: 'addWhatMotoLacks' },
  );
}
