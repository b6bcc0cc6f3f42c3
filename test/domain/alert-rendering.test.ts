import { describe, expect, it } from 'vitest';
import { toSubject } from '../../lambdas/domain/alerts/alert';
import { buildTaskStoppedAlert } from '../../lambdas/domain/alerts/build-task-alert';
import { logStreamLink } from '../../lambdas/domain/alerts/links';
import { renderChat } from '../../lambdas/domain/alerts/render-chat';
import { renderEmail } from '../../lambdas/domain/alerts/render-email';
import { byteLength, SNS_MAX_BYTES, toSnsMessage } from '../../lambdas/domain/alerts/sns-message';
import { parseEnvelope } from '../../lambdas/domain/events/ecs-event';
import { parseTaskStateChange } from '../../lambdas/domain/events/task-event';
import { classifyStop } from '../../lambdas/domain/stops/classify-stop';
import { explainExitCode } from '../../lambdas/domain/stops/exit-codes';
import { taskEvent } from '../support/events';
import { referenceMessage } from '../support/reference-message';

function alertFor(detail: Record<string, unknown> = {}) {
  const task = parseTaskStateChange(parseEnvelope(taskEvent(detail)));
  return buildTaskStoppedAlert(task, classifyStop(task));
}

describe('exit codes', () => {
  it.each([
    [137, /SIGKILL/],
    [139, /SIGSEGV/],
    [143, /SIGTERM/],
    [134, /SIGABRT/],
    [1, /application error/],
    [126, /not executable/],
    [127, /command not found/],
    [255, /out of range/],
    [130, /SIGINT/],
    [135, /signal 7 \(SIGBUS\)/],
    [42, /application-defined/],
    [undefined, /no exit code/],
  ])('explains %s', (code, meaning) => {
    expect(explainExitCode(code)).toMatch(meaning);
  });
});

describe('subjects', () => {
  it('are printable ASCII under 100 characters', () => {
    const subject = toSubject(`HIGH APP_CRASH: ${'very-long-service-name-'.repeat(8)} – “quoted” \n next line`);
    expect(subject.length).toBeLessThan(100);
    expect(subject).toMatch(/^[\x20-\x7e]+$/);
    expect(subject.endsWith('...')).toBe(true);
  });
});

describe('alert', () => {
  it('carries title, summary, evidence, next steps and links', () => {
    const alert = alertFor({
      containers: [{ name: 'api', exitCode: 1, reason: undefined, memory: '512' }],
      availabilityZone: 'us-east-1a',
    });
    expect(alert).toMatchObject({
      kind: 'TASK_STOPPED',
      category: 'APP_CRASH',
      severity: 'HIGH',
      actionable: true,
      cluster: 'production',
      service: 'api-service',
      culpritContainer: 'api',
      incidentId: 'task/production/0123456789abcdef0123456789abcdef',
      occurredAt: '2026-11-26T03:00:00.000Z',
    });
    expect(alert.title).toBe('HIGH APP_CRASH: api-service in production - container api crashed (exit 1)');
    expect(alert.summary).toContain('container api exited on its own (exit 1)');
    expect(alert.evidence.facts).toContainEqual({ label: 'Stop code', value: 'EssentialContainerExited' });
    expect(alert.nextSteps[0]).toMatch(/log lines/);
    expect(alert.links.map((l) => l.label)).toEqual([
      'Task',
      'Service deployments',
      'Service events',
      'Task definition api-service:42',
    ]);
  });

  it('pages standalone task failures one step lower than service ones', () => {
    const alert = alertFor({ group: 'family:nightly-report', containers: [{ name: 'report', exitCode: 2 }] });
    expect(alert.severity).toBe('MEDIUM');
    expect(alert.summary).toContain('Standalone task');
  });

  it('names the likely sub-cause of an image pull failure', () => {
    const alert = alertFor({
      stopCode: 'TaskFailedToStart',
      stoppedReason:
        'CannotPullContainerError: ref pull has been retried 1 time(s): failed to copy: httpReadSeeker: failed open: unexpected status code https://registry-1.docker.io/v2/library/nginx/manifests/sha256:x: 429 Too Many Requests - Server message: toomanyrequests',
      containers: [{ name: 'api' }],
    });
    expect(alert.title).toContain('registry rate limit');
    expect(alert.nextSteps[0]).toMatch(/Mirror the image to Amazon ECR/);
  });
});

describe('renderings', () => {
  const alert = alertFor({ containers: [{ name: 'api', exitCode: 139 }] });

  it('e-mail text leads with the answer and lists next steps and evidence', () => {
    const text = renderEmail(alert);
    expect(text.split('\n')[0]).toBe(alert.title);
    expect(text).toContain('NEXT STEPS\n  1. ');
    expect(text).toContain('Container api (CULPRIT): exit 139 - SIGSEGV');
  });

  it('chat notification follows the custom-notification schema', () => {
    const chat = renderChat(alert);
    expect(chat.version).toBe('1.0');
    expect(chat.source).toBe('custom');
    expect(chat.content.textType).toBe('client-markdown');
    expect(chat.metadata.threadId).toBe(alert.incidentId);
    expect(chat.content.keywords).toEqual(['HIGH', 'APP_CRASH', 'production', 'api-service']);
  });

  it('SNS message: the alert JSON as default (SQS, Lambda, Firehose, email-json, HTTP), e-mail text, chat JSON for HTTPS, byte for byte what JSON.stringify of the bodies gives', () => {
    // Every body carries the alert's stable id, set when it was queued or, for one published alone, here.
    const queued = { ...alert, alertId: 'alert-1' };
    expect(toSnsMessage(queued).message).toBe(referenceMessage(queued));
    expect(JSON.parse(JSON.parse(toSnsMessage(alert).message).default).alertId).toBe(alert.dedupeKey);
  });

  it.each([
    'plain',
    'caf\u00e9 \u2019quoted\u2019',
    'emoji \u{1f6a8} pair',
    'lone \ud800 high',
    'lone \udc00 low',
    '\ud800',
  ])('counts UTF-8 bytes as an encoder does: %s', (text) => {
    expect(byteLength(text)).toBe(new TextEncoder().encode(text).length);
  });

  it('measures multi-byte text exactly near the SNS limit', () => {
    // 60,000 three-byte characters: 180 KB of UTF-8 in the alert JSON and again in the e-mail text, over the limit.
    const wide = { ...alert, evidence: { ...alert.evidence, facts: [{ label: 'Note', value: '€'.repeat(60_000) }] } };
    const message = toSnsMessage(wide);
    expect(new TextEncoder().encode(message.message).length).toBeLessThan(SNS_MAX_BYTES);
    expect(JSON.parse(JSON.parse(message.message).default).enrichmentErrors).toContainEqual({
      lookup: 'evidence',
      message: 'truncated: the alert exceeded the SNS size limit',
    });
  });

  it('fits SNS by dropping log lines first, and says so', () => {
    const huge = {
      ...alert,
      evidence: {
        ...alert.evidence,
        logExcerpt: {
          container: 'api',
          logGroup: '/ecs/api',
          logStream: 's',
          lines: Array(400).fill('x'.repeat(1000)),
        },
      },
    };
    const message = toSnsMessage(huge);
    expect(new TextEncoder().encode(message.message).length).toBeLessThan(SNS_MAX_BYTES);
    const sqs = JSON.parse(JSON.parse(message.message).default);
    expect(sqs.evidence.logExcerpt).toBeUndefined();
    expect(sqs.enrichmentErrors).toContainEqual({
      lookup: 'log excerpt',
      message: 'dropped: the alert exceeded the SNS size limit',
    });
  });

  it('encodes log group links the way the CloudWatch console expects', () => {
    expect(logStreamLink('eu-west-1', '/ecs/api', 'ecs/api/abc').url).toBe(
      'https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:log-groups/log-group/$252Fecs$252Fapi/log-events/ecs$252Fapi$252Fabc',
    );
  });
});
