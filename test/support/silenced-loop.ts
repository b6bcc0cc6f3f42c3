/**
 * The silenced-loop story, shared by the unit test (in-memory store) and the integration test
 * (DynamoDB on the emulator): a silence on a service, then a crash loop of 16 OOM stops over an hour,
 * the minute sweep running all along; the silence ends with the loop still open.
 */
import type { SweepDeps } from '../../lambdas/app/process-sweep';
import { processSweep } from '../../lambdas/app/process-sweep';
import { processTaskStopped, type TaskStoppedDeps } from '../../lambdas/app/process-task-stopped';
import { addSilenceCommand } from '../../lambdas/app/silences';
import type { Alert } from '../../lambdas/domain/alerts/alert';
import type { IncidentStore } from '../../lambdas/domain/incidents/incident-store';
import { taskEvent } from './events';

export const T0 = Date.parse('2026-11-26T03:00:00Z');
export const MINUTE = 60_000;

/** Minutes after T0 the service's tasks stop: three in a minute make the loop, 13 more keep it open. */
export const STOP_MINUTES = [1, 1.2, 1.4, ...Array.from({ length: 13 }, (_, k) => 5 + 4 * k)];

export function oomStopAt(minute: number, serial: number, service = 'api-service') {
  const at = new Date(T0 + minute * MINUTE).toISOString();
  const hex = serial.toString(16).padStart(32, '0');
  return taskEvent(
    {
      group: `service:${service}`,
      taskArn: `arn:aws:ecs:us-east-1:123456789012:task/production/${hex}`,
      stoppedAt: at,
      containers: [
        {
          name: 'api',
          exitCode: 137,
          reason: 'OutOfMemoryError: Container killed due to memory usage',
          lastStatus: 'STOPPED',
        },
      ],
    },
    { id: `silenced-loop-${serial}`, time: at },
  );
}

export interface Story {
  /** Pages published, with the minute they went out. */
  pages: { minute: number; alert: Alert }[];
  silenceId: string;
}

/**
 * Plays the story to `untilMinute`: `clock.set` moves the shared clock, `taskStopped` and `sweep` are the
 * processing's deps (their publisher must push to `published`).
 */
export async function playSilencedLoop(options: {
  clock: { set(ms: number): void; now(): number };
  store: IncidentStore;
  taskStopped: TaskStoppedDeps;
  sweep: SweepDeps;
  published: Alert[];
  untilMinute: number;
}): Promise<Story> {
  const { clock, published } = options;
  const pages: Story['pages'] = [];
  const take = (minute: number) => {
    for (const alert of published.splice(0)) pages.push({ minute, alert });
  };
  clock.set(T0);
  const silence = await addSilenceCommand(
    { cluster: 'production', service: 'api-service', forMs: 60 * MINUTE, reason: 'poison message, fix deploying' },
    { store: options.store, whoAmI: async () => 'arn:aws:iam::123456789012:user/on-call', now: clock.now },
  );
  const stops = [...STOP_MINUTES];
  let serial = 0;
  for (let minute = 0; minute <= options.untilMinute; minute += 0.2) {
    const now = Math.round(minute * 10) / 10;
    clock.set(T0 + now * MINUTE);
    while (stops.length > 0 && (stops[0] as number) <= now + 1e-9) {
      stops.shift();
      serial += 1;
      await processTaskStopped(oomStopAt(now, serial), options.taskStopped);
      take(now);
    }
    if (Number.isInteger(now)) {
      await processSweep(options.sweep);
      take(now);
    }
  }
  return { pages, silenceId: silence.id };
}
