/**
 * Two accounts on the local AWS (README "Many accounts and regions"): an event of the member account is
 * enriched from the member's own resources through its member role, and paged from the central account.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { processTaskStopped } from '../../lambdas/app/process-task-stopped';
import type { Alert } from '../../lambdas/domain/alerts/alert';
import { drainSnsDeliveries, rewriteFixtureIds } from '../../local/seed';
import {
  CENTRAL_ACCOUNT,
  centralTaskStopped,
  inMemberAccount,
  MEMBER_ACCOUNT,
  MEMBER_NAME,
  seedTwoAccounts,
  type TwoAccounts,
} from '../../local/two-accounts';
import { loadEvent } from '../support/events';
import { awsClientConfig, resetAws } from './aws';

let accounts: TwoAccounts;

beforeAll(async () => {
  await resetAws();
  accounts = await seedTwoAccounts(awsClientConfig());
});

afterEach(async () => {
  await drainSnsDeliveries(awsClientConfig(), accounts.central.queueUrl);
});

const oomEvent = () =>
  rewriteFixtureIds(loadEvent('events/task-stopped/oom-killed.json'), accounts.member.fixtureIds) as Record<
    string,
    unknown
  >;

describe('an event of a member account', () => {
  it("is enriched with the member's task definition and logs through the assumed role, and paged from the central account", async () => {
    const watchdog = centralTaskStopped(awsClientConfig(), accounts.central.topicArn);
    const event = inMemberAccount(oomEvent());
    expect(event.account).toBe(MEMBER_ACCOUNT);

    const outcome = await processTaskStopped(event, watchdog.run(event));
    expect(outcome.status).toBe('published');

    const [delivery, ...more] = await drainSnsDeliveries(awsClientConfig(), accounts.central.queueUrl);
    expect(more).toEqual([]);
    expect(delivery?.attributes).toMatchObject({
      account: MEMBER_ACCOUNT,
      region: 'us-east-1',
      category: 'OOM_KILLED',
    });
    const alert = JSON.parse(delivery?.message ?? '{}') as Alert;
    expect(alert.account).toBe(MEMBER_ACCOUNT);
    expect(alert.accountName).toBe(MEMBER_NAME);
    expect(alert.enrichmentErrors).toEqual([]);
    // Only the member's task definition knows the soft limit and the essential flags.
    expect(alert.evidence.containers).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          name: 'api',
          culprit: true,
          essential: true,
          memoryHardMiB: 512,
          memorySoftMiB: 256,
        }),
      ]),
    );
    expect(alert.evidence.logExcerpt?.lines.at(-1)).toContain('JavaScript heap out of memory');
    expect(alert.team).toBe('payments');
    expect(
      alert.links.every((link) => link.label.endsWith(`(account ${MEMBER_NAME} (${MEMBER_ACCOUNT}), us-east-1)`)),
    ).toBe(true);

    // Every lookup went to the member, with its role assumed once.
    expect(watchdog.stsCalls).toEqual({ AssumeRole: 1 });
    expect(watchdog.calls.central).toBeUndefined();
    // This revision and the previous one (OOM evidence compares their limits).
    expect(watchdog.calls.member?.DescribeTaskDefinition).toBe(2);
  });

  it('a second event of the member reuses the credentials: no further AssumeRole', async () => {
    const watchdog = centralTaskStopped(awsClientConfig(), accounts.central.topicArn);
    for (const suffix of ['1', '2']) {
      const event = { ...inMemberAccount(oomEvent()), id: `second-${suffix}` };
      expect((await processTaskStopped(event, watchdog.run(event))).status).toBe('published');
    }
    expect(watchdog.stsCalls).toEqual({ AssumeRole: 1 });
    expect(watchdog.credentials.assumeRoleCalls).toBe(1);
  });

  it("the same event looked up with the central account's own role finds nothing there: the member role is what finds it", async () => {
    const watchdog = centralTaskStopped(awsClientConfig(), accounts.central.topicArn);
    // The central account's own events use the function's role: the member's resources are not in it.
    const event = oomEvent();
    expect(event.account).toBe(CENTRAL_ACCOUNT);
    const outcome = await processTaskStopped(event, watchdog.run(event));
    expect(outcome.status).toBe('published');
    if (outcome.status !== 'published') return;
    expect(outcome.alert.enrichmentErrors.map((e) => e.lookup)).toContain('task definition');
    expect(outcome.alert.accountName).toBeUndefined();
    expect(watchdog.stsCalls).toEqual({});
    expect(watchdog.calls.member).toBeUndefined();
  });
});
