import { describe, expect, it } from 'vitest';
import { diagnoseElbHealthCheck, type ElbHealthCheckInput } from '../../../lambdas/domain/health/elb-health-diagnosis';
import { ELB_HEALTH_CHECK_STEPS } from '../../../lambdas/domain/health/health-check-diagnosis';
import type {
  SecurityGroupFacts,
  TargetGroupFacts,
  TargetHealthFacts,
} from '../../../lambdas/domain/health/load-balancing';
import type { TaskDefinitionFacts } from '../../../lambdas/domain/stops/task-definition';

const TG_ARN = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/orders-api-tg/1f2e3d4c5b6a7980';
const STARTED = '2025-03-10T09:12:00.000Z';
const at = (seconds: number) => new Date(Date.parse(STARTED) + seconds * 1000).toISOString();

const TARGET_GROUP: TargetGroupFacts = {
  arn: TG_ARN,
  name: 'orders-api-tg',
  protocol: 'HTTP',
  port: 8080,
  targetType: 'ip',
  healthCheck: {
    enabled: true,
    protocol: 'HTTP',
    port: 'traffic-port',
    path: '/health',
    matcher: '200',
    intervalSeconds: 10,
    timeoutSeconds: 5,
    healthyThreshold: 2,
    unhealthyThreshold: 3,
  },
  loadBalancerArns: ['arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/storefront-alb/1'],
};

const TASK_GROUP_ADMITS_ALB: SecurityGroupFacts = {
  groupId: 'sg-task',
  ingress: [{ protocol: 'tcp', fromPort: 8080, toPort: 8080, groupIds: ['sg-alb'], cidrs: [], prefixListIds: [] }],
  egress: [{ protocol: '-1', groupIds: [], cidrs: ['0.0.0.0/0'], prefixListIds: [] }],
};
const ALB_GROUP: SecurityGroupFacts = {
  groupId: 'sg-alb',
  ingress: [{ protocol: 'tcp', fromPort: 80, toPort: 80, groupIds: [], cidrs: ['10.0.0.0/16'], prefixListIds: [] }],
  egress: [{ protocol: '-1', groupIds: [], cidrs: ['0.0.0.0/0'], prefixListIds: [] }],
};

const TASK_DEFINITION: TaskDefinitionFacts = {
  arn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/orders-api:1',
  taskDefinition: 'orders-api:1',
  family: 'orders-api',
  revision: 1,
  requiresCompatibilities: ['FARGATE'],
  containers: [
    {
      name: 'app',
      essential: true,
      environmentKeys: [],
      secretNames: [],
      portMappings: ['8080/tcp'],
      healthCheck: { command: ['CMD-SHELL', 'curl -fsS http://localhost:8080/health || exit 1'] },
    },
  ],
};

/** A task that lived `lived` seconds, behind a correctly configured load balancer; parts overridable. */
function input(lived: number, overrides: Partial<ElbHealthCheckInput> = {}): ElbHealthCheckInput {
  return {
    task: {
      taskId: 'a3f1c2d4e5b60718293a4b5c6d7e8f90',
      cluster: 'production',
      service: 'orders-api',
      startedAt: STARTED,
      stoppingAt: at(lived),
      stoppedAt: at(lived + 15),
      privateIp: '10.0.0.41',
      availabilityZone: 'us-east-1c',
    },
    taskDefinition: TASK_DEFINITION,
    service: {
      serviceName: 'orders-api',
      healthCheckGracePeriodSeconds: 0,
      loadBalancers: [{ targetGroupArn: TG_ARN, containerName: 'app', containerPort: 8080 }],
      securityGroups: ['sg-task'],
      events: [],
    },
    targetGroup: TARGET_GROUP,
    targets: [],
    loadBalancers: [
      { arn: TARGET_GROUP.loadBalancerArns[0] as string, securityGroups: ['sg-alb'], subnetIds: ['subnet-a'] },
    ],
    securityGroups: [TASK_GROUP_ADMITS_ALB, ALB_GROUP],
    ...overrides,
  };
}

const unhealthyEvent = (reason: string, seconds: number) => ({
  createdAt: at(seconds),
  message: `(service orders-api) (task a3f1c2d4e5b60718293a4b5c6d7e8f90) (port 8080) is unhealthy in (target-group ${TG_ARN}) due to (reason ${reason}).`,
});
const withEvent = (reason: string, seconds: number) => ({
  service: {
    ...(input(0).service as NonNullable<ElbHealthCheckInput['service']>),
    events: [unhealthyEvent(reason, seconds)],
  },
});
const fact = (d: ReturnType<typeof diagnoseElbHealthCheck>, label: string) =>
  d.facts.find((f) => f.label === label)?.value;

describe('diagnoseElbHealthCheck: verdicts', () => {
  it('grace period: killed as soon as the check could fail, never having passed it', () => {
    const d = diagnoseElbHealthCheck(input(40, withEvent('Health checks failed', 38)));
    expect(d.verdict?.cause).toBe('grace-period');
    expect(d.verdict?.line).toBe(
      'killed 38 s after start; grace period 0 s; the check needs 30 s to fail: raise healthCheckGracePeriodSeconds to at least the boot time',
    );
    expect(d.verdict?.short).toBe('killed before it could boot');
    expect(d.nextSteps[0]).toContain(
      'aws ecs update-service --cluster production --service orders-api --health-check-grace-period-seconds SECONDS',
    );
    // The verdict's steps first, then the generic checks of the other causes; not the generic grace step.
    expect(d.nextSteps).not.toContain(ELB_HEALTH_CHECK_STEPS[1]?.text);
    expect(d.nextSteps.slice(-2)).toEqual([ELB_HEALTH_CHECK_STEPS[0]?.text, ELB_HEALTH_CHECK_STEPS[2]?.text]);
    expect(fact(d, 'Lifetime')).toBe(`marked unhealthy 38 s after start (${STARTED} → ${at(38)})`);
    expect(fact(d, 'Time to fail the check')).toBe('30 s (every 10 s × 3 failures)');
    expect(fact(d, 'Grace period')).toBe('0 s');
  });

  it('grace period from the stop times alone when ECS wrote no event (stoppingAt)', () => {
    const d = diagnoseElbHealthCheck(input(38));
    expect(d.verdict?.cause).toBe('grace-period');
    expect(fact(d, 'Lifetime')).toBe(`stopped 38 s after start (${STARTED} → ${at(38)})`);
  });

  it('wrong path: a 404 from the service event, with the path the container itself checks', () => {
    const d = diagnoseElbHealthCheck(
      input(81, {
        ...withEvent('Health checks failed with these codes: [404]', 81),
        targetGroup: { ...TARGET_GROUP, healthCheck: { ...TARGET_GROUP.healthCheck, path: '/healthz' } },
      }),
    );
    expect(d.verdict).toMatchObject({
      cause: 'check-config',
      short: '404 on /healthz',
      line: "the target returned 404 on /healthz: the path or the matcher is wrong (the container's own health check calls /health)",
    });
    expect(d.nextSteps[0]).toBe(
      `Point the health check at a path the app serves with 200: aws elbv2 modify-target-group --target-group-arn ${TG_ARN} --health-check-path /health`,
    );
    expect(d.nextSteps[1]).toContain('curl -i http://TASK_IP:8080/healthz');
    expect(fact(d, 'Health check of app')).toBe('calls /health on port 8080; the target group checks /healthz');
    expect(fact(d, 'Failure')).toBe('Health checks failed with these codes: [404], from the ECS service event');
  });

  it('reads other response codes for what they mean', () => {
    const verdictFor = (codes: string, matcher = '200') =>
      diagnoseElbHealthCheck(
        input(81, {
          ...withEvent(`Health checks failed with these codes: [${codes}]`, 81),
          targetGroup: { ...TARGET_GROUP, healthCheck: { ...TARGET_GROUP.healthCheck, matcher } },
        }),
      ).verdict;
    expect(verdictFor('503')).toMatchObject({
      cause: 'app-unhealthy',
      line: 'the app answered 503 on /health: it runs but reports itself unhealthy (a dependency it checks may be down)',
    });
    expect(verdictFor('403')?.line).toBe(
      'the target answered 403 on /health: the health check path requires authentication',
    );
    expect(verdictFor('301')?.line).toBe(
      'the target redirects /health (301): the load balancer does not follow redirects',
    );
    expect(verdictFor('301')?.steps[0]).toContain('--matcher HttpCode=200,301');
    expect(verdictFor('204', '200')?.line).toBe(
      'the target answered 204 on /health, which the success codes (200) do not include',
    );
  });

  it('security group: the task group admits another group on the port, not the load balancer', () => {
    const blocking: SecurityGroupFacts = {
      ...TASK_GROUP_ADMITS_ALB,
      ingress: [
        { protocol: 'tcp', fromPort: 8080, toPort: 8080, groupIds: ['sg-bastion'], cidrs: [], prefixListIds: [] },
      ],
    };
    const d = diagnoseElbHealthCheck(
      input(37, { ...withEvent('Request timed out', 37), securityGroups: [blocking, ALB_GROUP] }),
    );
    expect(d.verdict).toMatchObject({
      cause: 'security-group',
      short: 'security group blocks port 8080',
      line: "the task's security group sg-task has no rule admitting the load balancer's security group sg-alb on port 8080: the health checks never reach the task",
    });
    expect(d.nextSteps[0]).toBe(
      'Allow the load balancer into the task on port 8080: aws ec2 authorize-security-group-ingress --group-id sg-task --protocol tcp --port 8080 --source-group sg-alb',
    );
    expect(d.nextSteps).not.toContain(ELB_HEALTH_CHECK_STEPS[2]?.text);
    expect(fact(d, 'Security groups')).toContain('on tcp 8080: BLOCKED');
  });

  it('security group: a Network Load Balancer without security groups, by its subnets', () => {
    const cidrOnly: SecurityGroupFacts = {
      ...TASK_GROUP_ADMITS_ALB,
      ingress: [
        { protocol: 'tcp', fromPort: 8080, toPort: 8080, groupIds: [], cidrs: ['10.0.0.0/24'], prefixListIds: [] },
      ],
    };
    const d = diagnoseElbHealthCheck(
      input(37, {
        loadBalancers: [{ arn: 'nlb', type: 'network', securityGroups: [], subnetIds: ['subnet-a', 'subnet-b'] }],
        securityGroups: [cidrOnly],
        loadBalancerSubnets: [
          { subnetId: 'subnet-a', cidr: '10.0.0.0/24' },
          { subnetId: 'subnet-b', cidr: '10.0.1.0/24' },
        ],
      }),
    );
    expect(d.verdict?.line).toBe(
      "the task's security group sg-task admits none of the load balancer's subnets (10.0.1.0/24) on port 8080: the health checks never reach the task",
    );
    expect(d.nextSteps[0]).toContain('--cidr 10.0.1.0/24');
  });

  it('security group: the load balancer may not send to the task', () => {
    const lbNoEgress: SecurityGroupFacts = { ...ALB_GROUP, egress: [] };
    const d = diagnoseElbHealthCheck(input(37, { securityGroups: [TASK_GROUP_ADMITS_ALB, lbNoEgress] }));
    expect(d.verdict).toMatchObject({ cause: 'security-group', short: 'load balancer egress blocks port 8080' });
    expect(d.nextSteps[0]).toContain('aws ec2 authorize-security-group-egress --group-id sg-alb');
  });

  it('a health check port the container does not map', () => {
    const d = diagnoseElbHealthCheck(
      input(37, {
        ...withEvent('Request timed out', 37),
        targetGroup: { ...TARGET_GROUP, healthCheck: { ...TARGET_GROUP.healthCheck, port: '9000' } },
        securityGroups: [
          {
            ...TASK_GROUP_ADMITS_ALB,
            ingress: [
              { protocol: 'tcp', fromPort: 0, toPort: 65535, groupIds: ['sg-alb'], cidrs: [], prefixListIds: [] },
            ],
          },
          ALB_GROUP,
        ],
      }),
    );
    expect(d.verdict?.line).toBe(
      'the health check probes port 9000, but container app maps only 8080: the check cannot reach the app',
    );
  });

  it('an Availability Zone the load balancer does not use', () => {
    const d = diagnoseElbHealthCheck(
      input(37, withEvent('Target is in an Availability Zone that is not enabled for the load balancer', 37)),
    );
    expect(d.verdict?.line).toBe(
      'the task ran in us-east-1c, which the load balancer does not use: its target can never be healthy',
    );
  });

  it('became unhealthy while serving: a timeout, a refused connection, or no reason at all', () => {
    const hour = 3600;
    expect(diagnoseElbHealthCheck(input(hour, withEvent('Request timed out', hour))).verdict).toMatchObject({
      cause: 'app-unhealthy',
      short: 'unhealthy after 60 min',
      line: 'it passed its health checks for 60 min, then stopped answering within 5 s timeout: the app hung or is overloaded, not a slow start',
    });
    expect(diagnoseElbHealthCheck(input(hour, withEvent('Health checks failed', hour))).verdict?.line).toBe(
      "it passed its health checks for 60 min, then refused or dropped the check's connections: the app stopped listening, not a slow start",
    );
    expect(diagnoseElbHealthCheck(input(hour)).verdict?.line).toBe(
      'it ran 60 min before failing its health checks: it became unhealthy while serving, not at start',
    );
  });
});

describe('diagnoseElbHealthCheck: evidence', () => {
  const draining: TargetHealthFacts = {
    id: '10.0.0.41',
    port: 8080,
    state: 'draining',
    reason: 'Target.DeregistrationInProgress',
    description: 'Target deregistration is in progress',
  };

  it('trusts the task’s own unhealthy target first, then the service event, then the other targets', () => {
    const own: TargetHealthFacts = {
      id: '10.0.0.41',
      port: 8080,
      state: 'unhealthy',
      reason: 'Target.ResponseCodeMismatch',
      description: 'Health checks failed with these codes: [404]',
    };
    const sibling: TargetHealthFacts = {
      id: '10.0.0.52',
      port: 8080,
      state: 'unhealthy',
      reason: 'Target.Timeout',
      description: 'Request timed out',
    };
    const both = diagnoseElbHealthCheck(input(81, { ...withEvent('Request timed out', 81), targets: [own, sibling] }));
    expect(fact(both, 'Target')).toBe(
      '10.0.0.41:8080 unhealthy: Target.ResponseCodeMismatch - Health checks failed with these codes: [404]',
    );
    expect(fact(both, 'Failure')).toBe(
      'Target.ResponseCodeMismatch - Health checks failed with these codes: [404] (the health checks did not return an expected HTTP code), from the task’s target',
    );
    const siblingsOnly = diagnoseElbHealthCheck(
      input(81, { targets: [draining, sibling, { ...sibling, id: '10.0.0.53' }] }),
    );
    expect(fact(siblingsOnly, 'Target')).toBe(
      '10.0.0.41:8080 draining: Target.DeregistrationInProgress - Target deregistration is in progress',
    );
    expect(fact(siblingsOnly, 'Failure')).toBe(
      'Target.Timeout - Request timed out (the health check requests timed out), from 2 other unhealthy targets of orders-api-tg',
    );
    expect(fact(siblingsOnly, 'Other targets')).toBe('2 unhealthy (Target.Timeout: Request timed out)');
  });

  it('says the target is gone when the load balancer no longer has it', () => {
    const d = diagnoseElbHealthCheck(input(38, { targets: [{ id: '10.0.0.99', port: 8080, state: 'healthy' }] }));
    expect(fact(d, 'Target')).toBe("10.0.0.41:8080 no longer registered (ECS deregisters a task's target as it stops)");
    expect(fact(d, 'Other targets')).toBe('1 healthy');
  });

  it('ignores an unhealthy event of another task or another target group', () => {
    const other = {
      createdAt: at(20),
      message: `(service orders-api) (task ffff) (port 8080) is unhealthy in (target-group ${TG_ARN}) due to (reason Health checks failed with these codes: [404]).`,
    };
    const d = diagnoseElbHealthCheck(
      input(38, { service: { ...(input(0).service as NonNullable<ElbHealthCheckInput['service']>), events: [other] } }),
    );
    expect(fact(d, 'Service event')).toBeUndefined();
    expect(d.verdict?.cause).toBe('grace-period');
  });

  it('keeps the generic steps and says what is missing when the lookups failed', () => {
    const d = diagnoseElbHealthCheck({
      task: input(38).task,
      taskDefinition: undefined,
      service: undefined,
      targetGroup: undefined,
    });
    expect(d.verdict).toBeUndefined();
    expect(d.nextSteps).toEqual(ELB_HEALTH_CHECK_STEPS.map((s) => s.text));
  });

  it('says a Classic Load Balancer is not read, and keeps the generic steps', () => {
    const d = diagnoseElbHealthCheck(
      input(3600, {
        service: {
          ...(input(0).service as NonNullable<ElbHealthCheckInput['service']>),
          loadBalancers: [{ loadBalancerName: 'api-service-elb', containerName: 'app', containerPort: 8080 }],
        },
        targetGroup: undefined,
        targets: undefined,
      }),
    );
    expect(fact(d, 'Load balancer')).toBe(
      'Classic Load Balancer api-service-elb: its health check is not read (target groups only)',
    );
    expect(d.verdict).toBeUndefined();
    expect(d.nextSteps).toEqual(ELB_HEALTH_CHECK_STEPS.map((s) => s.text));
  });

  it('does not check the security groups it could not read, nor those of instance targets', () => {
    const unread = diagnoseElbHealthCheck(input(3600, { securityGroups: undefined, loadBalancers: undefined }));
    expect(fact(unread, 'Security groups')).toBe('not checked: the security groups were not read');
    // A blocking group fails a new task as fast as a slow boot: the timing verdict says it could not rule one out.
    const early = diagnoseElbHealthCheck(input(38, { securityGroups: undefined, loadBalancers: undefined }));
    expect(early.verdict?.cause).toBe('grace-period');
    expect(early.verdict?.line).toMatch(/to at least the boot time \(the security groups could not be checked\)$/);
    const instance = diagnoseElbHealthCheck(input(3600, { targetGroup: { ...TARGET_GROUP, targetType: 'instance' } }));
    expect(fact(instance, 'Security groups')).toBe(
      'not checked: instance targets are reached through the container instance’s security groups',
    );
    expect(fact(instance, 'Target')).toBeUndefined();
  });

  it('describes the check, the ports, and that a differing target group port is harmless', () => {
    const d = diagnoseElbHealthCheck(input(38, { targetGroup: { ...TARGET_GROUP, port: 80 } }));
    expect(fact(d, 'Target group')).toBe('orders-api-tg (HTTP 80, target type ip)');
    expect(fact(d, 'Health check')).toBe(
      'HTTP /health on traffic-port (8080), success codes 200, every 10 s, timeout 5 s, healthy after 2, unhealthy after 3',
    );
    expect(fact(d, 'Ports')).toBe(
      'target group port 80; ECS registers container app port 8080 (they differ, which is harmless: traffic goes to the registered port); the check probes 8080',
    );
  });
});
