/**
 * The seeded account's users, for the demo's story (local/demo-story.ts): they start and stop tasks,
 * scale services and write log lines, in the emulator, as they would in AWS.
 */
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
import type { LocalAwsClientConfig } from './emulator';
import type { SeededAccount } from './seed';

/** RunTask starts at most 10 tasks a call. */
const RUN_TASK_MAX = 10;

export class World {
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

  /** The emulator's one deployment of a service. */
  async deploymentOf(service: string): Promise<string> {
    const [deployment] = await this.deployments(service);
    if (!deployment?.id) throw new Error(`the emulator lists no deployment of ${service}`);
    return deployment.id;
  }

  /** Starts `count` tasks of a service (the emulator's services start none themselves). */
  async runTasks(
    service: string,
    taskDefinition: string,
    count: number,
    startedBy: string,
    placement: Partial<RunTaskCommandInput>,
  ): Promise<string[]> {
    const arns: string[] = [];
    for (let left = count; left > 0; left -= RUN_TASK_MAX) {
      const wanted = Math.min(RUN_TASK_MAX, left);
      const out = await this.ecs.send(
        new RunTaskCommand({
          cluster: this.seeded.cluster.name,
          taskDefinition,
          count: wanted,
          startedBy,
          group: `service:${service}`,
          ...placement,
        }),
      );
      const started = (out.tasks ?? []).map((t) => t.taskArn as string);
      if (started.length < wanted) {
        const reasons = (out.failures ?? []).map((f) => f.reason).join(', ');
        throw new Error(`RunTask ${service} started ${started.length} of ${wanted} tasks ${reasons}`);
      }
      arns.push(...started);
    }
    return arns;
  }

  async stopTask(task: string, reason: string): Promise<void> {
    await this.ecs.send(new StopTaskCommand({ cluster: this.seeded.cluster.name, task, reason }));
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
