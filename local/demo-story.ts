/**
 * The demo's story (README "The demo"): six weeks of a production account, as EventBridge delivers
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
import type { Deployment, ECSClient } from '@aws-sdk/client-ecs';
import { readEventFile } from '../lambdas/cli/read-event-file';
import { listEventFiles } from '../lambdas/cli/replay';
import type { NewSilence } from '../lambdas/domain/silences/silence';
import type { DemoEmulation } from './demo-emulation';
import { World } from './demo-world';
import { type LocalAwsClientConfig, PROJECT_ROOT } from './emulator';
import { API_LOG_LINES, FIXTURE_LOG_STREAMS, rewriteFixtureIds, type SeededAccount } from './seed';

type Event = Record<string, unknown>;

/** One thing that happens at a moment of the story. */
export type Step =
  /** EventBridge delivers an event (built when it is delivered: it may name tasks a world step created). */
  | { at: number; kind: 'event'; label: string; event: () => Event }
  /** A file of events/invalid/: read as a delivery would be, rejected when it is not an event. */
  | { at: number; kind: 'file'; label: string; path: string }
  /** Something changes in the account (a deployment starts, someone scales a service); `note` says what. */
  | { at: number; kind: 'world'; note: string; run: () => Promise<void> };

export interface Story {
  steps: Step[];
  /** The service the story's crash loop happens to. */
  crashLoop: { service: string };
  /** The deployment the story fails (the emulator's id), its revision and the one it rolls back to. */
  rollout: { service: string; deploymentId: string; failedRevision: string; previousRevision: string };
}

/** What every act of the story works with. */
interface Scene {
  seeded: SeededAccount;
  world: World;
  emulation: DemoEmulation;
  /** A file of events/ as it would be delivered in the seeded account, with more ids mapped. */
  fixture(label: string, ids?: Record<string, string>): Event;
}

const EVENTS_DIR = join(PROJECT_ROOT, 'events');
/** The deployment the events/ fixtures name for api-service: the story's failed one is the emulator's. */
const FIXTURE_API_DEPLOYMENT = 'ecs-svc/4825019368231750719';
/** The deployments the seeder's tasks and the fixtures' worker-service tasks were started by. */
const SEEDED_DEPLOYMENT = 'ecs-svc/1234567890123456789';
const FIXTURE_WORKER_DEPLOYMENT = 'ecs-svc/7309186454725139044';
const SECOND = 1000;
const at = (iso: string) => Date.parse(iso);

/** Builds the story on a seeded account; `ecs` acts on the emulator as the account's users would. */
export async function buildStory(
  clientConfig: LocalAwsClientConfig,
  seeded: SeededAccount,
  emulation: DemoEmulation,
  ecs: ECSClient,
  /** Adds a silence as `ecs-watchdog silence add` would (the story's on-call does, in its last act). */
  addSilence?: (silence: NewSilence) => Promise<void>,
): Promise<Story> {
  const world = new World(clientConfig, seeded, ecs);
  const scene: Scene = {
    seeded,
    world,
    emulation,
    fixture: (label, ids = {}) =>
      rewriteFixtureIds(readEventFile(join(PROJECT_ROOT, label)) as Event, { ...seeded.fixtureIds, ...ids }),
  };
  const deploymentId = await world.deploymentOf('api-service');
  const rollout = failedRollout(scene, deploymentId);
  const steps = [...rollout.steps, ...placementFailures(scene), ...serviceActions(scene), ...crashLoop(scene)];
  const told = new Set(steps.flatMap((s) => (s.kind === 'event' ? [s.label] : [])));
  steps.push(...restOfTheQuarter(scene, told));
  if (addSilence) steps.push(...silencedStop(scene, Math.max(...steps.map((s) => s.at)), addSilence));
  steps.push(...malformedInput(Math.max(...steps.map((s) => s.at))));
  return {
    steps: steps.sort((a, b) => a.at - b.at),
    crashLoop: { service: seeded.services['worker-service'].serviceName },
    rollout: { service: 'api-service', deploymentId, ...rollout.revisions },
  };
}

/** A delivery of a file of events/, built when it is delivered. */
function deliver(scene: Scene, label: string, when: number, event: () => Event = () => scene.fixture(label)): Step {
  return { at: when, kind: 'event', label, event };
}

/** Task `tasks[i]` stops as `event` says, at `when`: the emulator stops it (once `start` has started it), then EventBridge delivers. */
function stop(
  scene: Scene,
  tasks: string[],
  i: number,
  when: number,
  label: string,
  event: () => Event,
  start: () => Promise<void> = async () => {},
): Step[] {
  const run = async () => {
    await start();
    const stopped = event();
    await scene.world.stopTask(
      tasks[i] as string,
      String((stopped.detail as { stoppedReason?: string }).stoppedReason),
    );
    scene.emulation.recordStop(stopped);
  };
  return [
    { at: when, kind: 'world', note: '', run },
    { at: when + SECOND, kind: 'event', label, event },
  ];
}

function failedRollout(scene: Scene, deploymentId: string) {
  const { seeded, world, emulation, fixture } = scene;
  const api = seeded.services['api-service'];
  const failedRevision = api.taskDefinitionArn;
  const previousRevision = seeded.taskDefinitions['api-service']?.at(-2) as string;
  const asDeployment = { [FIXTURE_API_DEPLOYMENT]: deploymentId };
  const rollback = fixture('events/deployment/rollback-started.json').detail as {
    deploymentId: string;
    reason: string;
  };
  const failedAt = at('2025-03-01T04:52:10Z');
  const completedAt = at('2025-03-01T05:01:40Z');
  const newTasks: string[] = [];
  const steps: Step[] = [
    {
      at: at('2025-03-01T04:40:00Z'),
      kind: 'world',
      note: `api-service starts deploying ${revision(failedRevision)} (deployment ${deploymentId}): 4 new tasks`,
      run: async () => {
        const placement = {
          launchType: 'FARGATE' as const,
          networkConfiguration: world.awsvpc([seeded.subnets.a.subnetId, seeded.subnets.b.subnetId]),
        };
        newTasks.push(...(await world.runTasks(api.serviceName, failedRevision, 4, deploymentId, placement)));
        for (const task of newTasks)
          await world.writeLogs('/ecs/api-service', `ecs/api/${taskId(task)}`, API_LOG_LINES);
      },
    },
    deliver(scene, 'events/deployment/in-progress.json', at('2025-03-01T04:40:02Z'), () =>
      fixture('events/deployment/in-progress.json', asDeployment),
    ),
  ];

  // The four new tasks run out of memory within a minute: oom-killed.json is the second of them.
  const oom = 'events/task-stopped/oom-killed.json';
  const oomTaskId = taskIdOf(fixture(oom));
  ['2025-03-01T04:45:12Z', '2025-03-01T04:45:50.047Z', '2025-03-01T04:46:05Z', '2025-03-01T04:47:20Z'].forEach(
    (time, i) => {
      const event = () => {
        const original = fixture(oom, { ...asDeployment, [oomTaskId]: taskId(newTasks[i] as string) });
        return i === 1 ? original : sameEventAt(original, at(time), i);
      };
      const label = i === 1 ? oom : `${oom} (the same stop, task ${i + 1} of 4)`;
      steps.push(...stop(scene, newTasks, i, at(time), label, event));
      // EventBridge delivers this one twice, at the same moment.
      if (i === 1) steps.push(deliver(scene, label, at(time) + SECOND, event));
    },
  );
  steps.push(deliver(scene, 'events/service-action/task-start-impaired.json', at('2025-03-01T04:50:38Z')));

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
  steps.push(
    {
      at: failedAt,
      kind: 'world',
      note: `the circuit breaker fails the deployment and rolls back to ${revision(previousRevision)} (deployment ${rollback.deploymentId})`,
      run: async () => {
        const failed = (await world.deployments('api-service')).map((d) => ({
          ...d,
          status: 'ACTIVE',
          runningCount: 0,
          failedTasks: 4,
          rolloutState: 'FAILED' as const,
          rolloutStateReason: 'ECS deployment circuit breaker: tasks failed to start.',
        }));
        emulation.setDeployments('api-service', {
          taskDefinition: previousRevision,
          deployments: [rollbackDeployment('IN_PROGRESS', rollback.reason), ...failed],
          events: [failedEvent],
        });
      },
    },
    // ECS reports the failure twice, in two wordings, a second apart: one page.
    ...['failed-circuit-breaker', 'failed-task-wording'].map((name, i) =>
      deliver(scene, `events/deployment/${name}.json`, failedAt + i * SECOND, () =>
        fixture(`events/deployment/${name}.json`, asDeployment),
      ),
    ),
    deliver(scene, 'events/deployment/rollback-started.json', at('2025-03-01T04:52:11Z')),
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
    deliver(scene, 'events/deployment/rollback-completed.json', completedAt),
    deliver(scene, 'events/service-action/steady-state.json', at('2025-03-01T05:02:00Z')),
  );
  return {
    steps,
    revisions: { failedRevision: revision(failedRevision), previousRevision: revision(previousRevision) },
  };
}

function placementFailures(scene: Scene): Step[] {
  const { seeded, world } = scene;
  const checkout = seeded.services['checkout-service'];
  const worker = seeded.services['worker-service'];
  const tiny = seeded.subnets.tiny;
  const extraWorkers: string[] = [];
  return [
    deliver(scene, 'events/service-action/placement-failure-fargate-spot.json', at('2025-03-01T06:09:33Z')),
    {
      at: at('2025-03-01T06:15:00Z'),
      kind: 'world',
      note: `checkout-service is scaled from 2 to 6 tasks and moved to production-private-tiny (${tiny.cidr}, 2 free addresses)`,
      run: () => world.scale(checkout.serviceName, 6, [tiny.subnetId]),
    },
    deliver(scene, 'events/service-action/placement-failure-subnet-full.json', at('2025-03-01T06:20:12Z')),
    {
      at: at('2025-03-01T06:25:00Z'),
      kind: 'world',
      note: `worker-service is scaled from 2 to 8 tasks; its one container instance (${seeded.containerInstance.instanceType}) holds 7`,
      run: async () => {
        await world.scale(worker.serviceName, 8);
        const placement = { launchType: 'EC2' as const };
        extraWorkers.push(
          ...(await world.runTasks(worker.serviceName, worker.taskDefinitionArn, 5, SEEDED_DEPLOYMENT, placement)),
        );
      },
    },
    deliver(scene, 'events/service-action/placement-failure-memory.json', at('2025-03-01T06:31:05Z')),
    {
      at: at('2025-03-01T06:45:00Z'),
      kind: 'world',
      note: 'both services are scaled back to 2 tasks, checkout-service in its own subnet again',
      run: async () => {
        await world.scale(checkout.serviceName, 2, [seeded.subnets.b.subnetId]);
        await world.scale(worker.serviceName, 2);
        for (const task of extraWorkers) {
          await world.stopTask(task, `Scaling activity initiated by (deployment ${SEEDED_DEPLOYMENT})`);
        }
      },
    },
  ];
}

/** The other service actions of events/service-action/, each at its own time. */
function serviceActions(scene: Scene): Step[] {
  return [
    'configuration-failure',
    'discovery-instance-unhealthy',
    'ecs-operation-throttled',
    'discovery-operation-throttled',
    'daemon-placement-constraint-violated',
    'unknown-future-event',
  ].map((name) => {
    const label = `events/service-action/${name}.json`;
    return deliver(scene, label, Date.parse(String(scene.fixture(label).time)));
  });
}

function crashLoop(scene: Scene): Step[] {
  const { seeded, world, fixture } = scene;
  const worker = seeded.services['worker-service'];
  const segfault = 'events/task-stopped/segfault-139.json';
  const segfaultTaskId = taskIdOf(fixture(segfault));
  const lines = FIXTURE_LOG_STREAMS.find((s) => s.fixture === segfault)?.lines ?? [];
  const tasks: string[] = [];
  const stops = [
    '2025-03-06T08:58:10Z',
    '2025-03-06T08:58:14Z',
    '2025-03-06T08:59:02Z',
    '2025-03-06T08:59:58Z',
    '2025-03-06T09:01:05Z',
    '2025-03-06T09:02:50.467Z',
    '2025-03-06T09:04:40Z',
  ].map(at);
  const steps: Step[] = [
    {
      at: at('2025-03-06T08:57:00Z'),
      kind: 'world',
      note: 'worker-service picks up a poison order batch: every worker that parses it segfaults, and ECS keeps replacing them',
      run: async () => {},
    },
  ];
  stops.forEach((when, i) => {
    const event = () => {
      const original = fixture(segfault, { [segfaultTaskId]: taskId(tasks[i] as string) });
      return i === 5 ? original : sameEventAt(original, when, i);
    };
    // ECS starts a replacement; it takes the poison batch and segfaults.
    const replacement = async () => {
      const placement = { launchType: 'EC2' as const };
      const [task] = await world.runTasks(
        worker.serviceName,
        worker.taskDefinitionArn,
        1,
        FIXTURE_WORKER_DEPLOYMENT,
        placement,
      );
      await world.writeLogs('/ecs/worker-service', `ecs/worker/${taskId(task as string)}`, lines);
      tasks.push(task as string);
    };
    const label = i === 5 ? segfault : `${segfault} (the same stop, task ${i + 1} of ${stops.length})`;
    steps.push(...stop(scene, tasks, i, when, label, event, replacement));
    // Delivered twice: together, and again 40 s later.
    if (i === 1) steps.push(deliver(scene, label, when + SECOND, event));
    if (i === 4) steps.push(deliver(scene, label, when + 40 * SECOND, event));
  });
  const steadyAt = at('2025-03-06T09:12:00Z');
  steps.push(
    {
      at: at('2025-03-06T09:10:00Z'),
      kind: 'world',
      note: 'the poison batch is moved to a dead-letter queue: the next workers start and stay up',
      run: async () => {},
    },
    deliver(scene, 'events/service-action/steady-state.json', steadyAt, () => {
      const steady = fixture('events/service-action/steady-state.json', {
        'service/production/api-service': `service/production/${worker.serviceName}`,
      });
      return sameEventAt(steady, steadyAt, 1);
    }),
  );
  return steps;
}

/** Every stop of events/task-stopped/ the story has not told yet, at its own time; one of them twice. */
function restOfTheQuarter(scene: Scene, told: Set<string>): Step[] {
  const steps = listEventFiles(join(EVENTS_DIR, 'task-stopped'), PROJECT_ROOT)
    .filter((f) => !told.has(f.label))
    .map(({ label }) => deliver(scene, label, Date.parse(String(scene.fixture(label).time)) + SECOND));
  const repeated = 'events/task-stopped/image-pull-not-found.json';
  steps.push(deliver(scene, repeated, Date.parse(String(scene.fixture(repeated).time)) + 20 * SECOND));
  return steps;
}

/**
 * On-call silences worker-service while a memory fix rolls out: its next kill is recorded and held
 * by the silence, not paged (README "Silences and maintenance windows").
 */
function silencedStop(scene: Scene, after: number, addSilence: (silence: NewSilence) => Promise<void>): Step[] {
  const { seeded, world, fixture } = scene;
  const worker = seeded.services['worker-service'];
  const label = 'events/task-stopped/exit-137-no-oom-reason.json';
  const fixtureTaskId = taskIdOf(fixture(label));
  const lines = FIXTURE_LOG_STREAMS.find((s) => s.fixture === label)?.lines ?? [];
  const silencedAt = after + 3600 * SECOND;
  const stoppedAt = silencedAt + 20 * 60 * SECOND;
  const reason = 'memory fix for worker-service rolling out';
  const tasks: string[] = [];
  // A task of its own (not the fixture's, which paged already): ECS starts it, then it is killed.
  const start = async () => {
    const [task] = await world.runTasks(worker.serviceName, worker.taskDefinitionArn, 1, FIXTURE_WORKER_DEPLOYMENT, {
      launchType: 'EC2',
    });
    await world.writeLogs('/ecs/worker-service', `ecs/worker/${taskId(task as string)}`, lines);
    tasks.push(task as string);
  };
  const event = () => sameEventAt(fixture(label, { [fixtureTaskId]: taskId(tasks[0] as string) }), stoppedAt, 15);
  return [
    {
      at: silencedAt,
      kind: 'world',
      note: `on-call silences worker-service for 2 h: ecs-watchdog silence add --cluster production --service worker-service --for 2h --reason "${reason}"`,
      run: () => addSilence({ cluster: 'production', service: 'worker-service', forMs: 2 * 3600 * SECOND, reason }),
    },
    ...stop(scene, tasks, 0, stoppedAt, `${label} (another task, while silenced)`, event, start),
  ];
}

/** The malformed samples of events/invalid/, a minute apart after the last event. */
function malformedInput(after: number): Step[] {
  return listEventFiles(join(EVENTS_DIR, 'invalid'), PROJECT_ROOT).map(({ path, label }, i) => ({
    at: after + (i + 1) * 60 * SECOND,
    kind: 'file',
    label,
    path,
  }));
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
const taskIdOf = (event: Event) => taskId(String((event.detail as { taskArn: string }).taskArn));
const revision = (arn: string) => arn.split('/').pop() as string;
