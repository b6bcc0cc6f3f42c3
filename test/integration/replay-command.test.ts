/** `ecs-watchdog replay` against the local AWS: the same processing as the Lambda functions, one JSON line per file. */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { unwrapDeadLetter } from '../../lambdas/cli/dead-letter';
import { parseReplayArgs, runReplay } from '../../lambdas/cli/replay-command';
import { drainSnsDeliveries, type SeededAccount, seedAccount } from '../../local/seed';
import { awsClientConfig, localAws, resetAws } from './aws';

const ROOT = join(__dirname, '..', '..');
let seeded: SeededAccount;

beforeAll(async () => {
  // The command uses the default credential chain, as it would against AWS.
  process.env.AWS_ACCESS_KEY_ID ??= 'testing';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'testing';
  await resetAws();
  seeded = await seedAccount(awsClientConfig());
});

describe('ecs-watchdog replay', () => {
  it('publishes what an event would page and reports every file, including a bad one', async () => {
    const lines: string[] = [];
    const args = parseReplayArgs([
      '--endpoint',
      localAws().endpoint,
      '--region',
      'us-east-1',
      '--topic',
      seeded.alerts.topicArn,
      join(ROOT, 'events/task-stopped/app-crash-exit-1.json'),
      join(ROOT, 'events/task-stopped/scale-in.json'),
      join(ROOT, 'events/invalid/not-an-ecs-event.json'),
    ]);
    const code = await runReplay(
      args,
      (line) => lines.push(line),
      () => {},
    );
    expect(code).toBe(1);
    const results = lines.map((l) => JSON.parse(l));
    expect(results.map((r) => r.status)).toEqual(['published', 'routine', 'invalid']);
    expect(results[0]).toMatchObject({ kind: 'TASK_STOPPED', category: 'APP_CRASH', severity: 'HIGH' });
    expect(results[2].error).toBe('event.source: expected "aws.ecs", got "aws.ec2"');
    const delivered = await drainSnsDeliveries(awsClientConfig(), seeded.alerts.allAlerts.queueUrl);
    expect(delivered.map((d) => d.messageId)).toEqual([results[0].messageId]);
  });

  it('unwraps a Lambda on-failure record from the dead-letter queue to the event it carries', () => {
    const event = { id: 'e1', source: 'aws.ecs' };
    const record = { version: '1.0', requestContext: { condition: 'RetriesExhausted' }, requestPayload: event };
    expect(unwrapDeadLetter(record)).toBe(event);
    expect(unwrapDeadLetter(event)).toBe(event);
  });

  it('names a bad option', () => {
    expect(() => parseReplayArgs(['--topics', 'x', 'file.json'])).toThrow('unknown option --topics');
    expect(() => parseReplayArgs(['--topic'])).toThrow('--topic needs a value');
    expect(() => parseReplayArgs([])).toThrow('no files given');
  });
});
