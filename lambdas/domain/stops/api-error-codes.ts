import type { StopCategory } from './taxonomy';

/**
 * AWS API error codes that surface as the whole stop or container reason ("InsufficientFreeAddressesInSubnet",
 * "AccessDeniedException: ..."): ECS puts the error of a call it made for the task (creating the network interface,
 * reading the image, the secrets, the log group) in the reason as it got it. Each code maps to the category of the
 * step that makes that call, from the API reference that lists it (`source`). A code shared by several services
 * (AccessDeniedException, ResourceNotFoundException, InvalidParameterException) maps to RESOURCE_INIT, the step that
 * reads them all before the containers start; the sub-causes of the category then read the rest of the text.
 */
export interface ApiErrorCode {
  code: string;
  category: StopCategory;
  /** What the code means, for the alert ("Likely cause"). */
  meaning: string;
  source: string;
}

const ECS_ERRORS = 'https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RunTask.html#API_RunTask_Errors';
const ECS_COMMON = 'https://docs.aws.amazon.com/AmazonECS/latest/APIReference/CommonErrors.html';
const EC2_ERRORS = 'https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html';
const ECR_BATCH_GET_IMAGE =
  'https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_BatchGetImage.html#API_BatchGetImage_Errors';
const ECR_DOWNLOAD_LAYER =
  'https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_GetDownloadUrlForLayer.html#API_GetDownloadUrlForLayer_Errors';
const SECRETS_MANAGER =
  'https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetSecretValue.html#API_GetSecretValue_Errors';
const SSM =
  'https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetParameters.html#API_GetParameters_Errors';
const SSM_PARAMETER =
  'https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetParameter.html#API_GetParameter_Errors';
const KMS = 'https://docs.aws.amazon.com/kms/latest/APIReference/API_Decrypt.html#API_Decrypt_Errors';
const EFS = 'https://docs.aws.amazon.com/efs/latest/ug/API_DescribeMountTargets.html#API_DescribeMountTargets_Errors';
const TROUBLESHOOTING = 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/stopped-task-errors.html';

export const API_ERROR_CODES: readonly ApiErrorCode[] = [
  // Shared by ECS, ECR, Secrets Manager, SSM, CloudWatch Logs, KMS: a role lacks a permission.
  {
    code: 'AccessDeniedException',
    category: 'RESOURCE_INIT',
    meaning: 'a role lacks a permission the task needs to start (usually the task execution role)',
    source: ECS_COMMON,
  },
  {
    code: 'ClientException',
    category: 'RESOURCE_INIT',
    meaning: 'ECS refused a call for the task: a missing permission or an identifier that is not valid',
    source: ECS_ERRORS,
  },
  {
    code: 'InvalidParameterException',
    category: 'RESOURCE_INIT',
    meaning: "a parameter of the task's configuration is not valid",
    source: ECS_ERRORS,
  },
  {
    code: 'ResourceNotFoundException',
    category: 'RESOURCE_INIT',
    meaning: 'a resource the task references does not exist (secret, log group, ...)',
    source: SECRETS_MANAGER,
  },
  {
    code: 'ServerException',
    category: 'UNKNOWN',
    meaning: 'a server-side error at AWS: usually transient',
    source: ECS_ERRORS,
  },
  { code: 'InternalFailure', category: 'UNKNOWN', meaning: 'a server-side error at AWS', source: ECS_COMMON },
  { code: 'ServiceUnavailable', category: 'UNKNOWN', meaning: 'an AWS service was unavailable', source: ECS_COMMON },
  {
    code: 'ThrottlingException',
    category: 'TIMEOUT',
    meaning: 'an AWS API call for the task was throttled',
    source: ECS_COMMON,
  },
  {
    code: 'LimitExceededException',
    category: 'NO_CAPACITY',
    meaning: 'a service quota was reached',
    source: ECR_BATCH_GET_IMAGE,
  },
  // EC2: the task's network interface (awsvpc).
  {
    code: 'InsufficientFreeAddressesInSubnet',
    category: 'NO_CAPACITY',
    meaning: "the subnet has no free IP addresses for the task's network interface",
    source: EC2_ERRORS,
  },
  {
    code: 'NetworkInterfaceLimitExceeded',
    category: 'NO_CAPACITY',
    meaning: 'the account reached its network interface quota in the region',
    source: EC2_ERRORS,
  },
  {
    code: 'InsufficientInstanceCapacity',
    category: 'NO_CAPACITY',
    meaning: 'EC2 has no capacity for the instance type in this Availability Zone',
    source: EC2_ERRORS,
  },
  {
    code: 'RequestLimitExceeded',
    category: 'TIMEOUT',
    meaning: 'the EC2 API rate limit was exceeded while creating the network interface',
    source: EC2_ERRORS,
  },
  {
    code: 'InvalidSubnetID.NotFound',
    category: 'RESOURCE_INIT',
    meaning: 'a subnet of the network configuration does not exist',
    source: EC2_ERRORS,
  },
  {
    code: 'InvalidSecurityGroupID.NotFound',
    category: 'RESOURCE_INIT',
    meaning: 'a security group of the network configuration does not exist',
    source: EC2_ERRORS,
  },
  {
    code: 'InvalidGroup.NotFound',
    category: 'RESOURCE_INIT',
    meaning: 'a security group of the network configuration does not exist',
    source: EC2_ERRORS,
  },
  {
    code: 'UnauthorizedOperation',
    category: 'RESOURCE_INIT',
    meaning: 'ECS is not allowed to create the network interface (service-linked role or SCP)',
    source: EC2_ERRORS,
  },
  // ECR: the image.
  {
    code: 'RepositoryNotFoundException',
    category: 'IMAGE_PULL',
    meaning: 'the image repository does not exist in this account and region',
    source: ECR_BATCH_GET_IMAGE,
  },
  {
    code: 'ImageNotFoundException',
    category: 'IMAGE_PULL',
    meaning: 'the image tag or digest does not exist',
    source: ECR_BATCH_GET_IMAGE,
  },
  {
    code: 'LayersNotFoundException',
    category: 'IMAGE_PULL',
    meaning: 'an image layer does not exist',
    source: ECR_DOWNLOAD_LAYER,
  },
  {
    code: 'LayerInaccessibleException',
    category: 'IMAGE_PULL',
    meaning: 'an image layer is not accessible',
    source: ECR_DOWNLOAD_LAYER,
  },
  {
    code: 'UnableToGetUpstreamImageException',
    category: 'IMAGE_PULL',
    meaning: 'the pull-through cache could not get the image from the upstream registry',
    source: ECR_BATCH_GET_IMAGE,
  },
  // Secrets Manager, SSM Parameter Store, KMS: the secrets.
  {
    code: 'DecryptionFailure',
    category: 'SECRETS_PULL',
    meaning: 'Secrets Manager cannot decrypt the secret with its KMS key',
    source: SECRETS_MANAGER,
  },
  {
    code: 'InternalServiceError',
    category: 'SECRETS_PULL',
    meaning: 'Secrets Manager failed on its side',
    source: SECRETS_MANAGER,
  },
  {
    code: 'InvalidRequestException',
    category: 'SECRETS_PULL',
    meaning: 'the secret cannot be read now (e.g. it is scheduled for deletion)',
    source: SECRETS_MANAGER,
  },
  {
    code: 'ParameterNotFound',
    category: 'SECRETS_PULL',
    meaning: 'the SSM parameter does not exist',
    source: SSM_PARAMETER,
  },
  {
    code: 'ParameterVersionNotFound',
    category: 'SECRETS_PULL',
    meaning: 'the SSM parameter version does not exist',
    source: SSM_PARAMETER,
  },
  {
    code: 'InvalidKeyId',
    category: 'SECRETS_PULL',
    meaning: 'the KMS key of the SSM parameter is not valid',
    source: SSM,
  },
  {
    code: 'KMSInvalidStateException',
    category: 'SECRETS_PULL',
    meaning: 'the KMS key of the secret is disabled or pending deletion',
    source: KMS,
  },
  { code: 'DisabledException', category: 'SECRETS_PULL', meaning: 'the KMS key is disabled', source: KMS },
  {
    code: 'KeyUnavailableException',
    category: 'SECRETS_PULL',
    meaning: 'the KMS key is unavailable',
    source: KMS,
  },
  // EFS: the volumes.
  {
    code: 'FileSystemNotFound',
    category: 'RESOURCE_INIT',
    meaning: 'the EFS file system does not exist',
    source: EFS,
  },
  {
    code: 'AccessPointNotFound',
    category: 'RESOURCE_INIT',
    meaning: 'the EFS access point does not exist',
    source: EFS,
  },
  {
    code: 'MountTargetNotFound',
    category: 'RESOURCE_INIT',
    meaning: 'the EFS mount target does not exist',
    source: EFS,
  },
  // A stopped-reason family of the ECS troubleshooting guide ("InternalError: <reason>").
  {
    code: 'InternalError',
    category: 'UNKNOWN',
    meaning: 'an internal error at AWS while the task was provisioned',
    source: TROUBLESHOOTING,
  },
];

const BY_CODE: ReadonlyMap<string, ApiErrorCode> = new Map(API_ERROR_CODES.map((e) => [e.code.toLowerCase(), e]));

/**
 * The leading word of a reason, in the normalised text, with the stop code and the resource-initialisation error
 * type set aside ("TaskFailedToStart: ResourceInitializationError: AccessDeniedException: ...").
 */
const LEADING_CODE =
  /^(?:taskfailedtostart: ?)?(?:resourceinitializationerror: ?)?([a-z][a-z0-9]*(?:\.[a-z]+)?)(?=$|[\s:.,(])/;

/** The catalogue entry of the code a (normalised) reason starts with, if any. */
export function leadingApiErrorCode(normalized: string): ApiErrorCode | undefined {
  const word = LEADING_CODE.exec(normalized)?.[1];
  return word === undefined ? undefined : BY_CODE.get(word);
}
