import { CONTAINER_HEALTH_CHECK_STEPS, ELB_HEALTH_CHECK_STEPS } from '../health/health-check-diagnosis';
import type { Severity, StopCategory } from './taxonomy';

/**
 * Stop rules as data: one record per stop category (docs/stop-rules.md). A record says whether a human should act,
 * how loud the alert is, which families of evidence decide the category and where ECS reports each, how the alert
 * words the cause, the narrower sub-causes and the next steps. The order in which evidence is read is
 * FAILURE_PRECEDENCE and TASK_REASON_PRECEDENCE below, and the steps of classifyStop (classify-stop.ts).
 */

/**
 * A family of reason texts: one stable error type or phrase, in every wording ECS has used for it. Tested on the
 * normalised text (lowercase, whitespace folded, straight quotes: normalizeReason). Patterns stay linear-time: no
 * nested quantifiers, no overlapping alternatives under a repetition.
 */
export interface TextFamily {
  /** Stable id: the coverage test, the alert's evidence ("Decided by") and docs/stop-rules.md name it. */
  id: string;
  pattern: RegExp;
}

/** Readings of the containers' exit codes (classify-stop.ts, diagnoseExit), with the task's group where it matters. */
export const EXIT_READINGS = {
  'exit.command-not-runnable': 'a container exited 126 or 127: its command is not executable or does not exist',
  'exit.failed-on-its-own': 'an app container exited non-zero, and not by the SIGTERM/SIGKILL of a stop',
  'exit.sidecar-failed':
    'a sidecar (log router, proxy, telemetry agent) exited non-zero on its own and no app container reports a failure',
  'exit.only-sidecar-exited': 'the only containers that report an exit code are sidecars; the app reports none',
  'exit.killed': 'an app container was SIGKILLed (137) without an out-of-memory reason',
  'exit.zero-in-service':
    'the essential container of a service task exited 0 on its own (the task says so): services run until stopped',
  'exit.zero-standalone':
    'the containers doing the work of a task that is not a service task (group family:... or none) exited 0',
  'exit.none-reported': 'the task says an essential container exited; an app container reports no exit code',
  'exit.sidecar-none-reported':
    'the task says an essential container exited; a sidecar reports no exit code and no app container reports a failure',
} as const;
export type ExitReading = keyof typeof EXIT_READINGS;

/** What decides a category, by where ECS reports it. */
export interface Evidence {
  /**
   * A failure the container or the platform names: read in each container's `reason` (containers in order of
   * suspicion), then in the task's `stoppedReason`. Their precedence is FAILURE_PRECEDENCE.
   */
  failure?: TextFamily[];
  /** What the scheduler or the platform says of the whole task: the task's `stoppedReason` only (TASK_REASON_PRECEDENCE). */
  taskReason?: TextFamily[];
  /** The task's `stopCode`, when no reason text decided. */
  stopCodes?: string[];
  /** Readings of the containers' exit codes and the task's group. */
  exits?: ExitReading[];
  /** AWS API error codes given as the whole reason (api-error-codes.ts) map to this category. */
  apiErrorCodes?: true;
}

/** A narrower cause read from the reason text, with the fixes that fit it. */
export interface SubCauseRule {
  pattern: RegExp;
  cause: string;
  steps: string[];
}

/** What the alert knows of the culprit when it words the cause. */
export interface CauseContext {
  /** `container api`, or `the task` when no container is at fault. */
  subject: string;
  culpritName?: string;
  exitCode?: number;
  exitMeaning?: string;
  memoryHardMiB?: number;
  /** `: <sub-cause>` when one is known, else empty. */
  detail: string;
  reason?: string;
}

export interface Cause {
  /** For the title. */
  short: string;
  /** For the summary sentence. */
  long: string;
}

export interface StopRule {
  /** Should a human act? Routine stops publish nothing on their own. */
  actionable: boolean;
  /** Default severity of a service task's stop; standalone tasks page one step lower (taxonomy.ts). */
  severity: Severity;
  evidence: Evidence;
  describe(c: CauseContext): Cause;
  /** Tried in order on the reason; the first that matches adds its steps before the general ones. */
  subCauses: SubCauseRule[];
  nextSteps: string[];
}

const exitOf = (c: CauseContext) => (c.exitCode !== undefined ? ` (exit ${c.exitCode})` : '');

/** No network path from the task to an AWS endpoint: the same wording families for registries and secrets. */
const NETWORK_TEXT = /timeout|timed out|i\/o|dial tcp|connection|deadline|network|request ?error|send request failed/;

/** Every category has its record: the compiler rejects a missing or an unknown one. */
export const STOP_RULES: Readonly<Record<StopCategory, StopRule>> = {
  OOM_KILLED: {
    actionable: true,
    severity: 'HIGH',
    evidence: {
      failure: [
        // "OutOfMemoryError: Container killed due to memory usage", in any casing ("OutofMemoryError").
        { id: 'oom.out-of-memory', pattern: /out ?of ?memory/ },
        // "container init was OOM-killed (memory limit too low?)" inside a CannotStartContainerError.
        { id: 'oom.oom-killed', pattern: /\boom[ -]?kill/ },
      ],
    },
    describe: (c) => ({
      short: `${c.subject} out of memory${c.memoryHardMiB !== undefined ? ` (limit ${c.memoryHardMiB} MiB)` : ''}`,
      long: `${c.subject} was killed for exceeding ${c.memoryHardMiB !== undefined ? `its ${c.memoryHardMiB} MiB memory limit` : 'its memory limit'}${exitOf(c)}`,
    }),
    subCauses: [],
    nextSteps: [
      "Compare the container's memory use with its hard limit (Container Insights MemoryUtilized, or the task metrics).",
      'Raise the container memory limit (and the task memory on Fargate), or fix the leak / lower the heap (e.g. JVM -XX:MaxRAMPercentage).',
      'If only one container should be capped, set memoryReservation (soft) and leave memory (hard) higher.',
    ],
  },
  APP_CRASH: {
    actionable: true,
    severity: 'HIGH',
    evidence: {
      exits: ['exit.failed-on-its-own', 'exit.killed', 'exit.zero-in-service', 'exit.none-reported'],
    },
    describe: (c) =>
      c.exitCode === 0
        ? {
            short: `${c.subject} exited 0`,
            long: `${c.subject} exited with code 0, but service tasks are expected to run until stopped`,
          }
        : {
            short: `${c.subject} crashed${exitOf(c)}`,
            long: `${c.subject} exited on its own${exitOf(c)}: ${c.exitMeaning ?? 'no exit code reported'}`,
          },
    subCauses: [],
    nextSteps: [
      "Read the culprit container's last log lines: the process exited on its own.",
      'Check what changed in this task definition revision (image, environment, secrets) against the previous one.',
      'Run the same image locally with the same environment to reproduce.',
    ],
  },
  HEALTH_CHECK_ELB: {
    actionable: true,
    severity: 'HIGH',
    evidence: {
      // "Task failed ELB health checks in (target-group arn:...)", old "(elb NAME)" wording too.
      taskReason: [{ id: 'elb.failed-health-checks', pattern: /elb health ?checks?/ }],
    },
    describe: () => ({
      short: 'failed load balancer health checks',
      long: 'the load balancer marked the task unhealthy and ECS replaced it',
    }),
    subCauses: [],
    // The health-check diagnosis picks among the same steps when it explains the failure (health/).
    nextSteps: ELB_HEALTH_CHECK_STEPS.map((s) => s.text),
  },
  HEALTH_CHECK_CONTAINER: {
    actionable: true,
    severity: 'HIGH',
    evidence: {
      // "Task failed container health checks"
      taskReason: [{ id: 'health.failed-container-health-checks', pattern: /container health ?checks?/ }],
    },
    describe: (c) => ({
      short: `${c.subject} failed its health check`,
      long: `${c.subject} failed its container health check and ECS replaced the task`,
    }),
    subCauses: [],
    nextSteps: CONTAINER_HEALTH_CHECK_STEPS.map((s) => s.text),
  },
  IMAGE_PULL: {
    actionable: true,
    severity: 'HIGH',
    evidence: {
      failure: [
        // "unable to retrieve ecr registry auth", "unable to get registry auth from asm" (private registry
        // credentials), "The task cannot pull registry auth from Amazon ECR".
        { id: 'image.registry-auth', pattern: /unable to (?:retrieve ecr|get) registry auth|pull registry auth/ },
        { id: 'image.pull-command-failed', pattern: /pull command failed/ },
        // containerd-era wording: "pull image manifest has been retried 5 time(s): failed to resolve ref ...".
        {
          id: 'image.manifest-or-ref',
          pattern: /pull image manifest|(?:ref pull|inspect image) has been retried|failed to resolve ref/,
        },
        { id: 'image.rate-limit', pattern: /toomanyrequests|too many requests|pull rate limit/ },
        // Docker-era wordings: "manifest for nginx:TAG not found", "Error: image NAME not found".
        { id: 'image.not-found', pattern: /manifest for \S+ not found|error: image \S+ not found/ },
        { id: 'image.layer-blob', pattern: /getimageblob/ },
        { id: 'image.daemon-get', pattern: /error response from daemon: get / },
        // 2023+ plain-English wording: "The task can\'t pull the image ..." (not "... pull secrets").
        { id: 'image.task-cannot-pull', pattern: /the task can(?:no|')?t pull (?!secrets)/ },
        // The error types the agent wraps pull failures in, whatever follows: CannotPullContainerError,
        // CannotPullImageManifestError (manifest resolution, 2024+ agents), CannotPullECRContainerError,
        // CannotPullContainerAuthError (agent dockerapi/errors.go), "Cannotpullcontainer:" and the words spelled out.
        { id: 'image.cannot-pull', pattern: /cannot ?pull ?(?:ecr ?)?container|cannotpull[a-z]{0,40}error/ },
      ],
      apiErrorCodes: true,
    },
    describe: (c) => ({
      short: `image pull failed${c.detail}`,
      long: `the container image could not be pulled${c.detail}`,
    }),
    subCauses: [
      {
        pattern: /not ?found|manifest unknown|does not exist|name unknown/,
        cause: 'image tag or repository not found',
        steps: [
          'Check that the image tag in the task definition exists in the repository (aws ecr describe-images --repository-name REPO --image-ids imageTag=TAG).',
          'If the tag was pushed by CI, check the pipeline finished before the deployment started.',
        ],
      },
      {
        pattern: /too ?many ?requests|toomanyrequests|rate limit|429/,
        cause: 'registry rate limit (Docker Hub pull limits)',
        steps: [
          'Mirror the image to Amazon ECR (or use ECR pull-through cache) instead of pulling from Docker Hub anonymously.',
          'Or add Docker Hub credentials with repositoryCredentials in the container definition.',
        ],
      },
      {
        pattern: /access ?denied|not authorized|unauthorized|forbidden|403|denied|permission/,
        cause: 'registry permissions',
        steps: [
          'Give the task execution role ecr:GetAuthorizationToken, ecr:BatchGetImage and ecr:GetDownloadUrlForLayer (the AmazonECSTaskExecutionRolePolicy managed policy covers them).',
          'For a repository in another account, allow the execution role in the repository policy.',
        ],
      },
      {
        pattern: /no matching manifest|platform|architecture/,
        cause: 'image built for another CPU architecture or platform',
        steps: [
          'Build a multi-architecture image or one for the runtimePlatform in the task definition (ARM64 vs X86_64).',
        ],
      },
      {
        pattern: new RegExp(`${NETWORK_TEXT.source}|signal: killed`),
        cause: 'no network path to the registry',
        steps: [
          'Tasks in private subnets need a NAT gateway or VPC endpoints for ECR (ecr.api, ecr.dkr) and an S3 gateway endpoint.',
          'Tasks in public subnets need assignPublicIp ENABLED.',
          'Check the security group allows outbound HTTPS (443) and the network ACLs allow the return traffic.',
        ],
      },
    ],
    nextSteps: [
      "Check the image name and tag, the execution role's registry permissions and the network path to the registry.",
    ],
  },
  SECRETS_PULL: {
    actionable: true,
    severity: 'HIGH',
    evidence: {
      failure: [
        // "unable to retrieve secret from asm", "unable to retrieve secrets from ssm", "failed to fetch secret".
        { id: 'secrets.retrieve-secret', pattern: /unable to (?:retrieve|fetch) secret/ },
        // "ResourceInitializationError: unable to pull secrets or registry auth" with the rest cut off: the
        // registry side has its own families above, so what is left is most likely the secrets.
        { id: 'secrets.secrets-or-registry-auth', pattern: /unable to pull secrets or registry auth/ },
      ],
      apiErrorCodes: true,
    },
    describe: (c) => ({
      short: `secrets could not be retrieved${c.detail}`,
      long: `the task's secrets could not be retrieved${c.detail}`,
    }),
    subCauses: [
      {
        pattern: /kms|decrypt/,
        cause: 'KMS key permissions for the secret',
        steps: ['Allow the task execution role kms:Decrypt on the key that encrypts the secret or parameter.'],
      },
      {
        pattern: /access ?denied|not authorized|unauthorized|permission/,
        cause: 'execution role permissions',
        steps: [
          'Give the task execution role secretsmanager:GetSecretValue (Secrets Manager) or ssm:GetParameters (SSM) on the referenced secret ARNs.',
        ],
      },
      {
        pattern:
          /not ?found|does not exist|invalid ?parameter|can't find|cannot find|parameternotfound|resourcenotfound|did not contain json key/,
        cause: 'secret or parameter not found',
        steps: [
          'Check every secret ARN or parameter name in the task definition exists in this region (a full ARN, or the parameter name for same-region SSM).',
          'For a JSON key or version suffix in a Secrets Manager ARN, check the key and version exist.',
        ],
      },
      {
        pattern: NETWORK_TEXT,
        cause: 'no network path to Secrets Manager or SSM',
        steps: [
          'Tasks in private subnets need a NAT gateway or VPC endpoints for secretsmanager and ssm.',
          'Check the security group allows outbound HTTPS (443).',
        ],
      },
    ],
    nextSteps: [
      "Check the secret ARNs, the execution role's permissions on them and the network path to Secrets Manager / SSM.",
    ],
  },
  RESOURCE_INIT: {
    actionable: true,
    severity: 'HIGH',
    evidence: {
      failure: [
        // awslogs: "failed to validate logger args: ...", "failed to initialize logging driver: ... log group does not exist".
        { id: 'init.logger-args', pattern: /failed to validate logger args/ },
        { id: 'init.log-group-missing', pattern: /log group does not exist/ },
        // "failed to invoke EFS utils commands to set up EFS volumes: stderr: mount.nfs4: ..."
        { id: 'init.efs-mount', pattern: /efs utils|mount\.nfs|\befs\b[^.]{0,200}mount/ },
        { id: 'init.env-files', pattern: /failed to (?:download|fetch) env/ },
        // Any log driver that cannot start (awsfirelens/fluentd options or socket, splunk, syslog endpoint).
        { id: 'init.logging-driver', pattern: /failed to initialize logging driver/ },
        // The task network (awsvpc) set up by the agent before any container starts: "container resource
        // provisioning: failed to setup network namespace: cni setup: invoke eni plugin failed: ...".
        {
          id: 'init.network-namespace',
          pattern: /container resource provisioning|network namespace|cni setup|invoke [a-z-]+ plugin failed/,
        },
      ],
      apiErrorCodes: true,
    },
    describe: (c) => ({
      short: `task initialization failed${c.detail}`,
      long: `a resource the task needs failed to initialize${c.detail}`,
    }),
    subCauses: [
      {
        pattern: /log group does not exist|logger|log stream|cloudwatch/,
        cause: 'awslogs log group missing or not writable',
        steps: [
          'Create the log group named in the awslogs options, or set awslogs-create-group "true" and give the execution role logs:CreateLogGroup.',
          'Check the execution role has logs:CreateLogStream and logs:PutLogEvents.',
        ],
      },
      {
        pattern: /logging driver|log driver/,
        cause: "the container's log driver could not start",
        steps: [
          'Check the logConfiguration options of the container named in the reason (awsfirelens, fluentd, splunk): a missing option or an endpoint that is not listening yet stops the container before it starts.',
          'With a log router in the task, make the app containers dependsOn it (condition START or HEALTHY).',
        ],
      },
      {
        pattern: /network namespace|cni|plugin failed|resource provisioning/,
        cause: "the task's network (awsvpc) could not be set up on the container instance",
        steps: [
          'Read the ECS agent and CNI plugin logs on the container instance (/var/log/ecs/ecs-agent.log, /var/log/ecs/ecs-cni-*.log) for the network set-up error.',
          'Check the instance has a free network interface for the task (ENI limit, or awsvpcTrunking); replace the instance if it repeats there only.',
        ],
      },
      {
        pattern: /efs|mount|nfs|filesystemnotfound|accesspointnotfound|mounttargetnotfound/,
        cause: 'EFS volume mount failed',
        steps: [
          'Check the file system has a mount target in every subnet (Availability Zone) the task runs in.',
          'Allow NFS (2049) from the task security group to the mount target security group.',
          'With IAM authorization or access points, check the task role and the file system policy.',
        ],
      },
      {
        pattern: /env ?file|environment ?file|s3/,
        cause: 'environment file could not be downloaded from S3',
        steps: [
          'Check the environmentFiles S3 object exists and the execution role has s3:GetObject and s3:GetBucketLocation on it.',
        ],
      },
      {
        pattern: /eni|network interface|subnet|security ?group|invalidgroup/,
        cause: 'network interface could not be created (subnet or security group)',
        steps: [
          'Check the subnets and security groups in the service or RunTask network configuration exist in this region and VPC.',
        ],
      },
      {
        pattern: /access ?denied|not authorized|unauthorized|permission/,
        cause: 'a role lacks a permission the task needs to start',
        steps: [
          'Check the task execution role (image, secrets, logs) and the ECS service-linked role (network interfaces) against the resources in the task definition; CloudTrail names the denied call.',
        ],
      },
    ],
    nextSteps: [
      'Read the full stoppedReason: it names the resource (log group, volume, env file, network interface) that failed.',
    ],
  },
  CONTAINER_START: {
    actionable: true,
    severity: 'HIGH',
    evidence: {
      failure: [
        { id: 'start.exec-format-error', pattern: /exec format error/ },
        { id: 'start.executable-not-found', pattern: /executable file not found/ },
        { id: 'start.exec-permission-denied', pattern: /exec: [^:]*: permission denied/ },
        // runc: "OCI runtime create failed: ... starting container process caused: ...".
        {
          id: 'start.oci-runtime',
          pattern: /oci runtime (?:create|exec|start) failed|starting container process caused/,
        },
        // The error types the agent wraps container create/start failures in.
        { id: 'start.cannot-start-container', pattern: /cannot ?start ?container/ },
        { id: 'start.cannot-create-container', pattern: /cannot ?create ?container/ },
        { id: 'start.error-during-start', pattern: /error during (?:start|create)container/ },
      ],
      exits: ['exit.command-not-runnable'],
    },
    describe: (c) => ({ short: `${c.subject} could not start`, long: `${c.subject} could not be created or started` }),
    subCauses: [
      {
        pattern: /rootfs/,
        cause: 'a volume could not be mounted into the container',
        steps: [
          'Check each mountPoints containerPath against the image: a directory mounted over a file (or the reverse), or a path under a read-only root filesystem, cannot be mounted.',
          'For a host volume, check the sourcePath exists on the container instance and is the expected type.',
        ],
      },
    ],
    nextSteps: [
      'Check the entrypoint and command exist in the image and are executable (exit 126/127).',
      'An "exec format error" means the image was built for another CPU architecture than the task\'s runtimePlatform.',
      "Run the image locally with the task definition's command to reproduce.",
    ],
  },
  DEPENDENCY_EXITED: {
    actionable: true,
    severity: 'HIGH',
    evidence: {
      // The agent stops a container whose dependsOn condition can never be met: "dependency graph: failed to resolve
      // container ordering dependency [NAME(image) ...] for target [...] as dependency did not exit successfully",
      // "... because dependency will never start", "container ordering dependency [...] ... has timed out."
      // (agent dependencygraph/graph.go). The culprit is the dependency it names (classify-stop.ts).
      failure: [{ id: 'dependency.container-ordering', pattern: /container ordering dependency/ }],
      exits: ['exit.sidecar-failed', 'exit.only-sidecar-exited', 'exit.sidecar-none-reported'],
    },
    describe: (c) => ({
      short: `${c.culpritName ?? '?'} exited first${exitOf(c)}`,
      long: `${c.culpritName ?? '?'}, a container the task depends on (a sidecar or a dependsOn container), exited first${exitOf(c)} and took the task down`,
    }),
    subCauses: [],
    nextSteps: [
      "Read the culprit sidecar's logs: it exited first and ECS stopped the task.",
      "Check the sidecar's configuration (e.g. FireLens output config, Envoy mesh config) and memory limit.",
      'If the sidecar is not required for the app to serve, mark it essential: false.',
      'For a dependsOn container (init, migration): its exit code and logs say why the condition (SUCCESS, COMPLETE, HEALTHY, START) was never met.',
    ],
  },
  TIMEOUT: {
    actionable: true,
    severity: 'MEDIUM',
    evidence: {
      failure: [
        // "Timeout waiting for network interface provisioning to complete.", "... EphemeralStorage provisioning ...".
        { id: 'timeout.waiting-for', pattern: /timeout wait(?:ing)? for/ },
        // "DockerTimeoutError: Could not transition to created; timed out after waiting 4m0s".
        { id: 'timeout.docker-timeout-error', pattern: /(?:container ?runtime|docker) ?timeout ?error/ },
        { id: 'timeout.timed-out-after-waiting', pattern: /timed out after waiting/ },
        // The agent could not describe a container through the runtime: "CannotInspectContainerError: Could not
        // transition to inspecting; timed out after waiting 30s", older "... Could not transition to inspecting".
        { id: 'timeout.cannot-inspect-container', pattern: /cannot ?inspect ?container/ },
      ],
      apiErrorCodes: true,
    },
    describe: (c) => ({
      short: `a platform step timed out or was throttled${c.detail}`,
      long: `a platform step (network interface, storage, container runtime or an AWS API call) timed out or was throttled${c.detail}`,
    }),
    subCauses: [],
    nextSteps: [
      'This is usually transient on the platform side: check whether replacements start.',
      "If it repeats, check the subnet's free IPs and ENI limits (network interface provisioning) or the container instance's health (container runtime).",
      'For throttling, look for automation calling the same AWS API in a tight loop (CloudTrail) and spread task launches out.',
    ],
  },
  NO_CAPACITY: {
    actionable: true,
    severity: 'HIGH',
    evidence: {
      taskReason: [
        // Fargate: "Capacity is unavailable at this time. Please try again later or in a different availability zone".
        { id: 'capacity.unavailable', pattern: /capacity is (?:currently )?unavailable/ },
        // DescribeTasks "TaskFailedToStart: RESOURCE:MEMORY" (and CPU, ENI, PORTS, GPU).
        { id: 'capacity.resource-type', pattern: /resource:(?:cpu|memory|eni|ports|gpu)/ },
        { id: 'capacity.placement-constraint', pattern: /placement constraint/ },
        { id: 'capacity.attribute', pattern: /taskfailedtostart: attribute/ },
        { id: 'capacity.no-active-instances', pattern: /no active instances/ },
        { id: 'capacity.empty-capacity-provider', pattern: /empty capacity provider/ },
      ],
      apiErrorCodes: true,
    },
    describe: (c) => ({
      short: `no capacity to run the task${c.detail}`,
      long: `no capacity was available to place or provision the task${c.detail}`,
    }),
    subCauses: [
      {
        pattern: /freeaddresses|free addresses|ip address/,
        cause: 'the subnet has no free IP addresses',
        steps: [
          'Free IP addresses in the subnet or add subnets to the service (awsvpc needs one address per task); the capacity scan reports free IPs per subnet.',
        ],
      },
    ],
    nextSteps: [
      'Fargate: try another Availability Zone/subnet or capacity provider; FARGATE_SPOT capacity is not guaranteed.',
      "EC2: check the capacity provider's Auto Scaling group can scale out and has CPU, memory, ports and ENIs to spare.",
    ],
  },
  HOST_FAILURE: {
    actionable: true,
    severity: 'MEDIUM',
    evidence: {
      taskReason: [
        // "Host EC2 (instance i-0123) stopped/terminated."
        { id: 'host.ec2-stopped-or-terminated', pattern: /host ec2 [^.]{0,200}(?:stopped|terminated)/ },
        // The container instance ECS chose has a disconnected agent: "TaskFailedToStart: AGENT", the bare
        // failure "AGENT", "... encountered error "AGENT"".
        {
          id: 'host.agent-disconnected',
          pattern: /^(?:taskfailedtostart: )?agent$|error "agent"|agent (?:is |was )?disconnected/,
        },
      ],
      stopCodes: ['InfrastructureHealth'],
    },
    describe: () => ({
      short: 'its container instance failed',
      long: 'the EC2 container instance under it failed, stopped, was terminated or lost its ECS agent',
    }),
    subCauses: [
      {
        pattern: /agent/,
        cause: 'the ECS agent of the container instance is disconnected',
        steps: [
          'Check agentConnected on the container instance (aws ecs describe-container-instances) and the agent log (/var/log/ecs/ecs-agent.log); restart the agent or replace the instance.',
        ],
      },
    ],
    nextSteps: [
      "Check the container instance's EC2 status checks and the Auto Scaling group activity for why the instance stopped.",
      'Check the ECS agent on the instance is connected (ecs describe-container-instances).',
    ],
  },
  SPOT_INTERRUPTION: {
    actionable: false,
    severity: 'LOW',
    evidence: {
      // "Your Spot Task was interrupted."
      taskReason: [{ id: 'spot.interrupted', pattern: /spot (?:task )?(?:was )?interrupt/ }],
      // TerminationNotice: the two-minute warning (desired STOPPED, last RUNNING).
      stopCodes: ['SpotInterruption', 'TerminationNotice'],
    },
    describe: () => ({ short: 'Spot capacity reclaimed', long: 'its Spot capacity was reclaimed by AWS' }),
    subCauses: [],
    nextSteps: [
      'Nothing to do for one interruption; ECS replaces the task. For frequent interruptions, mix in on-demand capacity.',
    ],
  },
  PLATFORM_MAINTENANCE: {
    actionable: false,
    severity: 'INFO',
    evidence: {
      // "ECS is performing maintenance on the underlying infrastructure hosting the task" (task retirement).
      taskReason: [{ id: 'maintenance.performing-maintenance', pattern: /maintenance/ }],
    },
    describe: () => ({ short: 'retired for maintenance', long: 'AWS retired it for infrastructure maintenance' }),
    subCauses: [],
    nextSteps: [
      'Nothing to do: AWS retired the task and the scheduler replaced it. Keep at least two tasks per service.',
    ],
  },
  SCALE_IN_OR_DEPLOYMENT: {
    actionable: false,
    severity: 'INFO',
    evidence: {
      taskReason: [
        // "Scaling activity initiated by (deployment ecs-svc/123)": scale-in or the old revision of a rollout.
        { id: 'scale.scaling-activity', pattern: /scaling activity initiated by/ },
        { id: 'scale.instance-draining', pattern: /container instance is (?:in )?draining|draining state/ },
      ],
    },
    describe: () => ({
      short: 'scale-in or deployment',
      long: 'the scheduler stopped it for a scale-in or a deployment',
    }),
    subCauses: [],
    nextSteps: ['Nothing to do: the scheduler stopped a healthy task.'],
  },
  USER_STOPPED: {
    actionable: false,
    severity: 'INFO',
    evidence: {
      // "Task stopped by user", "Stopped by user.", "Container instance deregistration forced by user".
      taskReason: [{ id: 'user.by-user', pattern: /(?:stopped|forced|killed|initiated) by (?:a |the )?user/ }],
      stopCodes: ['UserInitiated'],
    },
    describe: () => ({ short: 'stopped by a user', long: 'a user or tool stopped it deliberately' }),
    subCauses: [],
    nextSteps: ['Nothing to do unless the stop was unexpected: CloudTrail StopTask events say who stopped it.'],
  },
  COMPLETED: {
    actionable: false,
    severity: 'INFO',
    evidence: { exits: ['exit.zero-standalone'] },
    describe: () => ({ short: 'completed', long: 'all its essential containers exited 0' }),
    subCauses: [],
    nextSteps: ['Nothing to do: the task finished successfully.'],
  },
  UNKNOWN: {
    actionable: true,
    severity: 'MEDIUM',
    // Decided by nothing else, or by an AWS server-side error code (api-error-codes.ts).
    evidence: { apiErrorCodes: true },
    describe: (c) =>
      c.detail
        ? { short: `AWS-side error${c.detail}`, long: `AWS reported an error on its side${c.detail}` }
        : {
            short: 'unrecognised stop reason',
            long: `the stop reason was not recognised (${c.reason ?? 'none given'})`,
          },
    subCauses: [],
    nextSteps: [
      'Read the stoppedReason and container reasons in the evidence; the watchdog did not recognise them.',
      "Check the service events and the culprit container's logs.",
    ],
  },
  NOT_STOPPED: {
    actionable: false,
    severity: 'INFO',
    // Decided by the task's lastStatus and desiredStatus (classify-stop.ts), before any other evidence.
    evidence: {},
    describe: () => ({ short: 'not stopped', long: 'the task has not stopped' }),
    subCauses: [],
    nextSteps: [],
  },
};

/**
 * The order failure families are tried on one text; the first that matches decides (docs/stop-rules.md, Precedence).
 * - The agent's container-ordering message first: it quotes the containers it names ("[migrate(repo/img) (STOPPED->
 *   RUNNING) - Exit: 1]"), and a name or image there must not read as a failure of its own.
 * - Then names before wrappers: a phrase that names the failure ("exec format error", "failed to initialize logging
 *   driver", "executable file not found") decides over the error types that wrap it (CannotStartContainerError,
 *   ResourceInitializationError, CannotPull...Error), because ECS nests them ("CannotStartContainerError:
 *   ResourceInitializationError: failed to initialize logging driver: ..."). Among names, out of memory first (a
 *   container OOM-killed at start is still out of memory), then timeouts, then the stages of a start in the order the
 *   agent runs them: secrets and registry credentials, the image, the task's resources (logs, volumes, env files,
 *   network), the start itself.
 * - The wrappers last, read only when nothing inside them is named. ResourceInitializationError on its own decides
 *   nothing: Fargate wraps every container-runtime failure in it, start failures included ("... OCI runtime create
 *   failed: ... exec format error"), so the stage it names is read from the words after it.
 * Every failure family appears here exactly once (checked when the matchers are built, stop-reasons.ts).
 */
export const FAILURE_PRECEDENCE: readonly string[] = [
  'dependency.container-ordering',
  'oom.out-of-memory',
  'oom.oom-killed',
  'timeout.waiting-for',
  'timeout.docker-timeout-error',
  'timeout.timed-out-after-waiting',
  'secrets.retrieve-secret',
  'image.registry-auth',
  'image.pull-command-failed',
  'secrets.secrets-or-registry-auth',
  'image.manifest-or-ref',
  'image.rate-limit',
  'image.not-found',
  'image.layer-blob',
  'image.daemon-get',
  'image.task-cannot-pull',
  'init.logger-args',
  'init.log-group-missing',
  'init.logging-driver',
  'init.efs-mount',
  'init.env-files',
  'init.network-namespace',
  'start.exec-format-error',
  'start.executable-not-found',
  'start.exec-permission-denied',
  'start.oci-runtime',
  // Wrappers: the agent's error types, each naming the step that failed.
  'timeout.cannot-inspect-container',
  'image.cannot-pull',
  'start.cannot-start-container',
  'start.cannot-create-container',
  'start.error-during-start',
];

/**
 * The order task-reason families are tried on the stoppedReason. What the platform did to the task first (Spot,
 * maintenance), then health checks (the scheduler's own stop, whose wording names the check), then a user, then
 * the host, then capacity (a host-side "AGENT" failure also reads as a placement failure: the host decides), then
 * the scheduler's routine scaling.
 */
export const TASK_REASON_PRECEDENCE: readonly string[] = [
  'spot.interrupted',
  'maintenance.performing-maintenance',
  'elb.failed-health-checks',
  'health.failed-container-health-checks',
  'user.by-user',
  'host.ec2-stopped-or-terminated',
  'host.agent-disconnected',
  'capacity.unavailable',
  'capacity.resource-type',
  'capacity.placement-constraint',
  'capacity.attribute',
  'capacity.no-active-instances',
  'capacity.empty-capacity-provider',
  'scale.scaling-activity',
  'scale.instance-draining',
];

/** Stop codes of stops decided outside the task (the scheduler, a user, the Spot service): their reason text is read as a task reason first. */
export const STOPPED_FROM_OUTSIDE: ReadonlySet<string> = new Set([
  'ServiceSchedulerInitiated',
  'UserInitiated',
  'SpotInterruption',
  'TerminationNotice',
]);
