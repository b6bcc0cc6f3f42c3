/**
 * Many-accounts benchmark (`npm run bench:multi-account`), ON THE LOCAL EMULATOR (moto): the central
 * account's task-stopped processing of an OOM stop in a member account (local/two-accounts.ts), every
 * request counted by account. Per alert: the requests sent to the member (its lookups) and to STS, from a
 * cold function instance (new clients, no credentials) and a warm one; the time the role assumption
 * takes (the credentials provider's first call, cold; later calls, warm) and the whole processing, cold
 * and warm. Figures are of moto on 127.0.0.1: STS in AWS answers in tens of milliseconds, not one.
 * Prints ONE JSON line.
 *
 *   npx tsx bench/multi-account.ts [--runs N]
 */
import { totalCalls } from '../lambdas/adapters/sdk-call-counter';
import { processTaskStopped } from '../lambdas/app/process-task-stopped';
import { withLocalAws } from '../local/emulator';
import { rewriteFixtureIds } from '../local/seed';
import { centralTaskStopped, inMemberAccount, MEMBER_ACCOUNT, seedTwoAccounts } from '../local/two-accounts';
import { loadEvent } from '../test/support/events';

const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 21;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Number((sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0).toFixed(2));
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const value = await fn();
  return [value, performance.now() - start];
}

async function main(): Promise<void> {
  await withLocalAws(async (aws) => {
    const accounts = await seedTwoAccounts(aws.clientConfig);
    const event = inMemberAccount(
      rewriteFixtureIds(loadEvent('events/task-stopped/oom-killed.json'), accounts.member.fixtureIds),
    );
    const where = { account: MEMBER_ACCOUNT, region: aws.region };
    const assumeCold: number[] = [];
    const assumeWarm: number[] = [];
    const processCold: number[] = [];
    const processWarm: number[] = [];
    let callsCold = {};
    let callsWarm = {};
    let stsCold = 0;
    let stsWarm = 0;
    for (let run = 0; run < runs; run++) {
      // Cold: a new function instance. The assumption alone, then the first alert (credentials cached by then).
      const probe = centralTaskStopped(aws.clientConfig, accounts.central.topicArn);
      const provider = probe.credentials.clientConfig(where).credentials;
      assumeCold.push((await timed(async () => provider?.()))[1]);
      assumeWarm.push((await timed(async () => provider?.()))[1]);

      const watchdog = centralTaskStopped(aws.clientConfig, accounts.central.topicArn);
      const [first, coldMs] = await timed(() =>
        processTaskStopped({ ...event, id: `cold-${run}` }, watchdog.run(event)),
      );
      if (first.status !== 'published' || first.alert.enrichmentErrors.length > 0)
        throw new Error('cold alert incomplete');
      processCold.push(coldMs);
      callsCold = { ...watchdog.calls.member };
      stsCold = totalCalls(watchdog.stsCalls);
      const before = { ...watchdog.calls.member };
      const [, warmMs] = await timed(() => processTaskStopped({ ...event, id: `warm-${run}` }, watchdog.run(event)));
      processWarm.push(warmMs);
      callsWarm = Object.fromEntries(
        Object.entries(watchdog.calls.member ?? {}).map(([op, n]) => [
          op,
          n - ((before as Record<string, number>)[op] ?? 0),
        ]),
      );
      stsWarm = totalCalls(watchdog.stsCalls) - stsCold;
    }
    console.log(
      JSON.stringify({
        emulator: 'moto on 127.0.0.1 (not AWS)',
        runs,
        memberCallsPerAlertCold: callsCold,
        memberCallsPerAlertWarm: callsWarm,
        assumeRoleCallsPerAlertCold: stsCold,
        assumeRoleCallsPerAlertWarm: stsWarm,
        assumeRoleMsColdP50: percentile(assumeCold, 0.5),
        assumeRoleMsColdP90: percentile(assumeCold, 0.9),
        cachedCredentialsMsWarmP50: percentile(assumeWarm, 0.5),
        processMsColdP50: percentile(processCold, 0.5),
        processMsWarmP50: percentile(processWarm, 0.5),
      }),
    );
  });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
