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
