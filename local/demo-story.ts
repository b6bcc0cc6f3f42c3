/**
 * The demo's story (README "Quick start"): six weeks of a production account, as EventBridge delivers
 * them, on a simulated clock. Every event of events/ is delivered at its own time, and the story adds
 * what makes the fixtures one world:
 *
 * - 2025-03-01 04:40: api-service deploys api-service:42; its four new tasks run out of memory within a
 *   minute (oom-killed.json and three more of the same), the circuit breaker fails the deployment and
 *   rolls back to api-service:41 (events/deployment/). The tasks are real emulator tasks of the deployment.
 * - 06:09 to 06:31: placement failures, after checkout-service is scaled out into the nearly full /28 and
 *   worker-service beyond what its one container instance holds; then both are scaled back.
 * - 2025-03-06 08:58: worker-service crash-loops on a poison order batch (segfault-139.json and six more
 *   of the same), until the batch is removed and the service reaches a steady state.
 * - Every other stop of events/task-stopped/ on its own day, through 2025-04-16.
 * - EventBridge delivers at least once: a few events arrive twice. Then the malformed samples of
 *   events/invalid/.
 *
 * What the emulator cannot hold (a failed deployment, the stop details of stopped tasks) is added by
 * local/demo-emulation.ts.
 */
import { join } from 'node:path';
import { CloudWatchLogsClient, CreateLogStreamCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  type Deployment,
  DescribeServicesCommand,
  type ECSClient,
  RunTaskCommand,
  type RunTaskCommandInput,
  StopTaskCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { readEventFile } from '../lambdas/cli/read-event-file';
import { listEventFiles } from '../lambdas/cli/replay';
import type { DemoEmulation } from './demo-emulation';
import { type LocalAwsClientConfig, PROJECT_ROOT } from './emulator';
import { API_LOG_LINES, FIXTURE_LOG_STREAMS, rewriteFixtureIds, type SeededAccount } from './seed';

type Event = Record<string, unknown>;

/** One thing that happens at a moment of the story. */
export type Step =
  /** EventBridge delivers an event (built when it is delivered: it may name tasks a world step created). */
  | { at: number; kind: 'event'; label: string; event: () => Event }
  /** A file of events/invalid/: read as a delivery would be, rejected when it is not an event. */
  | { at: number; kind: 'file'; label: string; path: string }
  /** Something changes in the account (someone scales a service, a deployment starts); `note` says what. */
  | { at: number; kind: 'world'; note: string; run: () => Promise<void> };

export interface Story {
  steps: Step[];
  /** The service whose crash loop the story seeds, and the incident pages it should make. */
  crashLoop: { service: string };
  /** The deployment the story fails, as the emulator names it. */
  rollout: { service: string; deploymentId: string; failedRevision: string; previousRevision: string };
}

const EVENTS_DIR = join(PROJECT_ROOT, 'events');
const FIXTURE_FAILED_DEPLOYMENT = 'ecs-svc/4825019368231750719';
/** The deployment the fixtures' worker-service tasks were started by. */
const WORKER_DEPLOYMENT = 'ecs-svc/7309186454725139044';
const at = (iso: string) => Date.parse(iso);
const SECOND = 1000;

/** Builds the story on a seeded account; `ecs` and `logs` act on the emulator as the account's users would. */
export async function buildStory(
  clientConfig: LocalAwsClientConfig,
  seeded: SeededAccount,
  emulation: DemoEmulation,
  ecs: ECSClient,
): Promise<Story> {
  const world = new World(clientConfig, seeded, ecs);
  const fixture = (label: string, ids: Record<string, string> = {}): Event =>
    rewriteFixtureIds(readEventFile(join(PROJECT_ROOT, label)) as Event, { ...seeded.fixtureIds, ...ids });
  const deliver = (label: string, when: number, event: () => Event = () => fixture(label)): Step => ({
    at: when,
    kind: 'event',
    label,
    event,
  });
  const used = new Set<string>();
  const steps: Step[] = [];
  const add = (...more: Step[]) => {
    for (const step of more) {
      if (step.kind === 'event') used.add(step.label);
      steps.push(step);
    }
  };

  // ---------------------------------------------------------------- the failed rollout
  const api = seeded.services['api-service'];
  const failedRevision = api.taskDefinitionArn;
  const previousRevision = seeded.taskDefinitions['api-service']?.at(-2) as string;
  const deploymentId = await world.deploymentOf('api-service');
  const asDeployment = { [FIXTURE_FAILED_DEPLOYMENT]: deploymentId };
  const rollbackStarted = fixture('events/deployment/rollback-started.json');
  const rollback = rollbackStarted.detail as { deploymentId: string; reason: string };
  const newTasks: string[] = [];
  add(
    {
      at: at('2025-03-01T04:40:00Z'),
      kind: 'world',
      note: `api-service starts deploying ${revision(failedRevision)} (deployment ${deploymentId}): 4 new tasks`,
      run: async () => {
        newTasks.push(
          ...(await world.runTasks(api.serviceName, failedRevision, 4, deploymentId, {
            launchType: 'FARGATE',
            networkConfiguration: world.awsvpc([seeded.subnets.a.subnetId, seeded.subnets.b.subnetId]),
          })),
        );
        for (const task of newTasks)
          await world.writeLogs('/ecs/api-service', `ecs/api/${taskId(task)}`, API_LOG_LINES);
      },
    },
    deliver('events/deployment/in-progress.json', at('2025-03-01T04:40:02Z'), () =>
      fixture('events/deployment/in-progress.json', asDeployment),
    ),
  );
  // The four new tasks run out of memory within a minute: oom-killed.json is the second of them.
  const oom = 'events/task-stopped/oom-killed.json';
  const oomTaskId = taskId(String((fixture(oom).detail as { taskArn: string }).taskArn));
  ['2025-03-01T04:45:12Z', '2025-03-01T04:45:50.047Z', '2025-03-01T04:46:05Z', '2025-03-01T04:47:20Z'].forEach(
    (stoppedAt, i) => {
      const event = () => {
        const ids = { ...asDeployment, [oomTaskId]: taskId(newTasks[i] as string) };
        const original = fixture(oom, ids);
        return i === 1 ? original : sameEventAt(original, at(stoppedAt), i);
      };
      add(
        ...world.stop(
          newTasks,
          i,
          at(stoppedAt),
          event,
          emulation,
          i === 1 ? oom : `${oom} (the same stop, task ${i + 1} of 4)`,
        ),
      );
      // EventBridge delivers the second one twice, at the same moment.
      if (i === 1) add(deliver(oom, at(stoppedAt) + SECOND, event));
    },
  );
  add(deliver('events/service-action/task-start-impaired.json', at('2025-03-01T04:50:38Z')));
  const failedAt = at('2025-03-01T04:52:10Z');
  /** The circuit breaker's rollback: a new PRIMARY deployment of the previous revision. */
  const rollbackDeployment = (rolloutState: 'IN_PROGRESS' | 'COMPLETED', reason: string): Deployment => ({
    id: rollback.deploymentId,
    status: 'PRIMARY',
    taskDefinition: previousRevision,
    desiredCount: 4,
    runningCount: 4,
    rolloutState,
    rolloutStateReason: reason,
    createdAt: new Date(failedAt),
  });
  const failedEvent = {
    id: 'f1',
    createdAt: new Date(failedAt),
    message: `(service api-service) (deployment ${deploymentId}) deployment failed: tasks failed to start.`,
  };
  add(
    {
      at: failedAt,
      kind: 'world',
      note: `the circuit breaker fails the deployment and rolls back to ${revision(previousRevision)} (deployment ${rollback.deploymentId})`,
      run: async () => {
        const moto = await world.deployments('api-service');
        emulation.setDeployments('api-service', {
          taskDefinition: previousRevision,
          deployments: [
            rollbackDeployment('IN_PROGRESS', rollback.reason),
            ...moto.map((d) => ({
              ...d,
              status: 'ACTIVE',
              runningCount: 0,
              failedTasks: 4,
              rolloutState: 'FAILED' as const,
              rolloutStateReason: 'ECS deployment circuit breaker: tasks failed to start.',
            })),
          ],
          events: [failedEvent],
        });
      },
    },
    // ECS reports the failure twice, in two wordings: one page.
    ...['failed-circuit-breaker', 'failed-task-wording'].map((name, i) =>
      deliver(`events/deployment/${name}.json`, failedAt + i * SECOND, () =>
        fixture(`events/deployment/${name}.json`, asDeployment),
      ),
    ),
    deliver('events/deployment/rollback-started.json', at('2025-03-01T04:52:11Z')),
  );
  const completedAt = at('2025-03-01T05:01:40Z');
  add(
    {
      at: completedAt,
      kind: 'world',
      note: `the rollback completes: api-service runs ${revision(previousRevision)} again`,
      run: async () =>
        emulation.setDeployments('api-service', {
          taskDefinition: previousRevision,
          deployments: [rollbackDeployment('COMPLETED', `ECS deployment ${rollback.deploymentId} completed.`)],
          events: [
            {
              id: 'c1',
              createdAt: new Date(completedAt),
              message: `(service api-service) (deployment ${rollback.deploymentId}) deployment completed.`,
            },
            failedEvent,
          ],
        }),
    },
    deliver('events/deployment/rollback-completed.json', completedAt),
    deliver('events/service-action/steady-state.json', at('2025-03-01T05:02:00Z')),
  );

  // ---------------------------------------------------------------- placement failures
  const checkout = seeded.services['checkout-service'];
  const worker = seeded.services['worker-service'];
  const tiny = seeded.subnets.tiny;
  const extraWorkers: string[] = [];
  add(
    deliver('events/service-action/placement-failure-fargate-spot.json', at('2025-03-01T06:09:33Z')),
    {
      at: at('2025-03-01T06:15:00Z'),
      kind: 'world',
      note: `checkout-service is scaled from 2 to 6 tasks and moved to production-private-tiny (${tiny.cidr}, 2 free addresses)`,
      run: () => world.scale(checkout.serviceName, 6, [tiny.subnetId]),
    },
    deliver('events/service-action/placement-failure-subnet-full.json', at('2025-03-01T06:20:12Z')),
    {
      at: at('2025-03-01T06:25:00Z'),
      kind: 'world',
      note: `worker-service is scaled from 2 to 8 tasks; its one container instance (${seeded.containerInstance.instanceType}) holds 7`,
      run: async () => {
        await world.scale(worker.serviceName, 8);
        extraWorkers.push(
          ...(await world.runTasks(worker.serviceName, worker.taskDefinitionArn, 5, 'ecs-svc/1234567890123456789', {
            launchType: 'EC2',
          })),
        );
      },
    },
    deliver('events/service-action/placement-failure-memory.json', at('2025-03-01T06:31:05Z')),
    {
      at: at('2025-03-01T06:45:00Z'),
      kind: 'world',
      note: 'both services are scaled back to 2 tasks, checkout-service in its own subnet again',
      run: async () => {
        await world.scale(checkout.serviceName, 2, [seeded.subnets.b.subnetId]);
        await world.scale(worker.serviceName, 2);
        for (const task of extraWorkers)
          await world.stopTask(task, 'Scaling activity initiated by (deployment ecs-svc/1234567890123456789)');
      },
    },
  );
  for (const name of [
    'configuration-failure',
    'discovery-instance-unhealthy',
    'ecs-operation-throttled',
    'discovery-operation-throttled',
    'daemon-placement-constraint-violated',
    'unknown-future-event',
  ]) {
    const label = `events/service-action/${name}.json`;
    add(deliver(label, Date.parse(String(fixture(label).time))));
  }

  // ---------------------------------------------------------------- the crash loop
  const segfault = 'events/task-stopped/segfault-139.json';
  const segfaultTaskId = taskId(String((fixture(segfault).detail as { taskArn: string }).taskArn));
  const segfaultLines = FIXTURE_LOG_STREAMS.find((s) => s.fixture === segfault)?.lines ?? [];
  const loopTasks: string[] = [];
  const loopStops = [
    '2025-03-06T08:58:10Z',
    '2025-03-06T08:58:14Z',
    '2025-03-06T08:59:02Z',
    '2025-03-06T08:59:58Z',
    '2025-03-06T09:01:05Z',
    '2025-03-06T09:02:50.467Z',
    '2025-03-06T09:04:40Z',
  ].map(at);
  add({
    at: at('2025-03-06T08:57:00Z'),
    kind: 'world',
    note: 'worker-service picks up a poison order batch: every worker that parses it segfaults, and ECS keeps replacing them',
    run: async () => {},
  });
  loopStops.forEach((stoppedAt, i) => {
    const event = () => {
      const original = fixture(segfault, { [segfaultTaskId]: taskId(loopTasks[i] as string) });
      return i === 5 ? original : sameEventAt(original, stoppedAt, i);
    };
    const label = i === 5 ? segfault : `${segfault} (the same stop, task ${i + 1} of ${loopStops.length})`;
    // ECS starts a replacement; it takes the poison batch and segfaults.
    const replacement = async () => {
      const [task] = await world.runTasks(worker.serviceName, worker.taskDefinitionArn, 1, WORKER_DEPLOYMENT, {
        launchType: 'EC2',
      });
      await world.writeLogs('/ecs/worker-service', `ecs/worker/${taskId(task as string)}`, segfaultLines);
      loopTasks.push(task as string);
    };
    add(...world.stop(loopTasks, i, stoppedAt, event, emulation, label, replacement));
    // Delivered twice: together, and again 40 s later.
    if (i === 1) add(deliver(label, stoppedAt + SECOND, event));
    if (i === 4) add(deliver(label, stoppedAt + 40 * SECOND, event));
  });
  const steadyAt = at('2025-03-06T09:12:00Z');
  add(
    {
      at: at('2025-03-06T09:10:00Z'),
      kind: 'world',
      note: 'the poison batch is moved to a dead-letter queue: the next workers start and stay up',
      run: async () => {},
    },
    deliver('events/service-action/steady-state.json', steadyAt, () => {
      const steady = fixture('events/service-action/steady-state.json', {
        'service/production/api-service': `service/production/${worker.serviceName}`,
      });
      return sameEventAt(steady, steadyAt, 1);
    }),
  );

  // ---------------------------------------------------------------- the rest of the quarter
  const catalogue = listEventFiles(join(EVENTS_DIR, 'task-stopped'), PROJECT_ROOT).filter((f) => !used.has(f.label));
  for (const { label } of catalogue) {
    const event = fixture(label);
    add(deliver(label, Date.parse(String(event.time)) + SECOND));
  }
  const repeated = 'events/task-stopped/image-pull-not-found.json';
  add(deliver(repeated, Date.parse(String(fixture(repeated).time)) + 20 * SECOND));

  // ---------------------------------------------------------------- malformed input
  const last = Math.max(...steps.map((s) => s.at));
  listEventFiles(join(EVENTS_DIR, 'invalid'), PROJECT_ROOT).forEach(({ path, label }, i) => {
    steps.push({ at: last + (i + 1) * 60 * SECOND, kind: 'file', label, path });
  });

  return {
    steps: steps.sort((a, b) => a.at - b.at),
    crashLoop: { service: worker.serviceName },
    rollout: {
      service: api.serviceName,
      deploymentId,
      failedRevision: revision(failedRevision),
      previousRevision: revision(previousRevision),
    },
  };
}

/** The account's users: they start and stop tasks, scale services and write logs in the emulator. */
class World {
  constructor(
    private readonly clientConfig: LocalAwsClientConfig,
    private readonly seeded: SeededAccount,
    private readonly ecs: ECSClient,
  ) {}

  awsvpc(subnets: string[]) {
    return {
      awsvpcConfiguration: {
        subnets,
        securityGroups: [this.seeded.securityGroupId],
        assignPublicIp: 'DISABLED' as const,
      },
    };
  }

  async deployments(service: string): Promise<Deployment[]> {
    const out = await this.ecs.send(
      new DescribeServicesCommand({ cluster: this.seeded.cluster.name, services: [service] }),
    );
    return out.services?.[0]?.deployments ?? [];
  }

  /** The emulator's one deployment of a service: the one the story deploys and fails. */
  async deploymentOf(service: string): Promise<string> {
    const [deployment] = await this.deployments(service);
    if (!deployment?.id) throw new Error(`the emulator lists no deployment of ${service}`);
    return deployment.id;
  }

  async runTasks(
    service: string,
    taskDefinition: string,
    count: number,
    startedBy: string,
    placement: Partial<RunTaskCommandInput>,
  ): Promise<string[]> {
    const arns: string[] = [];
    // RunTask starts at most 10 tasks a call.
    for (let left = count; left > 0; left -= 10) {
      const out = await this.ecs.send(
        new RunTaskCommand({
          cluster: this.seeded.cluster.name,
          taskDefinition,
          count: Math.min(10, left),
          startedBy,
          group: `service:${service}`,
          ...placement,
        }),
      );
      if ((out.failures ?? []).length > 0 || (out.tasks ?? []).length < Math.min(10, left)) {
        const reasons = out.failures?.map((f) => f.reason).join(', ');
        throw new Error(
          `RunTask ${service} started ${out.tasks?.length ?? 0} of ${Math.min(10, left)} tasks ${reasons ?? ''}`,
        );
      }
      arns.push(...(out.tasks ?? []).map((t) => t.taskArn as string));
    }
    return arns;
  }

  async stopTask(task: string, reason: string): Promise<void> {
    await this.ecs.send(new StopTaskCommand({ cluster: this.seeded.cluster.name, task, reason }));
  }

  /** Task `i` of `tasks` stops as `event` says, at `when`: the emulator stops it, then EventBridge delivers. */
  stop(
    tasks: string[],
    i: number,
    when: number,
    event: () => Event,
    emulation: DemoEmulation,
    label: string,
    start: () => Promise<void> = async () => {},
  ): Step[] {
    return [
      {
        at: when,
        kind: 'world',
        note: '',
        run: async () => {
          await start();
          const stopped = event();
          await this.stopTask(tasks[i] as string, String((stopped.detail as { stoppedReason?: string }).stoppedReason));
          emulation.recordStop(stopped);
        },
      },
      { at: when + SECOND, kind: 'event', label, event },
    ];
  }

  async scale(service: string, desiredCount: number, subnets?: string[]): Promise<void> {
    await this.ecs.send(
      new UpdateServiceCommand({
        cluster: this.seeded.cluster.name,
        service,
        desiredCount,
        ...(subnets ? { networkConfiguration: this.awsvpc(subnets) } : {}),
      }),
    );
  }

  async writeLogs(logGroupName: string, logStreamName: string, lines: readonly string[]): Promise<void> {
    const logs = new CloudWatchLogsClient(this.clientConfig);
    try {
      await logs.send(new CreateLogStreamCommand({ logGroupName, logStreamName }));
      const base = Date.now() - 60_000;
      await logs.send(
        new PutLogEventsCommand({
          logGroupName,
          logStreamName,
          logEvents: lines.map((message, i) => ({ timestamp: base + i * 1000, message })),
        }),
      );
    } finally {
      logs.destroy();
    }
  }
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/**
 * The same event at another moment: every time in it moved so that it happens at `when` (its
 * `detail.stoppedAt`, else its `time`), with a new event id (EventBridge gives each event its own).
 */
export function sameEventAt(event: Event, when: number, nth: number): Event {
  const detail = event.detail as { stoppedAt?: string };
  const shift = when - Date.parse(detail.stoppedAt ?? String(event.time));
  const moved = JSON.parse(JSON.stringify(event), (_key, value) =>
    typeof value === 'string' && ISO_TIME.test(value) ? new Date(Date.parse(value) + shift).toISOString() : value,
  ) as Event;
  const id = String(event.id);
  return { ...moved, id: `${id.slice(0, -4)}${String(nth).padStart(4, '0')}` };
}

const taskId = (arn: string) => arn.split('/').pop() as string;
const revision = (arn: string) => arn.split('/').pop() as string;
