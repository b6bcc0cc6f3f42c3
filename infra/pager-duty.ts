import { type Duration, SecretValue } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { Severity } from '../lambdas/domain/stops/taxonomy.js';
import { type AlertFilter, alertPattern, checkSeverities } from './alert-events.js';

/** The PagerDuty Events API v2 endpoint. */
export const PAGER_DUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';

/** PagerDuty's severities (Events API v2 `payload.severity`) for the watchdog's. */
export const PAGER_DUTY_SEVERITY: Record<Severity, 'critical' | 'error' | 'warning' | 'info'> = {
  CRITICAL: 'critical',
  HIGH: 'error',
  MEDIUM: 'warning',
  LOW: 'info',
  INFO: 'info',
};

export interface PagerDutyOptions extends AlertFilter {
  /**
   * A Secrets Manager secret whose value (a plain string) is the integration key (routing key) of a
   * PagerDuty service with an Events API v2 integration. EventBridge adds it to each request from the
   * connection; it appears in no template, event or log.
   */
  readonly routingKeySecret: secretsmanager.ISecret;
  /** @default ['CRITICAL', 'HIGH'] */
  readonly severities?: Severity[];
  /** @default PAGER_DUTY_EVENTS_URL */
  readonly endpoint?: string;
  /** Requests per second at most. @default 10 */
  readonly rateLimitPerSecond?: number;
}

export interface PagerDutyProps extends PagerDutyOptions {
  readonly bus: events.IEventBus;
  readonly deadLetterQueue: sqs.IQueue;
  readonly retryAttempts: number;
  readonly maxEventAge: Duration;
}

const field = (path: string) => events.EventField.fromPath(`$.detail.${path}`);

/**
 * An Events API v2 `trigger` for one watchdog severity: the dedup key is the incident id, so the pages
 * of one incident (a stop, then its loop) are one PagerDuty incident, and its all-clear resolves it.
 */
export function triggerInput(severity: Severity): events.RuleTargetInput {
  return events.RuleTargetInput.fromObject({
    event_action: 'trigger',
    dedup_key: field('incidentId'),
    payload: {
      summary: field('title'),
      source: field('account'),
      severity: PAGER_DUTY_SEVERITY[severity],
      timestamp: field('occurredAt'),
      class: field('category'),
      group: field('kind'),
      custom_details: {
        summary: field('summary'),
        next_steps: field('nextSteps'),
        region: field('region'),
        alert_id: field('dedupeKey'),
      },
    },
    client: 'ECS Watchdog',
  });
}

/** The all-clear: `resolve` the PagerDuty incident of the same dedup key. */
export function resolveInput(): events.RuleTargetInput {
  return events.RuleTargetInput.fromObject({ event_action: 'resolve', dedup_key: field('incidentId') });
}

/**
 * Pages to PagerDuty through an EventBridge API destination (docs/routing.md, "Paging"): one rule per
 * severity paged (the input transformer writes PagerDuty's severity as a constant), one for the all-clears.
 */
export class PagerDuty extends Construct {
  readonly connection: events.Connection;
  readonly destination: events.ApiDestination;
  readonly rules: events.Rule[] = [];

  constructor(scope: Construct, id: string, props: PagerDutyProps) {
    super(scope, id);
    const severities = checkSeverities(props.severities ?? ['CRITICAL', 'HIGH'], 'pagerDuty.severities');
    const routingKey = SecretValue.secretsManager(props.routingKeySecret.secretArn);
    this.connection = new events.Connection(this, 'Connection', {
      description: 'ECS Watchdog to PagerDuty Events API v2: the routing key goes in the body',
      // PagerDuty authenticates by the body's routing_key; EventBridge requires an authorization, so the
      // same key is also sent as a header PagerDuty ignores.
      authorization: events.Authorization.apiKey('X-Routing-Key', routingKey),
      bodyParameters: { routing_key: events.HttpParameter.fromSecret(routingKey) },
    });
    this.destination = new events.ApiDestination(this, 'Destination', {
      description: 'PagerDuty Events API v2',
      connection: this.connection,
      endpoint: props.endpoint ?? PAGER_DUTY_EVENTS_URL,
      httpMethod: events.HttpMethod.POST,
      rateLimitPerSecond: props.rateLimitPerSecond ?? 10,
    });
    const target = (event: events.RuleTargetInput) =>
      new targets.ApiDestination(this.destination, {
        event,
        deadLetterQueue: props.deadLetterQueue,
        retryAttempts: props.retryAttempts,
        maxEventAge: props.maxEventAge,
      });
    for (const severity of severities) {
      this.rules.push(
        new events.Rule(this, `Trigger${severity}`, {
          description: `ECS Watchdog ${severity} pages to PagerDuty`,
          eventBus: props.bus,
          eventPattern: alertPattern({ teams: props.teams }, 'pagerDuty', {
            severity: [severity],
            // `exists` applies to leaves: an all-clear has `resolves.severities`.
            resolves: { severities: [{ exists: false }] },
          }),
          targets: [target(triggerInput(severity))],
        }),
      );
    }
    this.rules.push(
      new events.Rule(this, 'Resolve', {
        description: 'ECS Watchdog all-clears to PagerDuty: resolve the incident',
        eventBus: props.bus,
        eventPattern: alertPattern({ teams: props.teams }, 'pagerDuty', { resolves: { severities } }),
        targets: [target(resolveInput())],
      }),
    );
  }
}
