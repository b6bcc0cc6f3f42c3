import type { ServiceFacts } from '../adapters/ecs-service-reader';
import {
  buildServiceActionAlert,
  isInformational,
  type ServiceActionFacts,
} from '../domain/alerts/build-service-action-alert';
import type { ServiceAction } from '../domain/events/service-action-event';
import { lastSegment, type TaskStateChange } from '../domain/events/task-event';
import { placementCauseOf } from '../domain/rollouts/placement-cause';
import {
  diagnosePlacement,
  type InstanceFacts,
  type PlacementFacts,
  runsOnFargate,
  type SubnetFacts,
  tasksToPlace,
} from '../domain/rollouts/placement-diagnosis';
import type { TaskDefinitionFacts } from '../domain/stops/task-definition';
import { summariseTaskStops } from './process-deployment';
import { enrichmentDeadline, type Processed, type RolloutDeps } from './rollout-deps';
import { withinBudget } from './shared/budget';

/** Looking ECS up while ECS throttles the scheduler would add to the problem. */
const NO_LOOKUPS = new Set(['ECS_OPERATION_THROTTLED']);

/** INFO actions publish nothing; the others are alerted with what could be looked up. */
export async function processServiceAction(action: ServiceAction, deps: RolloutDeps): Promise<Processed> {
  const build = (facts?: ServiceActionFacts) => buildServiceActionAlert(action, facts, deps.config.severityOverrides);
  if (isInformational(action)) return { alert: build(), publish: false };
  const service = action.service?.service;
  if (!service || NO_LOOKUPS.has(action.eventName)) return { alert: build(), publish: true };

  const remaining = enrichmentDeadline(deps);
  const impaired = action.eventName === 'SERVICE_TASK_START_IMPAIRED';
  const first = await withinBudget<{ service: ServiceFacts; 'stopped tasks': TaskStateChange[] }>(
    {
      service: (signal) => deps.services.service(action.cluster, service, signal),
      'stopped tasks': impaired
        ? (signal) =>
            deps.services.stoppedTasksOfService(action.cluster, service, action.account, action.region, signal)
        : undefined,
    },
    remaining(),
  );
  const found = first.results.service;
  const tasks = first.results['stopped tasks'];
  const facts: ServiceActionFacts = {
    team: found?.tags[deps.config.teamTagKey] || undefined,
    serviceEvents: found?.events ?? [],
    taskDefinition: found?.taskDefinitionArn ? lastSegment(found.taskDefinitionArn) : undefined,
    runningCount: found?.runningCount,
    desiredCount: found?.desiredCount,
    stops: tasks ? summariseTaskStops(tasks, undefined, 'recently stopped tasks') : undefined,
    errors: first.errors,
  };
  if (action.eventName === 'SERVICE_TASK_PLACEMENT_FAILURE' && found) {
    const { placement, errors } = await diagnose(action, found, deps, remaining);
    facts.placement = placement;
    facts.errors = [...facts.errors, ...errors];
  }
  return { alert: build(facts), publish: true };
}

/** Gathers the placement facts (task definition, subnets, container instances, ENI limits) and diagnoses. */
async function diagnose(action: ServiceAction, service: ServiceFacts, deps: RolloutDeps, remaining: () => number) {
  const taskDefinitionArn = service.taskDefinitionArn;
  const onEc2 = !runsOnFargate(service.launchType, service.capacityProviders);
  const second = await withinBudget<{
    'task definition': TaskDefinitionFacts;
    subnets: SubnetFacts[];
    'container instances': InstanceFacts[];
  }>(
    {
      'task definition': taskDefinitionArn ? (signal) => deps.ecs.taskDefinition(taskDefinitionArn, signal) : undefined,
      subnets: service.subnets.length > 0 ? (signal) => deps.ec2.subnets(service.subnets, signal) : undefined,
      'container instances': onEc2 ? (signal) => deps.services.containerInstances(action.cluster, signal) : undefined,
    },
    remaining(),
  );
  const settings = second.results['task definition'];
  let instances = second.results['container instances'];
  const errors = [...second.errors];
  const types = (instances ?? []).map((i) => i.instanceType).filter((t): t is string => !!t);
  if (instances && settings?.networkMode === 'awsvpc' && types.length > 0) {
    const third = await withinBudget<{ 'instance types': Record<string, number> }>(
      { 'instance types': (signal) => deps.ec2.maxNetworkInterfaces(types, signal) },
      remaining(),
    );
    const limits = third.results['instance types'];
    if (limits)
      instances = instances.map((i) => ({ ...i, maxEnis: i.instanceType ? limits[i.instanceType] : undefined }));
    errors.push(...third.errors);
  }
  const facts: PlacementFacts = {
    tasksToPlace: tasksToPlace(service, service.deployments),
    networkMode: settings?.networkMode,
    launchType: service.launchType,
    capacityProviders: service.capacityProviders.length
      ? service.capacityProviders
      : action.capacityProviderArns.map(lastSegment),
    ...taskSize(settings),
    hostPorts: hostPorts(settings),
    subnets: second.results.subnets,
    containerInstances: instances,
    placementConstraints: service.placementConstraints,
  };
  return { placement: diagnosePlacement(facts, placementCauseOf(action.reason, action.capacityProviderArns)), errors };
}

/** Task-level size, or (EC2 without one) the sum of the containers' CPU and memory. */
function taskSize(settings: TaskDefinitionFacts | undefined): { taskCpu?: number; taskMemoryMiB?: number } {
  if (!settings) return {};
  const sum = (pick: (c: TaskDefinitionFacts['containers'][number]) => number | undefined) => {
    const values = settings.containers.map(pick).filter((v): v is number => v !== undefined);
    return values.length > 0 ? values.reduce((a, b) => a + b, 0) : undefined;
  };
  return {
    taskCpu: settings.cpu ?? sum((c) => c.cpu),
    taskMemoryMiB: settings.memoryMiB ?? sum((c) => c.memoryHardMiB ?? c.memorySoftMiB),
  };
}

/** Static host ports: `host` mode binds the container port; `bridge` binds an explicit non-zero host port. */
function hostPorts(settings: TaskDefinitionFacts | undefined): number[] {
  if (!settings || settings.networkMode === 'awsvpc') return [];
  const ports: number[] = [];
  for (const mapping of settings.containers.flatMap((c) => c.portMappings)) {
    const explicit = /^(\d+)->/.exec(mapping)?.[1];
    const container = /^(\d+)\//.exec(mapping)?.[1];
    const port = Number(explicit ?? (settings.networkMode === 'host' ? container : undefined));
    if (port > 0) ports.push(port);
  }
  return ports;
}
