/**
 * How many more awsvpc tasks a container instance can take, as far as network interfaces go (pure): the
 * one answer the capacity scan reports and the placement diagnosis checks.
 *
 * - Without a trunk, each awsvpc task takes one network interface of the instance, whose type allows
 *   `MaximumNetworkInterfaces` including the primary one: free = maximum − attached.
 * - With a trunk (container instance attribute `ecs.awsvpc-trunk-id`), tasks take branch interfaces of
 *   the trunk instead, up to the per-type limit of eni-trunking.ts: free = limit − tasks on the instance.
 *   No API tells which of those tasks are awsvpc ones, so every task counts (an upper bound of use).
 */
import { TRUNK_ATTRIBUTE, trunkedTaskLimit } from './eni-trunking';
import type { ContainerInstanceFacts } from './facts';

export interface TaskEniCapacity {
  trunked: boolean;
  /** awsvpc tasks the instance can hold at most; undefined when not known. */
  limit?: number;
  /** Interfaces (trunked: branch interfaces) taken by tasks. */
  inUse?: number;
  /** Interfaces left for awsvpc tasks; undefined when not known. */
  free?: number;
  /** True when {@link inUse} counts every task on the instance as an awsvpc task (an upper bound). */
  estimated: boolean;
  /** What is estimated or unknown, in words. */
  note?: string;
}

export type TaskEniFacts = Pick<
  ContainerInstanceFacts,
  | 'instanceType'
  | 'attributes'
  | 'runningTasks'
  | 'pendingTasks'
  | 'maximumNetworkInterfaces'
  | 'attachedNetworkInterfaces'
> & { ec2InstanceId?: string };

export function instanceTypeOf(
  instance: Pick<ContainerInstanceFacts, 'instanceType' | 'attributes'>,
): string | undefined {
  return instance.instanceType ?? instance.attributes['ecs.instance-type'];
}

export function isTrunked(instance: Pick<ContainerInstanceFacts, 'attributes'>): boolean {
  return Boolean(instance.attributes[TRUNK_ATTRIBUTE]);
}

export function taskEniCapacity(instance: TaskEniFacts): TaskEniCapacity {
  const type = instanceTypeOf(instance);
  const tasks = instance.runningTasks + instance.pendingTasks;
  if (isTrunked(instance)) {
    const limit = type ? trunkedTaskLimit(type) : undefined;
    if (limit === undefined) {
      return {
        trunked: true,
        inUse: tasks,
        estimated: true,
        note: `trunked instance type ${type ?? 'unknown'} is not in the ENI trunking table: branch interface limit unknown`,
      };
    }
    return {
      trunked: true,
      limit,
      inUse: tasks,
      free: Math.max(0, limit - tasks),
      estimated: true,
      note: 'trunked: every task on the instance is counted as an awsvpc task (an upper bound)',
    };
  }
  const max = instance.maximumNetworkInterfaces;
  if (max === undefined) {
    return {
      trunked: false,
      estimated: false,
      note: `network interface limit of instance type ${type ?? 'unknown'} unknown`,
    };
  }
  // The primary interface counts against the limit and serves no task.
  const limit = Math.max(0, max - 1);
  const attached = instance.attachedNetworkInterfaces;
  if (attached === undefined) {
    return {
      trunked: false,
      limit,
      inUse: tasks,
      free: Math.max(0, limit - tasks),
      estimated: true,
      note: `attached network interfaces of ${instance.ec2InstanceId ?? 'the instance'} unknown: every task is counted as an awsvpc task (an upper bound)`,
    };
  }
  return {
    trunked: false,
    limit,
    inUse: Math.max(0, attached - 1),
    free: Math.max(0, max - attached),
    estimated: false,
  };
}
