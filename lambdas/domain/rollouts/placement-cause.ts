/**
 * Why ECS could not place a task, as far as the SERVICE_TASK_PLACEMENT_FAILURE event itself says (offline):
 * its `reason` (`RESOURCE:CPU`, `RESOURCE:MEMORY`, `RESOURCE:ENI`, `RESOURCE:PORTS`, `RESOURCE:FARGATE`,
 * `AGENT`, `ATTRIBUTE`, ...), else its capacity providers. The online diagnosis refines it.
 */
export type PlacementCause = string;

/** PORTS_TCP / PORTS_UDP are reported as RESOURCE:PORTS. */
const RESOURCE = /RESOURCE:([A-Z_]+)/i;

export function placementCauseOf(reason: string | undefined, capacityProviderArns: string[]): PlacementCause {
  const text = reason ?? '';
  const resource = RESOURCE.exec(text)?.[1]?.toUpperCase();
  if (resource) return `RESOURCE:${resource.startsWith('PORTS') ? 'PORTS' : resource}`;
  if (/\bAGENT\b/i.test(text)) return 'AGENT';
  if (/\bATTRIBUTE\b/i.test(text)) return 'ATTRIBUTE';
  if (/\bINSTANCE\b|no container instance/i.test(text)) return 'RESOURCE:INSTANCE';
  const providers = capacityProviderArns.map((arn) => arn.slice(arn.lastIndexOf('/') + 1));
  if (providers.some((p) => p === 'FARGATE' || p === 'FARGATE_SPOT')) return 'RESOURCE:FARGATE';
  if (providers.length > 0) return 'CAPACITY_PROVIDER';
  return 'UNKNOWN';
}
