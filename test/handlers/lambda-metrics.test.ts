import { afterEach, describe, expect, it, vi } from 'vitest';

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe('the Lambda runtime counter', () => {
  it('publishes a dimensioned count as its own EMF object: the Pages metric by severity and category', async () => {
    vi.stubEnv('POWERTOOLS_METRICS_NAMESPACE', 'EcsWatchdog');
    vi.stubEnv('POWERTOOLS_SERVICE_NAME', 'ecs-watchdog');
    vi.resetModules();
    const lines: string[] = [];
    // Powertools writes EMF with its own console on stdout.
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      return true;
    });
    const { counter } = await import('../../lambdas/entries/lambda-runtime.js');
    const { countPage } = await import('../../lambdas/app/shared/telemetry.js');
    countPage(counter, { severity: 'CRITICAL', category: 'SERVICE_NOT_RUNNING' });
    const emf = lines
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l))
      .find((o) => o._aws?.CloudWatchMetrics);
    expect(emf?._aws.CloudWatchMetrics[0]).toMatchObject({
      Namespace: 'EcsWatchdog',
      Metrics: [{ Name: 'Pages', Unit: 'Count' }],
    });
    expect([...emf._aws.CloudWatchMetrics[0].Dimensions[0]].sort()).toEqual(['category', 'service', 'severity']);
    expect(emf).toMatchObject({
      Pages: 1,
      severity: 'CRITICAL',
      category: 'SERVICE_NOT_RUNNING',
      service: 'ecs-watchdog',
    });
  });
});
