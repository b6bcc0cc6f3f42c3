/**
 * The task-stopped handler as it is deployed: bundled (as the construct bundles it) into `index.mjs`,
 * with its lazy module `load-balancing-readers.mjs` next to it, run in a fresh Node process against the
 * local AWS with a health-check stop. The lazy module must load on that first health-check alert.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleLikeTheConstruct } from '../../bench/bundle-like-construct';
import type { Alert } from '../../lambdas/domain/alerts/alert';
import { LAZY_MODULES } from '../../lambdas/entries/lazy-modules';
import { drainSnsDeliveries, rewriteFixtureIds, type SeededAccount, seedAccount } from '../../local/seed';
import { loadEvent } from '../support/events';
import { awsClientConfig, localAws, resetAws } from './aws';

const ENTRIES = join(__dirname, '..', '..', 'lambdas', 'entries');
let seeded: SeededAccount;
let dir: string;

beforeAll(async () => {
  await resetAws();
  seeded = await seedAccount(awsClientConfig());
  dir = mkdtempSync(join(tmpdir(), 'ecs-watchdog-bundled-'));
  await bundleLikeTheConstruct(join(ENTRIES, 'task-stopped.ts'), join(dir, 'index.mjs'));
  for (const name of LAZY_MODULES['task-stopped'] ?? []) {
    await bundleLikeTheConstruct(join(ENTRIES, `${name}.ts`), join(dir, `${name}.mjs`));
  }
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the bundled task-stopped handler', () => {
  it('loads the load-balancing readers from the file next to it on a health-check alert', async () => {
    const event = rewriteFixtureIds(
      loadEvent('events/task-stopped/health-check-elb-security-group.json'),
      seeded.fixtureIds,
    );
    writeFileSync(join(dir, 'event.json'), JSON.stringify(event));
    writeFileSync(
      join(dir, 'invoke.mjs'),
      `import { readFileSync } from 'node:fs';
       const { handler } = await import('./index.mjs');
       const event = JSON.parse(readFileSync(new URL('./event.json', import.meta.url), 'utf8'));
       const out = await handler(event, { functionName: 'task-stopped', awsRequestId: 'r-1', getRemainingTimeInMillis: () => 30000 });
       process.stdout.write('RESULT ' + JSON.stringify(out));`,
    );
    const aws = localAws();
    const output = execFileSync(process.execPath, [join(dir, 'invoke.mjs')], {
      env: {
        ...process.env,
        AWS_ENDPOINT_URL: aws.endpoint,
        AWS_REGION: aws.region,
        AWS_ACCESS_KEY_ID: aws.credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: aws.credentials.secretAccessKey,
        ALERT_TOPIC_ARN: seeded.alerts.topicArn,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    }).toString();
    expect(output).toContain('RESULT {"status":"published"}');

    const [delivery] = await drainSnsDeliveries(awsClientConfig(), seeded.alerts.allAlerts.queueUrl);
    const alert = JSON.parse(delivery?.message ?? '{}') as Alert;
    expect(alert.enrichmentErrors).toEqual([]);
    expect(alert.verdict).toMatch(
      /^the task's security group sg-\w+ has no rule admitting the load balancer's security group/,
    );
  });
});
