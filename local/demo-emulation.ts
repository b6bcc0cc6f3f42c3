/**
 * What the demo's story needs from ECS that the local emulator (moto) cannot produce
 * (local/API-SUPPORT.md), added to moto's answers by an SDK client middleware, as
 * local/emulate-health-reports.ts does for health checks. Everything else is moto's own answer.
 *
 * - Deployments: moto keeps one deployment per service, IN_PROGRESS forever, and writes no service
 *   events. The story says what ECS would list at each moment (the failed deployment, the rollback
 *   to the previous revision, the service events it writes), and DescribeServices answers that.
 * - Stopped tasks: DescribeTasks keeps only `stoppedReason` and the first container, with exit code 0.
 *   The stop code, every container's exit code and reason are restored from the task's own stop event
 *   (the one the story delivers).
 * - Running counts: after UpdateService moto reports `runningCount` = `desiredCount` without starting
 *   a task. DescribeServices answers the number of the service's tasks moto holds that were not stopped.
 *
 * The demo prints these in its footer (local/demo-report.ts).
 */
import {
  type Deployment,
  type DescribeServicesCommandOutput,
  DescribeTasksCommand,
  type DescribeTasksCommandOutput,
  type ECSClient,
  ListTasksCommand,
  type ServiceEvent,
} from '@aws-sdk/client-ecs';
import type { ClientWithMiddleware } from './emulate-health-reports';

/** What ECS lists for a service at a moment of the story: its deployments and the events it wrote. */
export interface DeploymentView {
  /** The service's current task definition (the PRIMARY deployment's). */
  taskDefinition: string;
  deployments: Deployment[];
  events: ServiceEvent[];
}

/** The `detail` of an ECS Task State Change event, as far as DescribeTasks reports the same facts. */
interface StopDetail {
  taskArn: string;
  stopCode?: string;
  stoppedReason?: string;
  containers?: { name: string; exitCode?: number; reason?: string; lastStatus?: string }[];
}

export const EMULATED = [
  'ECS deployments: moto keeps one deployment per service and never fails or rolls it back, and writes no service events; DescribeServices lists what ECS would at that moment of the story (the failed deployment, the rollback to the previous revision, their service events)',
  "ECS stopped tasks: moto's DescribeTasks drops the stop code, exit codes and container reasons; they are restored from each task's own stop event",
  "ECS running counts: moto reports runningCount = desiredCount without starting tasks; DescribeServices counts the service's tasks moto holds that were not stopped",
];

export class DemoEmulation {
  private readonly views = new Map<string, DeploymentView>();
  private readonly stops = new Map<string, StopDetail>();

  /** `lookups`: an ECS client on the emulator, without this middleware, to count running tasks. */
  constructor(
    private readonly lookups: ECSClient,
    private readonly cluster: string,
  ) {}

  /** From now on, DescribeServices lists these deployments and events for the service. */
  setDeployments(service: string, view: DeploymentView): void {
    this.views.set(service, view);
  }

  /** A task stopped as its EventBridge event says: DescribeTasks reports the same. */
  recordStop(event: Record<string, unknown>): void {
    const detail = event.detail as StopDetail;
    this.stops.set(detail.taskArn, detail);
  }

  /** Adds the middleware to an SDK client (makeWatchdogDeps' `instrument`); only ECS answers change. */
  install(client: unknown): void {
    (client as ClientWithMiddleware).middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        if (context.commandName === 'DescribeServicesCommand') {
          await this.describeServices(result.output as DescribeServicesCommandOutput);
        }
        if (context.commandName === 'DescribeTasksCommand')
          this.describeTasks(result.output as DescribeTasksCommandOutput);
        return result;
      },
      { step: 'initialize', name: 'demoEmulation' },
    );
  }

  private async describeServices(out: DescribeServicesCommandOutput): Promise<void> {
    const running = await this.runningTasksByGroup();
    for (const service of out.services ?? []) {
      const name = service.serviceName ?? '';
      service.runningCount = running.get(`service:${name}`) ?? 0;
      const view = this.views.get(name);
      if (view) {
        service.taskDefinition = view.taskDefinition;
        service.deployments = view.deployments.map((d) => ({ ...d }));
        service.events = [...view.events, ...(service.events ?? [])];
      } else if (service.deployments?.length === 1) {
        const [only] = service.deployments;
        if (only) only.runningCount = service.runningCount;
      }
    }
  }

  private describeTasks(out: DescribeTasksCommandOutput): void {
    for (const task of out.tasks ?? []) {
      const stop = task.taskArn ? this.stops.get(task.taskArn) : undefined;
      if (!stop) continue;
      task.stopCode = stop.stopCode as typeof task.stopCode;
      task.stoppedReason = stop.stoppedReason ?? task.stoppedReason;
      task.containers = (stop.containers ?? []).map((c) => ({
        ...task.containers?.find((m) => m.name === c.name),
        name: c.name,
        exitCode: c.exitCode,
        reason: c.reason,
        lastStatus: c.lastStatus ?? 'STOPPED',
      }));
    }
  }

  private async runningTasksByGroup(): Promise<Map<string, number>> {
    const listed = await this.lookups.send(
      new ListTasksCommand({ cluster: this.cluster, desiredStatus: 'RUNNING', maxResults: 100 }),
    );
    const arns = listed.taskArns ?? [];
    const counts = new Map<string, number>();
    if (arns.length === 0) return counts;
    const described = await this.lookups.send(new DescribeTasksCommand({ cluster: this.cluster, tasks: arns }));
    for (const task of described.tasks ?? []) {
      // moto moves lastStatus on by itself at every describe (even to STOPPED): the desired status tells.
      if (task.desiredStatus !== 'RUNNING' || !task.group) continue;
      counts.set(task.group, (counts.get(task.group) ?? 0) + 1);
    }
    return counts;
  }
}
