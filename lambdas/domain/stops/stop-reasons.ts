import { MAX_REASON_CHARS } from '../events/read-fields';
import type { StopCategory } from './taxonomy';

/**
 * Reason-text families. ECS reason texts arrive truncated (255 chars), in old (Docker daemon)
 * and new (containerd, "The task can't ...") wordings and in any case, so each family matches
 * stable error-type prefixes and key phrases on lowercased, whitespace-folded text.
 */
export function normalizeReason(text: string | undefined): string {
  // Bounded before any matching (README "Redaction and hostile input"): ECS reasons are at most 1024 characters.
  return (text ?? '')
    .slice(0, MAX_REASON_CHARS)
    .toLowerCase()
    .replace(/[\u2018\u2019\u02bc`]/g, "'")
    .replace(/[\u201c\u201d]/g, '"')
    .replace(/\s+/g, ' ')
    .trim();
}

interface Family {
  category: StopCategory;
  patterns: RegExp[];
}

/** Failures a container reports about itself: trusted most (README, "What it does"). Order is precedence. */
const CONTAINER_FAILURES: Family[] = [
  { category: 'OOM_KILLED', patterns: [/out ?of ?memory/, /\boom[ -]?kill/, /killed due to memory usage/] },
  {
    category: 'TIMEOUT',
    patterns: [
      /timeout wait(ing)? for/,
      /network interface provision/,
      /(ephemeral ?storage|volume) provisioning/,
      /(container ?runtime|docker) ?timeout ?error/,
      /could not transition to (started|running|created)/,
      /timed out after waiting/,
    ],
  },
  {
    category: 'SECRETS_PULL',
    patterns: [
      /unable to (retrieve|pull|fetch) secret/,
      /retrieve secret(s)? from (asm|ssm|secrets ?manager)/,
      /(asm|ssm|secretsmanager|secrets manager|parameter store)[^.]{0,200}(access ?denied|not ?found|not authorized|invalid|kms|service call|retrieval|timeout|failed)/,
      /fetching secret data from/,
      /the task can(no|')?t (pull|retrieve|get) secrets/,
      /secrets? (manager|from)/,
      /ssm ?parameter/,
      /getparameters/,
    ],
  },
  {
    category: 'IMAGE_PULL',
    patterns: [
      /cannot ?pull ?container/,
      /cannot ?pull ?image/,
      /pull image manifest/,
      /failed to resolve ref/,
      /ref pull has been retried/,
      /manifest (for|unknown|not found)/,
      /pull access denied/,
      /toomanyrequests|too many requests|pull rate limit/,
      /registry auth/,
      /unable to retrieve ecr/,
      /the task can(no|')?t pull/,
      /no matching manifest/,
      /image ?pull/,
      /pull command failed/,
      /repository does not exist/,
      /getimageblob|image blob/,
      /error response from daemon: get /,
    ],
  },
  {
    // Specific initialization failures first: they also arrive wrapped in CannotStartContainerError.
    category: 'RESOURCE_INIT',
    patterns: [
      /failed to validate logger args/,
      /log group does not exist/,
      /cannot find the amazon cloudwatch log group/,
      /efs utils|\befs\b.{0,200}mount|mount\.nfs/,
      /failed to (download|fetch) env/,
    ],
  },
  {
    category: 'CONTAINER_START',
    patterns: [
      /cannot ?start ?container/,
      /cannot ?create ?container/,
      /cannot ?inspect ?container/,
      /container ?runtime ?error/,
      /exec format error/,
      /oci runtime (create|exec|start) failed/,
      /error during (start|create)container/,
      /executable file not found/,
      /starting container process caused/,
      /exec: .{0,200}(permission denied|no such file)/,
      /invalid (container )?(configuration|argument)/,
    ],
  },
  {
    category: 'RESOURCE_INIT',
    patterns: [
      /resource ?initiali[sz]ation ?error/,
      /failed to validate logger args/,
      /log group does not exist/,
      /(logging|log) driver/,
      /\befs\b.{0,200}(mount|fail|error|denied|timeout)/,
      /mount (target|failed|callback)/,
      /failed to (download|fetch) env/,
      /environment files?/,
      /failed to (configure|attach|create) (eni|network interface)/,
      /(mount|attach|create|provision)\w{0,30} [^.]{0,200}volume|volume [^.]{0,200}(mount|attach|fail|error|not found)/,
    ],
  },
];

/** What the scheduler or platform says about the task as a whole. Order is precedence. */
const TASK_REASONS: Family[] = [
  {
    category: 'SPOT_INTERRUPTION',
    patterns: [/spot (task )?(was )?interrupt/, /spot interruption/, /spotinterruption/],
  },
  {
    category: 'PLATFORM_MAINTENANCE',
    patterns: [/maintenance/, /task retirement/, /scheduled (for )?retirement/, /retired/, /patching/],
  },
  {
    category: 'HEALTH_CHECK_ELB',
    patterns: [
      /elb health ?check/,
      /load ?balancer health ?check/,
      /target[ -]?group.{0,200}health/,
      /health.{0,200}target[ -]?group/,
    ],
  },
  { category: 'HEALTH_CHECK_CONTAINER', patterns: [/container health ?check/, /failed (the )?health ?check/] },
  { category: 'USER_STOPPED', patterns: [/(stopped|forced|initiated) by (a )?user/, /user ?initiated/] },
  {
    category: 'HOST_FAILURE',
    patterns: [
      /host ec2 .{0,200}(stopped|terminated)/,
      /instance .{0,200}(stopped|terminated|shut ?down|unhealthy)/,
      /container instance .{0,200}(terminat|lost|unhealthy|failed)/,
      /agent (was )?disconnected/,
      /underlying (host|instance)/,
    ],
  },
  {
    category: 'NO_CAPACITY',
    patterns: [
      /capacity is (currently )?unavailable/,
      /insufficient( \w+)? capacity/,
      /no container instances? (met|found|available)/,
      /unable to place/,
      /resource:(cpu|memory|eni|ports|gpu)/,
      /capacity provider.{0,200}(unable|failed|not)/,
      /no (available )?capacity/,
      /provisioning (state )?(timed out|timeout)/,
      /no active instances/,
      /empty capacity provider/,
      /placement constraint/,
      /taskfailedtostart: (resource|attribute|agent|no |empty)/,
    ],
  },
  {
    category: 'SCALE_IN_OR_DEPLOYMENT',
    patterns: [
      /scaling activity initiated by/,
      /deployment ecs-svc/,
      /scale-?in/,
      /container instance is (in )?draining/,
      /draining state/,
      /task set .{0,200}(deleted|scaled)/,
      /replaced by (a )?deployment/,
      /service (was )?(deleted|scaled down)/,
    ],
  },
];

export interface ReasonMatch {
  category: StopCategory;
  text: string;
}

export function matchContainerFailure(text: string | undefined): ReasonMatch | undefined {
  return matchFamilies(CONTAINER_FAILURES, text);
}

/** A task's stoppedReason read as a container failure, with the names in it set aside (see withoutNames). */
export function matchTaskFailure(text: string | undefined): ReasonMatch | undefined {
  return matchFamilies(CONTAINER_FAILURES, text, withoutNames);
}

export function matchTaskReason(text: string | undefined): ReasonMatch | undefined {
  return matchFamilies(TASK_REASONS, text, withoutNames);
}

/**
 * Task-level reasons embed names users chose: "Service volume-api: ECS is performing maintenance...",
 * "Task failed ELB health checks in (target-group arn:...:targetgroup/efs-gateway-tg/...)". A family
 * keyword inside such a name must not decide the category, so ARNs, parenthesised resources and the
 * "Service NAME:" prefix are removed before matching.
 */
function withoutNames(normalized: string): string {
  return normalized
    .replace(/^service [^\s:]+:\s*/, '')
    .replace(/\([^)]{0,300}\)/g, ' ')
    .replace(/\barn:\S+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

function matchFamilies(
  families: Family[],
  text: string | undefined,
  prepare: (normalized: string) => string = (t) => t,
): ReasonMatch | undefined {
  const normalized = prepare(normalizeReason(text));
  if (!normalized) return undefined;
  for (const family of families) {
    if (family.category === 'SECRETS_PULL' || family.category === 'IMAGE_PULL') {
      const split = splitSecretsOrRegistry(normalized);
      if (split === family.category) return { category: split, text: text ?? '' };
      if (split) continue;
    }
    if (family.patterns.some((p) => p.test(normalized))) return { category: family.category, text: text ?? '' };
  }
  return undefined;
}

/**
 * "ResourceInitializationError: unable to pull secrets or registry auth: ..." covers both secrets
 * and registry credentials; only the rest of the text tells them apart. Undecidable (truncated)
 * text counts as secrets, the first thing the agent fetches.
 */
function splitSecretsOrRegistry(text: string): 'SECRETS_PULL' | 'IMAGE_PULL' | undefined {
  const marker = 'unable to pull secrets or registry auth';
  const at = text.indexOf(marker);
  if (at < 0) return undefined;
  const rest = text.slice(at + marker.length);
  // "unable to get registry auth from asm" is private-registry credentials kept in Secrets Manager.
  if (/registry|\becr\b|\bimage\b|pull command|docker/.test(rest)) return 'IMAGE_PULL';
  if (/secret|asm|ssm|parameter|kms/.test(rest)) return 'SECRETS_PULL';
  return 'SECRETS_PULL';
}

/** Whole words (of a container name, or of an image's last two path segments) that mark a sidecar. */
const SIDECAR_WORDS = new Set([
  'firelens',
  'fluent',
  'fluentbit',
  'fluentd',
  'envoy',
  'xray',
  'datadog',
  'otel',
  'adot',
  'cwagent',
  'istio',
  'linkerd',
  'appmesh',
  'newrelic',
  'splunk',
  'sumologic',
  'sidecar',
]);
const SIDECAR_NAMES = [/log[-_]?router/, /x-ray/, /dd-agent/, /cloudwatch-agent/, /datadog\/agent/];

/**
 * Log routers, service-mesh proxies and telemetry agents: their death takes the app down with them.
 * Matched on whole words, so an app named `proxy-api` or an image under `.../hotels/api` is not one.
 */
export function looksLikeSidecar(name: string, image?: string): boolean {
  const repository = (image ?? '')
    .toLowerCase()
    .replace(/[@:][^/]{0,200}$/, '')
    .split('/')
    .slice(-2)
    .join('/');
  const text = `${name.toLowerCase()} ${repository}`;
  const words = text.split(/[^a-z0-9]+/);
  return words.some((w) => SIDECAR_WORDS.has(w)) || SIDECAR_NAMES.some((p) => p.test(text));
}
