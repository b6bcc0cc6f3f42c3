import { describe, expect, it } from 'vitest';
import { parseEnvelope } from '../../lambdas/domain/events/ecs-event';
import { parseTaskStateChange } from '../../lambdas/domain/events/task-event';
import { classifyStop } from '../../lambdas/domain/stops/classify-stop';
import { taskEvent } from '../support/events';

function classify(detail: Record<string, unknown>, essential?: string[]) {
  const task = parseTaskStateChange(parseEnvelope(taskEvent(detail)));
  const result = classifyStop(task, essential ? { essentialContainers: new Set(essential) } : {});
  return { category: result.category, culprit: result.culprit?.name ?? null, actionable: result.actionable };
}

const scheduler = (stoppedReason: string, containers: unknown[] = [{ name: 'api', exitCode: 143 }]) => ({
  stopCode: 'ServiceSchedulerInitiated',
  stoppedReason,
  containers,
});

describe('classifyStop: the traps of its trust order (README, "What it does")', () => {
  it.each([
    [
      'scale-in',
      scheduler('Scaling activity initiated by (deployment ecs-svc/1234567890123456789)'),
      'SCALE_IN_OR_DEPLOYMENT',
    ],
    [
      'ELB health check',
      scheduler(
        'Task failed ELB health checks in (target-group arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/api/abc)',
      ),
      'HEALTH_CHECK_ELB',
    ],
    ['ELB health check, old wording', scheduler('Task failed ELB health checks in (elb api-elb)'), 'HEALTH_CHECK_ELB'],
    [
      'maintenance',
      scheduler(
        'Task is being stopped for infrastructure maintenance: ECS is performing maintenance on the underlying infrastructure hosting the task',
      ),
      'PLATFORM_MAINTENANCE',
    ],
  ])('ServiceSchedulerInitiated covers %s: only the reason text separates them', (_name, detail, expected) => {
    expect(classify(detail).category).toBe(expected);
  });

  it('reads OutOfMemoryError (never OOMKilled) from the container reason, in any case', () => {
    for (const reason of [
      'OutOfMemoryError: Container killed due to memory usage',
      'outofmemoryerror: container killed due to memory usage',
      'OutOfMemoryError: Conta',
    ]) {
      expect(classify({ containers: [{ name: 'api', exitCode: 137, reason }] })).toEqual({
        category: 'OOM_KILLED',
        culprit: 'api',
        actionable: true,
      });
    }
  });

  it('does not call exit 137 without an OOM reason an OOM', () => {
    expect(classify({ containers: [{ name: 'api', exitCode: 137 }] }).category).toBe('APP_CRASH');
  });

  it('classifies a missing exit code from the task reason', () => {
    expect(classify({ containers: [{ name: 'api' }] })).toEqual({
      category: 'APP_CRASH',
      culprit: 'api',
      actionable: true,
    });
  });

  it('names the sidecar that died first, not the app that was stopped after it', () => {
    const result = classify({
      containers: [
        { name: 'api', exitCode: 143 },
        { name: 'log_router', exitCode: 1, image: 'public.ecr.aws/aws-observability/aws-for-fluent-bit:stable' },
      ],
    });
    expect(result).toEqual({ category: 'DEPENDENCY_EXITED', culprit: 'log_router', actionable: true });
  });

  it('names the app when it crashed and the sidecar was stopped after it', () => {
    const result = classify({
      containers: [
        { name: 'envoy', exitCode: 143 },
        { name: 'app', exitCode: 2 },
      ],
    });
    expect(result).toEqual({ category: 'APP_CRASH', culprit: 'app', actionable: true });
  });

  it('ignores a non-essential container when the task definition says so', () => {
    const result = classify(
      {
        containers: [
          { name: 'migrate', exitCode: 1 },
          { name: 'api', exitCode: 139 },
        ],
      },
      ['api'],
    );
    expect(result.culprit).toBe('api');
  });

  it('treats exit 0 as a crash in a service task and as completion in a standalone task', () => {
    expect(classify({ containers: [{ name: 'api', exitCode: 0 }] }).category).toBe('APP_CRASH');
    expect(
      classify({
        group: 'family:nightly-report',
        startedBy: 'events-rule/nightly',
        containers: [{ name: 'report', exitCode: 0 }],
      }),
    ).toEqual({
      category: 'COMPLETED',
      culprit: null,
      actionable: false,
    });
  });

  it('classifies an early stop (desired STOPPED, last RUNNING) like a stop', () => {
    const result = classify({
      lastStatus: 'RUNNING',
      desiredStatus: 'STOPPED',
      stopCode: 'SpotInterruption',
      stoppedReason: 'Your Spot Task was interrupted.',
    });
    expect(result.category).toBe('SPOT_INTERRUPTION');
  });

  it('reads the Spot warning stop code and the newer infrastructure-health stop code', () => {
    expect(
      classify({
        lastStatus: 'RUNNING',
        desiredStatus: 'STOPPED',
        stopCode: 'TerminationNotice',
        stoppedReason: undefined,
      }).category,
    ).toBe('SPOT_INTERRUPTION');
    expect(
      classify({ stopCode: 'InfrastructureHealth', stoppedReason: '', containers: [{ name: 'api', exitCode: 143 }] })
        .category,
    ).toBe('HOST_FAILURE');
  });

  it('reports nothing for a task that has not stopped', () => {
    expect(
      classify({ lastStatus: 'RUNNING', desiredStatus: 'RUNNING', stopCode: undefined, stoppedReason: undefined })
        .category,
    ).toBe('NOT_STOPPED');
  });

  it('keeps the user-initiated stop routine', () => {
    expect(
      classify({
        stopCode: 'UserInitiated',
        stoppedReason: 'Task stopped by user',
        containers: [{ name: 'api', exitCode: 143 }],
      }).category,
    ).toBe('USER_STOPPED');
  });

  it('falls back to UNKNOWN, actionable, when nothing is recognisable', () => {
    expect(
      classify({
        stopCode: 'TaskFailedToStart',
        stoppedReason: 'Something new happened',
        containers: [{ name: 'api' }],
      }),
    ).toEqual({
      category: 'UNKNOWN',
      culprit: null,
      actionable: true,
    });
  });

  it.each([
    [
      'ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: service call has been retried 1 time(s): AccessDeniedException',
      'SECRETS_PULL',
    ],
    [
      'ResourceInitializationError: unable to pull secrets or registry auth: pull command failed: : signal: killed',
      'IMAGE_PULL',
    ],
    [
      'ResourceInitializationError: unable to pull secrets or registry auth: The task cannot pull registry auth from Amazon ECR: There is a connection issue',
      'IMAGE_PULL',
    ],
    ['ResourceInitializationError: unable to pull secrets or registry auth', 'SECRETS_PULL'],
    [
      'ResourceInitializationError: failed to validate logger args: create stream has been retried 1 time(s): failed to create Cloudwatch log stream: ResourceNotFoundException: The specified log group does not exist.',
      'RESOURCE_INIT',
    ],
    [
      'CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref docker.io/library/nginx:nope: not found',
      'IMAGE_PULL',
    ],
    [
      'CannotStartContainerError: Error response from daemon: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "/app/start.sh": permission denied: unknown',
      'CONTAINER_START',
    ],
    ['Timeout waiting for network interface provisioning to complete.', 'TIMEOUT'],
  ])('stoppedReason %s → %s', (stoppedReason, expected) => {
    expect(classify({ stopCode: 'TaskFailedToStart', stoppedReason, containers: [{ name: 'api' }] }).category).toBe(
      expected,
    );
  });

  it.each([
    [
      'Service volume-api: ECS is performing maintenance on the underlying infrastructure hosting the task',
      'PLATFORM_MAINTENANCE',
    ],
    [
      'Service efs-sync: ECS is performing maintenance on the underlying infrastructure hosting the task',
      'PLATFORM_MAINTENANCE',
    ],
    [
      'Task failed ELB health checks in (target-group arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/trade-volume-tg/abc)',
      'HEALTH_CHECK_ELB',
    ],
    [
      'Task failed ELB health checks in (target-group arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/efs-gateway-tg/abc)',
      'HEALTH_CHECK_ELB',
    ],
  ])('does not let a name inside the reason decide: %s', (stoppedReason, expected) => {
    expect(classify(scheduler(stoppedReason)).category).toBe(expected);
  });

  it('still reads real volume and EFS failures', () => {
    const efs =
      'ResourceInitializationError: failed to invoke EFS utils commands to set up EFS volumes: stderr: mount.nfs4: Connection timed out';
    expect(
      classify({ stopCode: 'TaskFailedToStart', stoppedReason: efs, containers: [{ name: 'api' }] }).category,
    ).toBe('RESOURCE_INIT');
    const volume = 'CannotCreateContainerError: failed to mount volume data: no such file';
    expect(
      classify({ stopCode: 'TaskFailedToStart', stoppedReason: volume, containers: [{ name: 'api' }] }).category,
    ).toBe('CONTAINER_START');
  });

  it('recognises sidecars by whole words, not by substrings of app names or image paths', () => {
    const crash = (containers: unknown[]) => classify({ containers }).category;
    expect(
      crash([
        { name: 'proxy-api', exitCode: 1 },
        { name: 'worker', exitCode: 143 },
      ]),
    ).toBe('APP_CRASH');
    expect(
      crash([
        { name: 'api', exitCode: 1, image: '123.dkr.ecr.us-east-1.amazonaws.com/hotels/api:1' },
        { name: 'web', exitCode: 143 },
      ]),
    ).toBe('APP_CRASH');
    expect(
      crash([
        { name: 'app', exitCode: 143 },
        { name: 'mesh', exitCode: 134, image: 'public.ecr.aws/appmesh/aws-appmesh-envoy:v1.29' },
      ]),
    ).toBe('DEPENDENCY_EXITED');
    expect(
      crash([
        { name: 'app', exitCode: 143 },
        { name: 'collector', exitCode: 2, image: 'public.ecr.aws/aws-observability/aws-otel-collector:latest' },
      ]),
    ).toBe('DEPENDENCY_EXITED');
  });
});

describe('classifyStop: events nobody has seen', () => {
  it.each([
    ['InsufficientFreeAddressesInSubnet', 'NO_CAPACITY'],
    ['insufficientfreeaddressesinsubnet: The specified subnet does not have enough free addresses', 'NO_CAPACITY'],
    ['InvalidSubnetID.NotFound: The subnet ID subnet-123 does not exist', 'RESOURCE_INIT'],
    ['RequestLimitExceeded: Request limit exceeded.', 'TIMEOUT'],
    ['ThrottlingException: Rate exceeded', 'TIMEOUT'],
    ['RepositoryNotFoundException: The repository with name api does not exist', 'IMAGE_PULL'],
    ['ImageNotFoundException', 'IMAGE_PULL'],
    ['ParameterNotFound', 'SECRETS_PULL'],
    ['AccessDeniedException: User is not authorized', 'RESOURCE_INIT'],
    ['TaskFailedToStart: ServerException', 'UNKNOWN'],
    ['ResourceInitializationError: DecryptionFailure: Secrets Manager cannot decrypt', 'SECRETS_PULL'],
  ])('reads the AWS API error code %s as the whole reason → %s', (stoppedReason, expected) => {
    const result = classifyStop(
      parseTaskStateChange(
        parseEnvelope(taskEvent({ stopCode: 'TaskFailedToStart', stoppedReason, containers: [{ name: 'api' }] })),
      ),
    );
    expect(result.category).toBe(expected);
    expect(result.family).toBe('api-error-code');
  });

  it('names the code and its meaning in the alert', () => {
    const task = parseTaskStateChange(
      parseEnvelope(taskEvent({ stoppedReason: 'InsufficientFreeAddressesInSubnet', containers: [{ name: 'api' }] })),
    );
    expect(classifyStop(task).apiErrorCode).toBe('InsufficientFreeAddressesInSubnet');
  });

  it('does not read an API error code inside another family', () => {
    expect(
      classify({
        stopCode: 'TaskFailedToStart',
        stoppedReason:
          'ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: failed to create Cloudwatch log stream: ResourceNotFoundException: The specified log group does not exist.',
        containers: [{ name: 'api' }],
      }).category,
    ).toBe('RESOURCE_INIT');
  });

  it.each([
    ['TaskFailedToStart: AGENT'],
    ['AGENT'],
    ['taskfailedtostart: agent'],
    [
      '(service api) was unable to place a task. The closest matching container-instance abc encountered error "AGENT".',
    ],
  ])('reads a disconnected agent on the chosen instance as a host failure: %s', (stoppedReason) => {
    expect(classify({ stopCode: 'TaskFailedToStart', stoppedReason, containers: [{ name: 'api' }] }).category).toBe(
      'HOST_FAILURE',
    );
  });

  it.each([0, 137, 143, 1])('names the sidecar when it is the only container reporting an exit (%i)', (exitCode) => {
    expect(
      classify({
        containers: [
          { name: 'api' },
          { name: 'log_router', image: 'public.ecr.aws/aws-observability/aws-for-fluent-bit:stable', exitCode },
        ],
      }),
    ).toEqual({ category: 'DEPENDENCY_EXITED', culprit: 'log_router', actionable: true });
  });

  it('reads every container: a failure reason on the sidecar decides even when the app is listed first', () => {
    expect(
      classify({
        stopCode: 'TaskFailedToStart',
        stoppedReason: 'Task failed to start',
        containers: [
          { name: 'api' },
          {
            name: 'envoy',
            image: 'public.ecr.aws/appmesh/aws-appmesh-envoy:v1',
            reason: 'CannotPullECRContainerError: AccessDeniedException',
          },
        ],
      }),
    ).toEqual({ category: 'IMAGE_PULL', culprit: 'envoy', actionable: true });
  });

  it('says nothing it does not know: only stop signals and no reason is UNKNOWN', () => {
    expect(classify({ stopCode: undefined, stoppedReason: '', containers: [{ name: 'api', exitCode: 143 }] })).toEqual({
      category: 'UNKNOWN',
      culprit: null,
      actionable: true,
    });
  });
});

describe('classifyStop: families of the sealed corpus misses (docs/stop-rules.md)', () => {
  const start = (reason: string, containers?: unknown[]) =>
    classify({ stopCode: 'TaskFailedToStart', containers: containers ?? [{ name: 'api', reason }] });

  it.each([
    'CannotPullContainerError: unexpected EOF',
    'CannotPullImageManifestError: manifest unknown',
    'CannotPullImageManifestError: Error response from daemon: errors: denied: requested access to the resource is denied',
    'CannotPullECRContainerError: AccessDeniedException',
    'CannotPullContainerAuthError: unable to retrieve credentials',
    'Cannotpullcontainer: ... No basic auth credentials',
  ])('reads any CannotPull...Error name, whatever follows it, as an image pull: %s', (reason) => {
    expect(start(reason)).toEqual({ category: 'IMAGE_PULL', culprit: 'api', actionable: true });
  });

  it.each([
    [
      'CannotStartContainerError: ResourceInitializationError: failed to initialize logging driver: failed to get fluentd log driver arguments: logging driver specified of container api, but no log configuration specified',
      'RESOURCE_INIT',
    ],
    [
      'CannotStartContainerError: Error response from daemon: failed to initialize logging driver: dial tcp 10.0.0.5:24224: connect: connection refused',
      'RESOURCE_INIT',
    ],
    // Fargate wraps every container-runtime failure in ResourceInitializationError: the words after it decide.
    [
      'CannotStartContainerError: ResourceInitializationError: failed to create new container runtime task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "/app/server": exec format error',
      'CONTAINER_START',
    ],
    [
      'CannotStartContainerError: ResourceInitializationError: unable to create new container: mount callback failed on /tmp/containerd-mount1: open /tmp/containerd-mount1/etc/passwd: no such file or directory',
      'CONTAINER_START',
    ],
  ])('reads the named stage inside nested wrappers: %s', (reason, expected) => {
    expect(start(reason).category).toBe(expected);
  });

  it.each([
    'container resource provisioning: failed to setup network namespace: cni setup: invoke eni plugin failed: getInterfaceDeviceName engine: unable to get device with hardware address',
    'container resource provisioning: cannot setup task network namespace due to error inspecting pause container',
    'failed to setup network namespace: cni setup: invoke bridge plugin failed: add network failed',
  ])('reads a task network (CNI) set-up failure as resource initialisation: %s', (stoppedReason) => {
    expect(classify({ stopCode: 'TaskFailedToStart', stoppedReason, containers: [{ name: 'api' }] }).category).toBe(
      'RESOURCE_INIT',
    );
  });

  it.each([
    'CannotInspectContainerError: Could not transition to inspecting; timed out after waiting 30s',
    'CannotInspectContainerError: Could not transition to inspecting',
    'CannotInspectContainerError: context deadline exceeded',
  ])('reads CannotInspectContainerError as a timeout of the container runtime: %s', (reason) => {
    expect(start(reason).category).toBe('TIMEOUT');
  });

  describe('a dependsOn condition that can never be met', () => {
    const target = (reason: string) => ({ name: 'app', image: 'repo/app', exitCode: 143, reason });
    const ordering =
      'CannotStartContainerError: dependency graph: failed to resolve container ordering dependency [migrate(repo/migrate) (STOPPED->RUNNING) - Exit: 1] for target [app(repo/app) (NONE->RUNNING)] as dependency did not exit successfully.';

    it('names the dependency the agent names, not the container that was stopped for it', () => {
      const containers = [target(ordering), { name: 'migrate', image: 'repo/migrate', exitCode: 1 }];
      expect(classify({ containers })).toEqual({ category: 'DEPENDENCY_EXITED', culprit: 'migrate', actionable: true });
    });

    it('reads the name in every wording of the agent (dependency graph, graph.go)', () => {
      for (const reason of [
        'dependency graph: failed to resolve container ordering dependency [init(busybox) (STOPPED->RUNNING)] for target [app(repo/app) (NONE->RUNNING)] because dependency will never start',
        'dependency graph: container ordering dependency [init(busybox) (RUNNING->RUNNING)] for target [app(repo/app) (NONE->RUNNING)] has timed out.',
        'dependency graph: failed to resolve the container ordering dependency [&{init SUCCESS}] for target [app(repo/app) (NONE->RUNNING)]',
      ]) {
        const containers = [target(reason), { name: 'init', image: 'busybox' }];
        expect(classify({ containers }), reason).toEqual({
          category: 'DEPENDENCY_EXITED',
          culprit: 'init',
          actionable: true,
        });
      }
    });

    it('falls back to the container that exited on its own, then to the one that reported it', () => {
      const named = ordering.replace('migrate(', 'gone(');
      expect(classify({ containers: [target(named), { name: 'seed', exitCode: 2 }] }).culprit).toBe('seed');
      expect(classify({ containers: [target(named), { name: 'seed', exitCode: 0 }] }).culprit).toBe('app');
    });
  });

  describe('a recognised sidecar that exited first, no app container reporting a failure', () => {
    it.each([
      ['log_router', undefined, 139],
      ['container-1', '906394416424.dkr.ecr.us-east-1.amazonaws.com/aws-for-fluent-bit:latest', 255],
      ['envoy', '840364872350.dkr.ecr.eu-west-1.amazonaws.com/aws-appmesh-envoy:v1.29.9.0-prod', -1],
      ['otel_sidecar', 'public.ecr.aws/aws-observability/aws-otel-collector:latest', 1],
      ['datadog-agent', 'public.ecr.aws/datadog/agent:latest', 1],
      // The Service Connect container ECS adds to the task (aws/amazon-ecs-agent#4397: "ecs-service-connect-nconQf").
      ['ecs-service-connect-nconQf', 'ecs-service-connect-agent:interface-v1', 1],
    ])('%s (%s) exit %i, alone or beside an app stopped by ECS, is DEPENDENCY_EXITED', (name, image, exitCode) => {
      const sidecar = { name, image, exitCode };
      for (const containers of [[sidecar], [{ name: 'api', exitCode: 143 }, sidecar], [{ name: 'api' }, sidecar]]) {
        expect(classify({ containers }), JSON.stringify(containers)).toEqual({
          category: 'DEPENDENCY_EXITED',
          culprit: name,
          actionable: true,
        });
      }
    });

    it('still names the app when it failed too: the app is read first', () => {
      const containers = [
        { name: 'api', exitCode: 1 },
        { name: 'log_router', image: 'amazon/aws-for-fluent-bit', exitCode: 139 },
      ];
      expect(classify({ containers })).toEqual({ category: 'APP_CRASH', culprit: 'api', actionable: true });
    });

    it('reads a sidecar listed alone with no exit code, when the task says an essential container exited', () => {
      expect(classify({ containers: [{ name: 'envoy', image: 'aws-appmesh-envoy:v1.11.2.0-prod' }] })).toEqual({
        category: 'DEPENDENCY_EXITED',
        culprit: 'envoy',
        actionable: true,
      });
    });
  });

  describe('an app that exited 0 beside sidecars killed by the stop (137/143)', () => {
    const containers = [
      { name: 'log_router', image: 'amazon/aws-for-fluent-bit:stable', exitCode: 137 },
      { name: 'job', image: 'hello-world', exitCode: 0 },
      { name: 'otel', image: 'public.ecr.aws/aws-observability/aws-otel-collector', exitCode: 143 },
    ];

    it('is COMPLETED for a standalone task, and for a task whose group is unknown', () => {
      const completed = { category: 'COMPLETED', culprit: null, actionable: false };
      expect(classify({ group: 'family:migrate', containers })).toEqual(completed);
      expect(classify({ group: undefined, stopCode: undefined, stoppedReason: undefined, containers })).toEqual(
        completed,
      );
    });

    it('never blames the exit-0 container of a service task when nothing says its exit stopped the task', () => {
      const result = classify({ stopCode: undefined, stoppedReason: undefined, containers });
      expect(result.category).not.toBe('APP_CRASH');
      expect(result.culprit).not.toBe('job');
      const byScheduler = classify({ stopCode: 'ServiceSchedulerInitiated', stoppedReason: 'odd', containers });
      expect(byScheduler.category).not.toBe('APP_CRASH');
    });

    it('is a crash of the app, never of a sidecar, when a service task says its essential container exited', () => {
      // Services run until stopped: an essential container exiting 0 on its own restarts the task (ecs-agent#1236).
      expect(classify({ containers })).toEqual({ category: 'APP_CRASH', culprit: 'job', actionable: true });
    });
  });
});
