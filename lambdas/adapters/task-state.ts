import type { Container, Task } from '@aws-sdk/client-ecs';
import { type ContainerState, lastSegment, serviceOfGroup, type TaskStateChange } from '../domain/events/task-event';

/**
 * Maps a task from DescribeTasks onto the shape of an `ECS Task State Change` event, so the stop
 * classifier reads API tasks and events alike. Timestamps become ISO strings, sizes numbers.
 */
export function toTaskStateChange(task: Task, account: string, region: string): TaskStateChange {
  const taskArn = task.taskArn ?? '';
  const clusterArn = task.clusterArn ?? '';
  const taskDefinitionArn = task.taskDefinitionArn ?? '';
  const group = task.group;
  return {
    eventId: `describe-tasks:${taskArn}`,
    account,
    region,
    time: iso(task.stoppedAt ?? task.stoppingAt ?? task.createdAt) ?? '',
    taskArn,
    taskId: lastSegment(taskArn),
    clusterArn,
    cluster: lastSegment(clusterArn),
    taskDefinitionArn,
    taskDefinition: lastSegment(taskDefinitionArn),
    group,
    service: serviceOfGroup(group),
    startedBy: task.startedBy,
    lastStatus: task.lastStatus ?? 'STOPPED',
    desiredStatus: task.desiredStatus,
    stopCode: task.stopCode,
    stoppedReason: task.stoppedReason,
    launchType: task.launchType,
    capacityProviderName: task.capacityProviderName,
    availabilityZone: task.availabilityZone,
    containerInstanceArn: task.containerInstanceArn,
    subnetId: task.attachments?.flatMap((a) => a.details ?? []).find((d) => d.name === 'subnetId')?.value,
    cpu: toNumber(task.cpu),
    memory: toNumber(task.memory),
    createdAt: iso(task.createdAt),
    startedAt: iso(task.startedAt),
    stoppingAt: iso(task.stoppingAt),
    stoppedAt: iso(task.stoppedAt),
    healthStatus: task.healthStatus,
    containers: (task.containers ?? []).map(toContainerState),
  };
}

function toContainerState(c: Container): ContainerState {
  return {
    name: c.name ?? '',
    image: c.image,
    lastStatus: c.lastStatus,
    exitCode: c.exitCode,
    reason: c.reason,
    healthStatus: c.healthStatus,
    memory: toNumber(c.memory),
    memoryReservation: toNumber(c.memoryReservation),
    cpu: toNumber(c.cpu),
    runtimeId: c.runtimeId,
  };
}

/** SDK dates as the ISO strings the domain works with. */
export function iso(date: Date | undefined): string | undefined {
  return date ? date.toISOString() : undefined;
}

function toNumber(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}
