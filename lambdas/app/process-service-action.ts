import { readContainerInstances } from '../adapters/capacity-discovery';
import {
  buildServiceActionAlert,
  isInformational,
  type ServiceActionFacts,
} from '../domain/alerts/build-service-action-alert';
import type { ContainerInstanceFacts, ServiceFacts, SubnetFacts } from '../domain/capacity/facts';
import { tagOf } from '../domain/capacity/facts';
import type { ServiceAction } from '../domain/events/service-action-event';
import { lastSegment, type TaskStateChange } from '../domain/events/task-event';
import { placementCauseOf } from '../domain/rollouts/placement-cause';
import { diagnosePlacement, runsOnFargate, tasksToPlace } from '../domain/rollouts/placement-diagnosis';
import { placementRequirements } from '../domain/rollouts/placement-requirements';
import { summariseTaskStops } from '../domain/rollouts/task-stops';
import type { TaskDefinitionFacts } from '../domain/stops/task-definition';
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
    team: found && tagOf(found, deps.config.teamTagKey),
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

/**
 * Gathers the placement facts (task definition, subnets, container instances with their network
 * interfaces: the capacity scan's reader) and diagnoses.
 */
async function diagnose(action: ServiceAction, service: ServiceFacts, deps: RolloutDeps, remaining: () => number) {
  const taskDefinitionArn = service.taskDefinitionArn;
  const onEc2 = !runsOnFargate(service.launchType, service.capacityProviders);
  const { results, errors } = await withinBudget<{
    'task definition': TaskDefinitionFacts;
    subnets: SubnetFacts[];
    'container instances': ContainerInstanceFacts[];
  }>(
    {
      'task definition': taskDefinitionArn ? (signal) => deps.ecs.taskDefinition(taskDefinitionArn, signal) : undefined,
      subnets: service.subnetIds.length > 0 ? (signal) => deps.ec2.subnets(service.subnetIds, signal) : undefined,
      'container instances': onEc2 ? (signal) => readContainerInstances(deps, action.cluster, signal) : undefined,
    },
    remaining(),
  );
  const taskDefinition = results['task definition'];
  const placement = diagnosePlacement(
    {
      tasksToPlace: tasksToPlace(service, service.deployments),
      networkMode: taskDefinition?.networkMode,
      launchType: service.launchType,
      capacityProviders: service.capacityProviders.length
        ? service.capacityProviders
        : action.capacityProviderArns.map(lastSegment),
      ...placementRequirements(taskDefinition),
      subnets: results.subnets,
      containerInstances: results['container instances'],
      placementConstraints: service.placementConstraints,
    },
    placementCauseOf(action.reason, action.capacityProviderArns),
  );
  return { placement, errors };
}
