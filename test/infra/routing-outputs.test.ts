/**
 * The EventBridge output, chat channels and PagerDuty paging (docs/routing.md): the template, the rule
 * patterns under EventBridge's own semantics (Event Ruler), and the PagerDuty requests the input
 * transformers make, posted to a local HTTP receiver that checks the Events API v2 shape. The emulator
 * (moto) does not run pipes or invoke API destinations, so the transformation is applied here as
 * EventBridge documents it: each `<name>` of the template replaced by the JSON value at its path, and the
 * connection's body parameters added to the JSON body.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALERT_DETAIL_TYPE, ALERT_EVENT_SOURCE } from '../../infra/alert-events.js';
import { EcsWatchdog, type EcsWatchdogProps } from '../../infra/ecs-watchdog.js';
import type { Alert } from '../../lambdas/domain/alerts/alert';
import { toSnsMessage } from '../../lambdas/domain/alerts/sns-message';
import {
  alertsOf,
  closeIfQuiet,
  EMPTY_STATE,
  type LoopPolicy,
  recordStop,
  type ServiceState,
} from '../../lambdas/domain/incidents/incident';
import { rulerMatches } from './event-ruler.js';
import { defined, type Json, resourceOf, testApp } from './helpers.js';

const SLACK = { workspaceId: 'T0123ABCD', channelId: 'C0123ABCD' };
const TEAMS = { teamId: 'team-id', tenantId: 'tenant-id', channelId: '19:abc@thread.tacv2' };

function synth(props: EcsWatchdogProps = {}) {
  const stack = new Stack(testApp(), 'RoutingStack');
  const secret = secretsmanager.Secret.fromSecretNameV2(stack, 'RoutingKey', 'pagerduty/ecs-watchdog');
  const watchdog = new EcsWatchdog(stack, 'Watchdog', {
    chatChannels: [
      { name: 'payments-oncall', slack: SLACK, teams: ['payments'], severities: ['CRITICAL', 'HIGH'] },
      { name: 'platform', microsoftTeams: TEAMS },
    ],
    pagerDuty: { routingKeySecret: secret },
    ...props,
  });
  return { watchdog, template: Template.fromStack(stack) };
}

const { watchdog, template } = synth();
const rule = (construct: Json) => resourceOf(template, construct).Properties;

// ---------------------------------------------------------------- alerts from the real incident rules
const POLICY: LoopPolicy = { threshold: 3, windowMs: 10 * 60_000, groupWaitMs: 0, quietMs: 15 * 60_000 };
const at = (minute: number) => new Date(Date.parse('2026-12-01T03:00:00Z') + minute * 60_000).toISOString();
const STOP_ALERT: Alert = {
  kind: 'TASK_STOPPED',
  category: 'OOM_KILLED',
  severity: 'HIGH',
  actionable: true,
  title: 'HIGH OOM_KILLED: api-service in production - container api out of memory (limit 512 MiB)',
  summary: 'Task 5f5f of service api-service ran out of memory.',
  account: '123456789012',
  region: 'us-east-1',
  cluster: 'production',
  service: 'api-service',
  team: 'payments',
  evidence: { facts: [] },
  nextSteps: ['Raise the memory limit of container api'],
  links: [],
  dedupeKey: 'task-stopped:x',
  incidentId: 'task/production/x',
  occurredAt: at(0),
  enrichmentErrors: [],
};

/** A loop that paged its first stop (HIGH), then as a loop (CRITICAL), then went quiet: every alert it made. */
function loopStory(): Alert[] {
  let state: ServiceState = EMPTY_STATE;
  const alerts: Alert[] = [];
  for (const minute of [0, 1, 2]) {
    const stop = {
      eventId: `e${minute}`,
      at: at(minute),
      taskArn: `arn:aws:ecs:us-east-1:123456789012:task/production/t${minute}`,
      taskDefinition: 'api-service:42',
      category: 'OOM_KILLED',
      culprit: 'api',
    };
    const latest = { ...STOP_ALERT, dedupeKey: `task-stopped:t${minute}` };
    const transition = recordStop('production/api-service', state, stop, latest, POLICY);
    alerts.push(...alertsOf(transition, POLICY, latest).queue.map((q) => q.alert));
    state = transition.state;
  }
  const closed = closeIfQuiet(state, state.incident?.id ?? '', at(30), POLICY);
  alerts.push(...alertsOf(closed, POLICY).queue.map((q) => q.alert));
  return alerts;
}

/** The event the pipe puts on the bus: its detail is the SQS body, the alert JSON of the SNS message. */
function busEvent(alert: Alert) {
  const detail = JSON.parse(JSON.parse(toSnsMessage(alert).message).default);
  return {
    version: '0',
    id: `event-${alert.dedupeKey}`,
    'detail-type': ALERT_DETAIL_TYPE,
    source: ALERT_EVENT_SOURCE,
    account: '123456789012',
    time: alert.occurredAt,
    region: 'us-east-1',
    resources: [],
    detail,
  };
}

const story = loopStory();
const other: Alert = { ...STOP_ALERT, team: 'fulfilment', severity: 'MEDIUM', dedupeKey: 'other', incidentId: 'inc-2' };
const unassigned: Alert = { ...STOP_ALERT, team: undefined, dedupeKey: 'no-team', incidentId: 'inc-3' };

// ---------------------------------------------------------------- EventBridge's input transformation
function valueAt(event: Json, path: string): unknown {
  return path
    .replace(/^\$\./, '')
    .split('.')
    .reduce((value: Json, key) => value?.[key], event);
}

/** The input transformer, as EventBridge applies it (every placeholder here stands alone, outside quotes). */
function transform(transformer: Json, event: Json): Json {
  let text: string = transformer.InputTemplate;
  for (const [name, path] of Object.entries<string>(transformer.InputPathsMap)) {
    const value = valueAt(event, path);
    if (value === undefined) throw new Error(`${path} is missing from the event: the template would be broken`);
    text = text.split(`<${name}>`).join(JSON.stringify(value));
  }
  return JSON.parse(text);
}

describe('the EventBridge output', () => {
  it('puts every alert on the bus through a queue and a pipe, dead-lettering what it cannot put', () => {
    const events = defined(watchdog.alertEvents);
    const queue = resourceOf(template, events.queue).Properties;
    expect(queue.RedrivePolicy.maxReceiveCount).toBe(5);
    expect(queue.RedrivePolicy.deadLetterTargetArn).toEqual({
      'Fn::GetAtt': [Stack.of(watchdog).getLogicalId(watchdog.deadLetterQueue.node.defaultChild as never), 'Arn'],
    });
    expect(queue.SqsManagedSseEnabled).toBe(true);
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'sqs',
      RawMessageDelivery: true,
      Endpoint: { 'Fn::GetAtt': [Stack.of(watchdog).getLogicalId(events.queue.node.defaultChild as never), 'Arn'] },
    });
    const pipe = resourceOf(template, events.pipe).Properties;
    expect(pipe.TargetParameters).toEqual({
      EventBridgeEventBusParameters: { DetailType: 'ECS Watchdog Alert', Source: 'ecs-watchdog' },
      InputTemplate: '<$.body>',
    });
    expect(JSON.stringify(pipe.Target)).toContain(':event-bus/default');
  });

  it('is off unless asked for, or needed by chat or paging', () => {
    const stack = new Stack(testApp(), 'Plain');
    const plain = new EcsWatchdog(stack, 'Watchdog');
    expect(plain.alertEvents).toBeUndefined();
    expect(Template.fromStack(stack).findResources('AWS::Pipes::Pipe')).toEqual({});
    const on = new EcsWatchdog(new Stack(testApp(), 'On'), 'Watchdog', { alertEvents: {} });
    expect(on.alertEvents).toBeDefined();
  });
});

describe('chat channels', () => {
  it('gives each channel its own encrypted topic, its rule with its filter, and its configuration', () => {
    const chat = defined(watchdog.chatChannels);
    const payments = rule(defined(chat.rules['payments-oncall']));
    expect(payments.EventPattern.detail).toEqual({
      team: ['payments'],
      $or: [{ severity: ['CRITICAL', 'HIGH'] }, { resolves: { severities: ['CRITICAL', 'HIGH'] } }],
    });
    expect(payments.Targets[0].DeadLetterConfig).toBeDefined();
    expect(payments.Targets[0].RetryPolicy).toEqual({ MaximumEventAgeInSeconds: 86400, MaximumRetryAttempts: 185 });
    expect(rule(defined(chat.rules.platform)).EventPattern.detail).toBeUndefined();
    for (const topic of Object.values(chat.topics))
      expect(resourceOf(template, topic).Properties.KmsMasterKeyId).toBeDefined();
    template.hasResourceProperties('AWS::Chatbot::SlackChannelConfiguration', {
      SlackWorkspaceId: SLACK.workspaceId,
      SlackChannelId: SLACK.channelId,
      SnsTopicArns: [
        { Ref: Stack.of(watchdog).getLogicalId(defined(chat.topics['payments-oncall']).node.defaultChild as never) },
      ],
    });
    template.hasResourceProperties('AWS::Chatbot::MicrosoftTeamsChannelConfiguration', {
      TeamId: TEAMS.teamId,
      TeamsTenantId: TEAMS.tenantId,
      TeamsChannelId: TEAMS.channelId,
    });
  });

  it("matches, under EventBridge's semantics, the pages of the channel's filter and their all-clear", () => {
    const chat = defined(watchdog.chatChannels);
    const pattern = rule(defined(chat.rules['payments-oncall'])).EventPattern;
    const alerts = [...story, other, unassigned];
    const matched = rulerMatches(alerts.map((alert) => ({ pattern, event: busEvent(alert) })));
    expect(alerts.map((a, i) => `${a.kind} ${a.severity} ${a.team ?? '-'} ${matched[i]}`)).toEqual([
      'TASK_STOPPED HIGH payments true',
      'RESTART_LOOP CRITICAL payments true',
      'RECOVERED CRITICAL payments true',
      'TASK_STOPPED MEDIUM fulfilment false',
      'TASK_STOPPED HIGH - false',
    ]);
  });

  it('renders the custom notification Amazon Q Developer reads', () => {
    const chat = defined(watchdog.chatChannels);
    const input = rule(defined(chat.rules['payments-oncall'])).Targets[0].InputTransformer;
    const loop = story[1] as Alert;
    const notification = transform(input, busEvent(loop));
    expect(notification).toEqual({
      version: '1.0',
      source: 'custom',
      id: loop.dedupeKey,
      content: {
        textType: 'client-markdown',
        title: loop.title,
        description: loop.summary,
        nextSteps: loop.nextSteps,
        keywords: ['CRITICAL', 'OOM_KILLED', 'RESTART_LOOP'],
      },
      metadata: { threadId: loop.incidentId, summary: loop.title, eventType: 'RESTART_LOOP' },
    });
  });

  it('fails the synth naming the setting for a bad channel', () => {
    const bad = (chatChannels: Json) => () => synth({ chatChannels });
    expect(bad([{ name: 'x y', slack: SLACK }])).toThrow(/chatChannels\[0\]\.name/);
    expect(bad([{ name: 'a', slack: SLACK, microsoftTeams: TEAMS }])).toThrow(
      /chatChannels\[0\]: give either slack or microsoftTeams/,
    );
    expect(
      bad([
        { name: 'a', slack: SLACK },
        { name: 'a', slack: SLACK },
      ]),
    ).toThrow(/chatChannels\[1\]\.name: "a" is used/);
    expect(bad([{ name: 'a', slack: SLACK, severities: ['URGENT'] }])).toThrow(
      /chatChannels\[0\]\.severities: "URGENT" is not a severity/,
    );
    expect(bad([{ name: 'a', slack: { workspaceId: '', channelId: 'C1' } }])).toThrow(
      /chatChannels\[0\]\.slack\.workspaceId/,
    );
  });
});

describe('PagerDuty through an API destination', () => {
  let server: Server;
  let url = '';
  const received: Json[] = [];
  const ROUTING_KEY = 'R0123456789abcdef0123456789abcde';

  beforeAll(async () => {
    // A stand-in for the Events API v2: checks each request's shape as PagerDuty documents it, answers 202.
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => {
        body += chunk;
      });
      request.on('end', () => {
        let event: Json;
        try {
          event = JSON.parse(body);
        } catch (error) {
          received.push({ event: body, problems: [`not JSON: ${(error as Error).message}`] });
          response.writeHead(400).end();
          return;
        }
        const problems = pagerDutyProblems(event, request.headers['content-type']);
        received.push({ event, problems });
        response.writeHead(problems.length ? 400 : 202, { 'content-type': 'application/json' });
        response.end(
          JSON.stringify({ status: problems.length ? 'invalid event' : 'success', dedup_key: event.dedup_key }),
        );
      });
    });
    // Event Ruler runs between requests for longer than Node's 5 s keep-alive: the client must not reuse a
    // connection the server has just closed (ECONNRESET).
    server.keepAliveTimeout = 10 * 60_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v2/enqueue`;
  });

  afterAll(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });

  /** What EventBridge sends for an event: each matching rule's transformation, plus the connection's body parameters. */
  async function deliver(alert: Alert): Promise<number[]> {
    const pager = defined(watchdog.pagerDuty);
    const rules = pager.rules.map((r) => rule(r));
    const event = busEvent(alert);
    const matched = rulerMatches(rules.map((r) => ({ pattern: r.EventPattern, event })));
    const statuses: number[] = [];
    for (const [i, r] of rules.entries()) {
      if (!matched[i]) continue;
      const body = { ...transform(r.Targets[0].InputTransformer, event), routing_key: ROUTING_KEY };
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      statuses.push(response.status);
    }
    return statuses;
  }

  it('keeps the routing key in Secrets Manager: the connection resolves it, the template never holds it', () => {
    const [connection] = Object.values(template.findResources('AWS::Events::Connection')).map((r) => r.Properties);
    const parameter = connection.AuthParameters.InvocationHttpParameters.BodyParameters[0];
    expect(parameter.Key).toBe('routing_key');
    expect(parameter.IsValueSecret).toBe(true);
    expect(JSON.stringify(parameter.Value)).toContain('{{resolve:secretsmanager:arn:');
    template.hasResourceProperties('AWS::Events::ApiDestination', {
      InvocationEndpoint: 'https://events.pagerduty.com/v2/enqueue',
      HttpMethod: 'POST',
    });
  });

  it('triggers once per page and resolves on the all-clear, one dedup key per incident', async () => {
    received.length = 0;
    const statuses = [];
    for (const alert of [...story, other]) statuses.push(...(await deliver(alert)));
    expect(statuses).toEqual([202, 202, 202]);
    expect(received.map((r) => r.problems)).toEqual([[], [], []]);
    const events = received.map((r) => r.event);
    expect(events.map((e) => `${e.event_action} ${e.payload?.severity ?? ''}`)).toEqual([
      'trigger error',
      'trigger critical',
      'resolve ',
    ]);
    const incidentId = (story[0] as Alert & { incidentId: string }).incidentId;
    expect(new Set(events.map((e) => e.dedup_key))).toEqual(new Set([incidentId]));
    expect(events[1].payload).toMatchObject({
      summary: (story[1] as Alert).title,
      source: '123456789012',
      class: 'OOM_KILLED',
      group: 'RESTART_LOOP',
      custom_details: { next_steps: (story[1] as Alert).nextSteps, region: 'us-east-1' },
    });
  });

  it('pages only the severities asked for, and resolves what those paged', () => {
    const stack = new Stack(testApp(), 'CriticalOnly');
    const secret = secretsmanager.Secret.fromSecretNameV2(stack, 'Key', 'pd');
    const critical = new EcsWatchdog(stack, 'Watchdog', {
      pagerDuty: { routingKeySecret: secret, severities: ['CRITICAL'] },
    });
    const t = Template.fromStack(stack);
    const patterns = defined(critical.pagerDuty).rules.map((r) => resourceOf(t, r).Properties.EventPattern);
    const matched = rulerMatches(
      story.flatMap((alert) => patterns.map((pattern) => ({ pattern, event: busEvent(alert) }))),
    );
    // [trigger CRITICAL, resolve] for: the HIGH stop, the CRITICAL loop, the all-clear (it paged CRITICAL too).
    expect(matched).toEqual([false, false, true, false, false, true]);
    expect(
      () =>
        new EcsWatchdog(new Stack(testApp(), 'Bad'), 'Watchdog', {
          pagerDuty: { routingKeySecret: secret, severities: [] },
        }),
    ).toThrow(/pagerDuty\.severities/);
  });
});

/** The Events API v2 rules a request must meet (PagerDuty's documented shape), as problems found. */
function pagerDutyProblems(event: Json, contentType: string | undefined): string[] {
  const problems: string[] = [];
  if (contentType !== 'application/json') problems.push('content-type');
  if (typeof event.routing_key !== 'string' || event.routing_key.length !== 32) problems.push('routing_key');
  if (!['trigger', 'acknowledge', 'resolve'].includes(event.event_action)) problems.push('event_action');
  if (typeof event.dedup_key !== 'string' || event.dedup_key === '' || event.dedup_key.length > 255)
    problems.push('dedup_key');
  if (event.event_action === 'trigger') {
    const payload = event.payload ?? {};
    if (typeof payload.summary !== 'string' || payload.summary === '' || payload.summary.length > 1024)
      problems.push('payload.summary');
    if (typeof payload.source !== 'string' || payload.source === '') problems.push('payload.source');
    if (!['critical', 'error', 'warning', 'info'].includes(payload.severity)) problems.push('payload.severity');
    if (payload.timestamp !== undefined && Number.isNaN(Date.parse(payload.timestamp)))
      problems.push('payload.timestamp');
  }
  return problems;
}
