import { CONTAINER_HEALTH_CHECK_STEPS, ELB_HEALTH_CHECK_STEPS } from '../health/health-check-diagnosis';
import { normalizeReason } from '../stops/stop-reasons';
import type { StopCategory } from '../stops/taxonomy';

/** A narrower cause read from the reason text, with the steps that fit it. */
export interface SubCause {
  cause: string;
  steps: string[];
}

interface SubCauseRule {
  pattern: RegExp;
  cause: string;
  steps: string[];
}

const IMAGE_PULL_CAUSES: SubCauseRule[] = [
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
    pattern:
      /timeout|timed out|i\/o|dial tcp|connection|deadline|network|request ?error|send request failed|signal: killed/,
    cause: 'no network path to the registry',
    steps: [
      'Tasks in private subnets need a NAT gateway or VPC endpoints for ECR (ecr.api, ecr.dkr) and an S3 gateway endpoint.',
      'Tasks in public subnets need assignPublicIp ENABLED.',
      'Check the security group allows outbound HTTPS (443) and the network ACLs allow the return traffic.',
    ],
  },
];

const SECRETS_CAUSES: SubCauseRule[] = [
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
    pattern: /not ?found|does not exist|invalid ?parameter|can't find|cannot find|parameternotfound|resourcenotfound/,
    cause: 'secret or parameter not found',
    steps: [
      'Check every secret ARN or parameter name in the task definition exists in this region (a full ARN, or the parameter name for same-region SSM).',
      'For a JSON key or version suffix in a Secrets Manager ARN, check the key and version exist.',
    ],
  },
  {
    pattern: /timeout|timed out|i\/o|dial tcp|connection|deadline|network|request ?error|send request failed/,
    cause: 'no network path to Secrets Manager or SSM',
    steps: [
      'Tasks in private subnets need a NAT gateway or VPC endpoints for secretsmanager and ssm.',
      'Check the security group allows outbound HTTPS (443).',
    ],
  },
];

const RESOURCE_INIT_CAUSES: SubCauseRule[] = [
  {
    pattern: /log group does not exist|logger|log stream|cloudwatch/,
    cause: 'awslogs log group missing or not writable',
    steps: [
      'Create the log group named in the awslogs options, or set awslogs-create-group "true" and give the execution role logs:CreateLogGroup.',
      'Check the execution role has logs:CreateLogStream and logs:PutLogEvents.',
    ],
  },
  {
    pattern: /efs|mount|nfs/,
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
    pattern: /eni|network interface/,
    cause: 'network interface could not be attached',
    steps: ['Check the subnet has free IP addresses and the account has not hit its ENI quota.'],
  },
];

export function subCause(category: StopCategory, reason: string | undefined): SubCause | undefined {
  const rules =
    category === 'IMAGE_PULL'
      ? IMAGE_PULL_CAUSES
      : category === 'SECRETS_PULL'
        ? SECRETS_CAUSES
        : category === 'RESOURCE_INIT'
          ? RESOURCE_INIT_CAUSES
          : [];
  const text = normalizeReason(reason);
  const rule = rules.find((r) => r.pattern.test(text));
  return rule ? { cause: rule.cause, steps: rule.steps } : undefined;
}

const GENERAL_STEPS: Record<StopCategory, string[]> = {
  OOM_KILLED: [
    'Compare the container’s memory use with its hard limit (Container Insights MemoryUtilized, or the task metrics).',
    'Raise the container memory limit (and the task memory on Fargate), or fix the leak / lower the heap (e.g. JVM -XX:MaxRAMPercentage).',
    'If only one container should be capped, set memoryReservation (soft) and leave memory (hard) higher.',
  ],
  APP_CRASH: [
    'Read the culprit container’s last log lines: the process exited on its own.',
    'Check what changed in this task definition revision (image, environment, secrets) against the previous one.',
    'Run the same image locally with the same environment to reproduce.',
  ],
  HEALTH_CHECK_ELB: ELB_HEALTH_CHECK_STEPS.map((s) => s.text),
  HEALTH_CHECK_CONTAINER: CONTAINER_HEALTH_CHECK_STEPS.map((s) => s.text),
  IMAGE_PULL: [
    'Check the image name and tag, the execution role’s registry permissions and the network path to the registry.',
  ],
  SECRETS_PULL: [
    'Check the secret ARNs, the execution role’s permissions on them and the network path to Secrets Manager / SSM.',
  ],
  RESOURCE_INIT: [
    'Read the full stoppedReason: it names the resource (log group, volume, env file, network interface) that failed.',
  ],
  CONTAINER_START: [
    'Check the entrypoint and command exist in the image and are executable (exit 126/127).',
    'An "exec format error" means the image was built for another CPU architecture than the task’s runtimePlatform.',
    'Run the image locally with the task definition’s command to reproduce.',
  ],
  DEPENDENCY_EXITED: [
    'Read the culprit sidecar’s logs: it exited first and ECS stopped the task.',
    'Check the sidecar’s configuration (e.g. FireLens output config, Envoy mesh config) and memory limit.',
    'If the sidecar is not required for the app to serve, mark it essential: false.',
  ],
  TIMEOUT: [
    'This is usually transient on the platform side: check whether replacements start.',
    'If it repeats, check the subnet’s free IPs and ENI limits (network interface provisioning) or the container instance’s health (container runtime).',
  ],
  NO_CAPACITY: [
    'Fargate: try another Availability Zone/subnet or capacity provider; FARGATE_SPOT capacity is not guaranteed.',
    'EC2: check the capacity provider’s Auto Scaling group can scale out and has CPU, memory, ports and ENIs to spare.',
  ],
  HOST_FAILURE: [
    'Check the container instance’s EC2 status checks and the Auto Scaling group activity for why the instance stopped.',
    'Check the ECS agent on the instance is connected (ecs describe-container-instances).',
  ],
  SPOT_INTERRUPTION: [
    'Nothing to do for one interruption; ECS replaces the task. For frequent interruptions, mix in on-demand capacity.',
  ],
  PLATFORM_MAINTENANCE: [
    'Nothing to do: AWS retired the task and the scheduler replaced it. Keep at least two tasks per service.',
  ],
  SCALE_IN_OR_DEPLOYMENT: ['Nothing to do: the scheduler stopped a healthy task.'],
  USER_STOPPED: ['Nothing to do unless the stop was unexpected: CloudTrail StopTask events say who stopped it.'],
  COMPLETED: ['Nothing to do: the task finished successfully.'],
  UNKNOWN: [
    'Read the stoppedReason and container reasons in the evidence; the watchdog did not recognise them.',
    'Check the service events and the culprit container’s logs.',
  ],
  NOT_STOPPED: [],
};

/** Ordered next steps: the sub-cause's specific fixes first, then the category's general checks. */
export function nextStepsFor(category: StopCategory, reason: string | undefined): string[] {
  const specific = subCause(category, reason)?.steps ?? [];
  return [...specific, ...GENERAL_STEPS[category]];
}
