import { boundedJson, digest } from './bounded-json';
import { InvalidEventError } from './invalid-event';
import { boundedText, describe, isValidTimestamp, type Json, requireObject, requireString } from './read-fields';

export const DETAIL_TYPES = {
  taskStateChange: 'ECS Task State Change',
  deploymentStateChange: 'ECS Deployment State Change',
  serviceAction: 'ECS Service Action',
} as const;

/** The EventBridge envelope around every ECS event. */
export interface EcsEnvelope {
  id: string;
  detailType: string;
  account: string;
  region: string;
  time: string;
  resources: string[];
  detail: Json;
  /** Fields the event lacks or holds malformed, each with what was done instead (see {@link EventOrigin}). */
  missing: string[];
}

/** Ids derived from the content start with this, so a log line tells them from EventBridge's. */
export const DERIVED_ID_PREFIX = 'derived-';

/**
 * Reads the envelope. Events copied from logs, docs and tickets may lack the envelope `id` (one is
 * derived from the content, the same for the same event, so duplicates are still recognised) or
 * carry no valid `time` (the detail's own time stands in, else `receivedAt`, when the caller has one).
 */
export function parseEnvelope(raw: unknown, receivedAt?: string): EcsEnvelope {
  const event = requireObject(raw, 'event');
  const source = event.source;
  if (source !== 'aws.ecs') {
    const got = typeof source === 'string' ? JSON.stringify(boundedText(source, 100)) : describe(source);
    throw new InvalidEventError('event.source', `expected "aws.ecs", got ${got}`);
  }
  const detail = requireObject(event.detail, 'event.detail');
  const missing: string[] = [];
  const resources = Array.isArray(event.resources)
    ? event.resources.filter((r): r is string => typeof r === 'string').map((r) => boundedText(r))
    : [];
  return {
    id: envelopeId(event, missing),
    detailType: requireString(event, 'detail-type', 'event'),
    account: requireMatch(event, 'account', ACCOUNT_ID, 'a 12-digit AWS account id'),
    region: requireMatch(event, 'region', REGION, 'an AWS region such as us-east-1'),
    time: envelopeTime(event, detail, missing, receivedAt),
    resources,
    detail,
    missing,
  };
}

/** EventBridge always sets these (the settings of member accounts and regions are checked with them too); anything else is not an event of AWS, and would end up in every alert field and link. */
export const ACCOUNT_ID = /^\d{12}$/;
export const REGION = /^[a-z]{2}(?:-[a-z]{1,12}){1,3}-\d{1,2}$/;

function requireMatch(event: Json, key: string, pattern: RegExp, expected: string): string {
  const value = requireString(event, key, 'event');
  if (!pattern.test(value)) {
    throw new InvalidEventError(`event.${key}`, `expected ${expected}, got ${JSON.stringify(boundedText(value, 40))}`);
  }
  return value;
}

function envelopeId(event: Json, missing: string[]): string {
  if (typeof event.id === 'string' && event.id !== '') return boundedText(event.id, 256);
  missing.push('id (a stable id was derived from the content)');
  const { id: _id, ...content } = event;
  return `${DERIVED_ID_PREFIX}${digest(boundedJson(content, { maxChars: 256 * 1024, sorted: true }))}`;
}

/** Where an event's own detail says when it happened, in order of preference. */
const DETAIL_TIMES = ['stoppedAt', 'updatedAt', 'createdAt', 'stoppingAt'];

function envelopeTime(event: Json, detail: Json, missing: string[], receivedAt?: string): string {
  if (typeof event.time === 'string' && isValidTimestamp(event.time)) return event.time;
  const stated = event.time === undefined ? 'missing' : 'malformed';
  const fromDetail = DETAIL_TIMES.map((key) => detail[key]).find(
    (value): value is string => typeof value === 'string' && isValidTimestamp(value),
  );
  const time = fromDetail ?? receivedAt ?? new Date(0).toISOString();
  const instead = fromDetail
    ? 'the detail time was used'
    : receivedAt
      ? 'the time received was used'
      : 'no time is known';
  missing.push(`time (${stated}: ${instead})`);
  return time;
}

/** Where and when an ECS event happened: the part of the envelope every parsed event keeps. */
export interface EventOrigin {
  eventId: string;
  account: string;
  region: string;
  time: string;
  /**
   * What the event lacks or holds malformed that the watchdog did without (`id`, `taskDefinitionArn`,
   * a malformed time...): each alert names them, so a trimmed or damaged event is visible as such.
   */
  missing?: string[];
}

export function originOf(envelope: EcsEnvelope): EventOrigin {
  return {
    eventId: envelope.id,
    account: envelope.account,
    region: envelope.region,
    time: envelope.time,
    missing: envelope.missing,
  };
}

/** The fact every alert of an incomplete event carries. */
export function missingFacts(origin: Pick<EventOrigin, 'missing'>): { label: string; value: string }[] {
  const missing = origin.missing ?? [];
  return missing.length > 0 ? [{ label: 'Missing from the event', value: missing.join('; ') }] : [];
}
