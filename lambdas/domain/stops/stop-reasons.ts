import { MAX_REASON_CHARS } from '../events/read-fields';
import { leadingApiErrorCode } from './api-error-codes';
import { FAILURE_PRECEDENCE, STOP_RULES, TASK_REASON_PRECEDENCE, type TextFamily } from './stop-rules';
import { STOP_CATEGORIES, type StopCategory } from './taxonomy';

/**
 * Matching reason texts against the families of the stop rules (stop-rules.ts). ECS reason texts arrive truncated
 * (255 characters), in old (Docker daemon) and new (containerd, "The task can't ...") wordings and in any case, so
 * every family is tested on one normalised form: lowercase, whitespace folded, typographic quotes made straight.
 */
export function normalizeReason(text: string | undefined): string {
  if (!text) return '';
  if (text === lastText) return lastNormalized;
  // Bounded before any matching (README "Redaction and hostile input"): ECS reasons are at most 1024 characters.
  let normalized = text.slice(0, MAX_REASON_CHARS).toLowerCase();
  if (ODD_CHARACTERS.test(normalized)) {
    normalized = normalized
      .replace(/[\u2018\u2019\u02bc`]/g, "'")
      .replace(/[\u201c\u201d]/g, '"')
      .replace(/\s+/g, ' ');
  }
  lastText = text;
  lastNormalized = normalized.trim();
  return lastNormalized;
}

/** Typographic quotes, or whitespace that is not one plain space: only such texts need the replacements. */
const ODD_CHARACTERS = /[\u2018\u2019\u02bc`\u201c\u201d]|[^\S ]| {2}/;
// The same reason is often read twice (a container's reason repeated as the task's stoppedReason).
let lastText = '';
let lastNormalized = '';

/** Which family decided, and the category it belongs to. */
export interface FamilyMatch {
  category: StopCategory;
  /** The family id (stop-rules.ts), or API_ERROR_CODE_FAMILY. */
  family: string;
  /** For an API error code: the code as the catalogue spells it. */
  apiErrorCode?: string;
}

/** The family of every AWS API error code given as the whole reason (api-error-codes.ts). */
export const API_ERROR_CODE_FAMILY = 'api-error-code';

interface Compiled extends TextFamily {
  category: StopCategory;
}

function compile(kind: 'failure' | 'taskReason', precedence: readonly string[]): Compiled[] {
  const byId = new Map<string, Compiled>();
  for (const category of STOP_CATEGORIES) {
    for (const family of STOP_RULES[category].evidence[kind] ?? []) {
      if (byId.has(family.id)) throw new Error(`stop rules: family ${family.id} is declared twice`);
      byId.set(family.id, { ...family, category });
    }
  }
  const ordered = precedence.map((id) => {
    const family = byId.get(id);
    if (!family) throw new Error(`stop rules: the ${kind} precedence names ${id}, which no rule declares`);
    return family;
  });
  const missing = [...byId.keys()].filter((id) => !precedence.includes(id));
  if (missing.length > 0 || new Set(precedence).size !== precedence.length) {
    throw new Error(`stop rules: the ${kind} precedence must list each family once (missing: ${missing.join(', ')})`);
  }
  return ordered;
}

const FAILURE_FAMILIES = compile('failure', FAILURE_PRECEDENCE);
const TASK_REASON_FAMILIES = compile('taskReason', TASK_REASON_PRECEDENCE);

/** All families of a tier in one pattern: most texts match none ("Essential container in task exited"), one test says so. */
const combined = (families: Compiled[]) => new RegExp(families.map((f) => `(?:${f.pattern.source})`).join('|'));
const ANY_FAILURE = combined(FAILURE_FAMILIES);
const ANY_TASK_REASON = combined(TASK_REASON_FAMILIES);

function firstFamily(families: Compiled[], any: RegExp, normalized: string): FamilyMatch | undefined {
  if (!any.test(normalized)) return undefined;
  for (const family of families) {
    if (family.pattern.test(normalized)) return { category: family.category, family: family.id };
  }
  return undefined;
}

/** A failure named in a (normalised) reason: the failure families in precedence order, then a leading API error code. */
export function matchFailure(normalized: string): FamilyMatch | undefined {
  if (!normalized) return undefined;
  const named = firstFamily(FAILURE_FAMILIES, ANY_FAILURE, normalized);
  if (named) return named;
  const code = leadingApiErrorCode(normalized);
  return code ? { category: code.category, family: API_ERROR_CODE_FAMILY, apiErrorCode: code.code } : undefined;
}

/** What the scheduler or the platform says of the whole task, in a (normalised, names set aside) stoppedReason. */
export function matchTaskReason(normalized: string): FamilyMatch | undefined {
  return normalized ? firstFamily(TASK_REASON_FAMILIES, ANY_TASK_REASON, normalized) : undefined;
}

/**
 * Task-level reasons embed names users chose: "Service volume-api: ECS is performing maintenance...",
 * "Task failed ELB health checks in (target-group arn:...:targetgroup/efs-gateway-tg/...)". A family
 * keyword inside such a name must not decide the category, so ARNs, parenthesised resources and the
 * "Service NAME:" prefix are removed before matching.
 */
export function withoutNames(normalized: string): string {
  if (!normalized.startsWith('service ') && !normalized.includes('(') && !normalized.includes('arn:'))
    return normalized;
  return normalized
    .replace(/^service [^\s:]+:\s*/, '')
    .replace(/\([^)]{0,300}\)/g, ' ')
    .replace(/\barn:\S+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Whole words (of a container name, or of an image's last two path segments) that mark a sidecar. */
const SIDECAR_WORDS = [
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
  // The Service Connect proxy ECS adds to the task: container ecs-service-connect-XXXX, image
  // ecs-service-connect-agent (aws/amazon-ecs-agent#4397).
  'service-connect',
];
const SIDECAR_NAMES = ['log[-_]?router', 'x-ray', 'dd-agent', 'cloudwatch-agent', 'datadog/agent'];
const SIDECAR = new RegExp(`(?:^|[^a-z0-9])(?:${SIDECAR_WORDS.join('|')})(?![a-z0-9])|${SIDECAR_NAMES.join('|')}`);

/**
 * Log routers, service-mesh proxies and telemetry agents: their death takes the app down with them.
 * Matched on whole words, so an app named `proxy-api` or an image under `.../hotels/api` is not one.
 */
export function looksLikeSidecar(name: string, image?: string): boolean {
  return SIDECAR.test(`${name.toLowerCase()} ${imageRepository(image)}`);
}

/** `registry/team/fluent-bit:tag` → `team/fluent-bit`: the last two path segments, without tag or digest. */
function imageRepository(image: string | undefined): string {
  if (!image) return '';
  const lower = image.toLowerCase();
  const lastSlash = lower.lastIndexOf('/');
  const cut = lower.slice(lastSlash + 1).search(/[@:]/);
  const bare = cut < 0 ? lower : lower.slice(0, lastSlash + 1 + cut);
  const previousSlash = bare.lastIndexOf('/', bare.lastIndexOf('/') - 1);
  return previousSlash < 0 ? bare : bare.slice(previousSlash + 1);
}
