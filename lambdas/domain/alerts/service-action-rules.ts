import type { Severity } from '../stops/taxonomy';

/**
 * Service action events as data (docs/stop-rules.md): one record per `ECS Service Action` event the watchdog words
 * itself. The event names and their types are those of the ECS service events list
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_service_events.html); an event not listed here
 * still alerts (WARN and ERROR), with its raw facts. The rule-coverage test wants an events/service-action fixture
 * for each record.
 */
export interface ServiceActionRule {
  /** The eventType ECS documents for it. */
  eventType: 'WARN' | 'ERROR';
  severity: Severity;
  /** Completes "Service NAME (cluster) ...". */
  what: string;
  steps: string[];
}

export const SERVICE_ACTION_EVENTS = [
  'SERVICE_TASK_START_IMPAIRED',
  'SERVICE_TASK_PLACEMENT_FAILURE',
  'SERVICE_TASK_CONFIGURATION_FAILURE',
  'SERVICE_DISCOVERY_INSTANCE_UNHEALTHY',
  'ECS_OPERATION_THROTTLED',
  'SERVICE_DISCOVERY_OPERATION_THROTTLED',
  'SERVICE_DAEMON_PLACEMENT_CONSTRAINT_VIOLATED',
] as const;
export type ServiceActionEvent = (typeof SERVICE_ACTION_EVENTS)[number];

export const SERVICE_ACTION_RULES: Readonly<Record<ServiceActionEvent, ServiceActionRule>> = {
  SERVICE_TASK_START_IMPAIRED: {
    eventType: 'WARN',
    severity: 'HIGH',
    what: 'is unable to consistently start tasks',
    steps: [
      'Read the stop reasons below: the service keeps launching tasks that die before they are healthy.',
      'If a deployment is in progress, the circuit breaker (when enabled) will fail it; otherwise roll back by hand.',
    ],
  },
  SERVICE_TASK_PLACEMENT_FAILURE: {
    eventType: 'ERROR',
    severity: 'HIGH',
    what: 'cannot place tasks',
    // The placement diagnosis supplies the steps (build-service-action-alert.ts).
    steps: [],
  },
  SERVICE_TASK_CONFIGURATION_FAILURE: {
    eventType: 'ERROR',
    severity: 'HIGH',
    what: 'cannot start tasks because of a configuration error',
    steps: [
      'Read the reason: common causes are tags on a service whose account has not opted in to the long ARN format (aws ecs put-account-setting-default --name serviceLongArnFormat --value enabled) and a task role ECS cannot assume (check its trust policy allows ecs-tasks.amazonaws.com).',
      'Fix the configuration, then force a new deployment.',
    ],
  },
  SERVICE_DISCOVERY_INSTANCE_UNHEALTHY: {
    eventType: 'WARN',
    severity: 'MEDIUM',
    what: 'has a task that service discovery (Cloud Map) reports unhealthy',
    steps: [
      'Check the Cloud Map service health (aws servicediscovery get-instances-health-status) and the container health check of the task.',
    ],
  },
  ECS_OPERATION_THROTTLED: {
    eventType: 'ERROR',
    severity: 'MEDIUM',
    what: 'was throttled by the Amazon ECS API limits: the scheduler is slowed down',
    steps: [
      'Look for automation calling ECS in a tight loop (CloudTrail: ThrottlingException on ecs.amazonaws.com).',
      'Request a higher ECS API rate limit in Service Quotas if the load is legitimate.',
    ],
  },
  SERVICE_DISCOVERY_OPERATION_THROTTLED: {
    eventType: 'ERROR',
    severity: 'MEDIUM',
    what: 'was throttled by the AWS Cloud Map API limits: service discovery registrations are delayed',
    steps: ['Check Cloud Map API usage and quotas (Service Quotas, AWS Cloud Map).'],
  },
  SERVICE_DAEMON_PLACEMENT_CONSTRAINT_VIOLATED: {
    eventType: 'ERROR',
    severity: 'MEDIUM',
    what: 'has a daemon task that no longer meets the placement constraints',
    steps: [
      'Compare the instance attributes with the service placement constraints (aws ecs list-attributes); ECS stops daemon tasks that violate them.',
    ],
  },
};

export function serviceActionRule(eventName: string): ServiceActionRule | undefined {
  return (SERVICE_ACTION_RULES as Record<string, ServiceActionRule | undefined>)[eventName];
}
