/**
 * What a task asks of a host, from its task definition (pure): the size the scheduler reserves and the
 * static host ports it binds. The placement diagnosis checks them against the container instances.
 */
import type { TaskDefinitionFacts } from '../stops/task-definition';

export interface PlacementRequirements {
  /** CPU units and MiB the scheduler reserves for one task. */
  taskCpu?: number;
  taskMemoryMiB?: number;
  /** Static host ports one task binds on its instance (bridge and host network modes). */
  hostPorts: number[];
}

export function placementRequirements(taskDefinition: TaskDefinitionFacts | undefined): PlacementRequirements {
  if (!taskDefinition) return { hostPorts: [] };
  return { ...taskSize(taskDefinition), hostPorts: staticHostPorts(taskDefinition) };
}

/** The task-level size, or (EC2 without one) the sum of the containers' CPU and memory (hard limit, else soft). */
export function taskSize(taskDefinition: TaskDefinitionFacts): { taskCpu?: number; taskMemoryMiB?: number } {
  const sum = (pick: (c: TaskDefinitionFacts['containers'][number]) => number | undefined) => {
    const values = taskDefinition.containers.map(pick).filter((v): v is number => v !== undefined);
    return values.length > 0 ? values.reduce((a, b) => a + b, 0) : undefined;
  };
  return {
    taskCpu: taskDefinition.cpu ?? sum((c) => c.cpu),
    taskMemoryMiB: taskDefinition.memoryMiB ?? sum((c) => c.memoryHardMiB ?? c.memorySoftMiB),
  };
}

/**
 * Static host ports: `host` mode binds each container port on the instance; `bridge` binds an explicit
 * non-zero host port (port mappings read `HOST->CONTAINER/PROTOCOL`, or `CONTAINER/PROTOCOL`); `awsvpc`
 * gives each task its own interface and binds none.
 */
export function staticHostPorts(taskDefinition: TaskDefinitionFacts): number[] {
  if (taskDefinition.networkMode === 'awsvpc') return [];
  const ports: number[] = [];
  for (const mapping of taskDefinition.containers.flatMap((c) => c.portMappings)) {
    const explicit = /^(\d+)->/.exec(mapping)?.[1];
    const container = /^(\d+)\//.exec(mapping)?.[1];
    const port = Number(explicit ?? (taskDefinition.networkMode === 'host' ? container : undefined));
    if (port > 0) ports.push(port);
  }
  return ports;
}
