import type { DescribeServicesCommandOutput } from '@aws-sdk/client-ecs';
import type { DescribeTargetHealthCommandOutput } from '@aws-sdk/client-elastic-load-balancing-v2';
import { CONTAINER_PORT, HEALTH_CHECK_CASES, type SeededHealthChecks } from './seed-health-checks';

/** The middleware options an SDK client's middlewareStack.add takes (no SDK type names the generic form). */
interface ClientWithMiddleware {
  middlewareStack: {
    add(
      middleware: (
        next: (args: unknown) => Promise<{ output: unknown }>,
        context: { commandName?: string },
      ) => (args: unknown) => Promise<{ output: unknown }>,
      options: { step: 'initialize'; name: string },
    ): void;
  };
}

/**
 * Adds to moto's answers what it cannot produce for the seeded cases (see the file comment): on ECS
 * DescribeServices the "is unhealthy in (target-group …)" event of each case's stopped task; on ELBv2
 * DescribeTargetHealth the seeded targets' states, reason codes and descriptions. Everything else is
 * moto's. Pass it as the `instrument` of makeWatchdogDeps.
 */
export function emulateHealthReports(client: unknown, seeded: SeededHealthChecks): void {
  (client as ClientWithMiddleware).middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      if (context.commandName === 'DescribeServicesCommand') {
        for (const service of (result.output as DescribeServicesCommandOutput).services ?? []) {
          const c = HEALTH_CHECK_CASES.find((x) => x.service === service.serviceName);
          const seededService = c && seeded.services[c.service];
          if (!c || !seededService) continue;
          service.events = [
            {
              id: `${c.taskId}-unhealthy`,
              createdAt: new Date(c.unhealthyEvent.at),
              message: `(service ${c.service}) (task ${c.taskId}) (port ${CONTAINER_PORT}) is unhealthy in (target-group ${seededService.targetGroupArn}) due to (reason ${c.unhealthyEvent.reason}).`,
            },
            ...(service.events ?? []),
          ];
        }
      }
      if (context.commandName === 'DescribeTargetHealthCommand') {
        for (const description of (result.output as DescribeTargetHealthCommandOutput).TargetHealthDescriptions ?? []) {
          const target = HEALTH_CHECK_CASES.flatMap((c) => c.targets).find((t) => t.ip === description.Target?.Id);
          if (!target) continue;
          description.TargetHealth = { State: target.state, Reason: target.reason, Description: target.description };
        }
      }
      return result;
    },
    { step: 'initialize', name: 'emulateHealthReports' },
  );
}
