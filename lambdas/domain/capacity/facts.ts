/**
 * The one model of what ECS and EC2 say about subnets, container instances and services (pure types).
 * The adapters read them (lambdas/adapters/ec2-reader.ts, ecs-service-reader.ts); the capacity scan
 * (capacity-assessment.ts) and the placement diagnosis (rollouts/placement-diagnosis.ts) both reason
 * on them, so the two can never disagree about what an instance or a subnet has left.
 */
import type { ServiceEventFact } from '../rollouts/classify-rollout';

export interface SubnetFacts {
  subnetId: string;
  cidr: string;
  availabilityZone: string;
  /** EC2's `AvailableIpAddressCount`: addresses not yet taken by any network interface. */
  availableAddresses: number;
  vpcId?: string;
  name?: string;
}

export interface ContainerInstanceFacts {
  /** The cluster's name. */
  cluster: string;
  containerInstanceArn: string;
  ec2InstanceId?: string;
  instanceType?: string;
  status?: string;
  agentConnected?: boolean;
  registeredCpu?: number;
  registeredMemoryMiB?: number;
  remainingCpu?: number;
  remainingMemoryMiB?: number;
  /** TCP host ports already taken on the instance (remaining resources PORTS). */
  usedHostPorts: number[];
  runningTasks: number;
  pendingTasks: number;
  /** Container instance attributes by name (`ecs.awsvpc-trunk-id`, `ecs.instance-type`, ...). */
  attributes: Record<string, string | undefined>;
  /** `NetworkInfo.MaximumNetworkInterfaces` of the instance type (DescribeInstanceTypes). */
  maximumNetworkInterfaces?: number;
  /** Network interfaces attached to the EC2 instance, the primary one included (DescribeInstances). */
  attachedNetworkInterfaces?: number;
}

/** One deployment of a service, as DescribeServices lists it (PRIMARY, ACTIVE). */
export interface DeploymentFacts {
  id: string;
  status?: string;
  taskDefinitionArn?: string;
  rolloutState?: string;
  rolloutStateReason?: string;
  createdAt?: string;
  updatedAt?: string;
  failedTasks?: number;
  desiredCount?: number;
  runningCount?: number;
  pendingCount?: number;
}

export interface ServiceFacts {
  /** The cluster's name. */
  cluster: string;
  service: string;
  serviceArn: string;
  status?: string;
  /** REPLICA or DAEMON. */
  schedulingStrategy?: string;
  taskDefinitionArn?: string;
  desiredCount: number;
  runningCount: number;
  pendingCount: number;
  /** From `deploymentConfiguration`, as ECS returns it (undefined = the scheduler's default). */
  maximumPercent?: number;
  launchType?: string;
  /** Capacity providers of the service's strategy (names). */
  capacityProviders: string[];
  /** The awsvpc subnets; empty unless the service uses the awsvpc network mode. */
  subnetIds: string[];
  placementConstraints: { type: string; expression?: string }[];
  circuitBreaker?: { enable: boolean; rollback: boolean };
  deployments: DeploymentFacts[];
  /** Newest first, as ECS returns them. */
  events: ServiceEventFact[];
  tags: Record<string, string>;
  /** ARN of the service deployment in progress or last run (DescribeServiceDeployments reads its lifecycle hooks). */
  currentServiceDeployment?: string;
  /** Lifecycle hooks configured in `deploymentConfiguration` (blue/green, linear and canary deployments). */
  lifecycleHooks?: number;
}

/** A lifecycle hook of a service deployment, as DescribeServiceDeployments reports it. */
export interface LifecycleHookFacts {
  hookId?: string;
  targetArn?: string;
  /** IN_PROGRESS, AWAITING_ACTION, SUCCEEDED, FAILED or TIMED_OUT. */
  status?: string;
  expiresAt?: string;
  timeoutAction?: string;
}

/** A service deployment (DescribeServiceDeployments): only these report the lifecycle stage and its hooks. */
export interface ServiceDeploymentFacts {
  serviceDeploymentArn: string;
  serviceArn: string;
  status?: string;
  lifecycleStage?: string;
  createdAt?: string;
  hooks: LifecycleHookFacts[];
}

/** A service's tag value, or undefined when it is absent or empty. */
export function tagOf(service: Pick<ServiceFacts, 'tags'>, key: string): string | undefined {
  return service.tags[key] || undefined;
}
