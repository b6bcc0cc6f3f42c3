import { InvalidEventError } from './invalid-event';
import { type Json, requireObject, requireString } from './read-fields';

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
}

export function parseEnvelope(raw: unknown): EcsEnvelope {
  const event = requireObject(raw, 'event');
  const source = event.source;
  if (source !== 'aws.ecs') {
    throw new InvalidEventError('event.source', `expected "aws.ecs", got ${JSON.stringify(source) ?? 'nothing'}`);
  }
  const resources = Array.isArray(event.resources) ? event.resources.filter((r) => typeof r === 'string') : [];
  return {
    id: requireString(event, 'id', 'event'),
    detailType: requireString(event, 'detail-type', 'event'),
    account: requireString(event, 'account', 'event'),
    region: requireString(event, 'region', 'event'),
    time: requireString(event, 'time', 'event'),
    resources,
    detail: requireObject(event.detail, 'event.detail'),
  };
}

/** Where and when an ECS event happened: the part of the envelope every parsed event keeps. */
export interface EventOrigin {
  eventId: string;
  account: string;
  region: string;
  time: string;
}

export function originOf(envelope: EcsEnvelope): EventOrigin {
  return { eventId: envelope.id, account: envelope.account, region: envelope.region, time: envelope.time };
}
