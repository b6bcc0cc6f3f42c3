/**
 * How many awsvpc tasks an EC2 container instance can run when it has an ENI trunk (pure).
 *
 * With the `awsvpcTrunking` account setting turned on, container instances launched afterwards on a
 * supported instance type get a trunk network interface, and ECS reports it with the container
 * instance attribute `ecs.awsvpc-trunk-id`. The attribute, not the account setting, is what counts:
 * instances launched before the opt-in keep the normal limit. Tasks then use branch interfaces of the
 * trunk, whose per-type limit no API returns; it is published only as a table in the ECS developer
 * guide ("Supported Amazon EC2 instance types" under "Increasing Amazon ECS Linux container instance
 * network interfaces"). The families below follow one of two size progressions there; any other type
 * yields `undefined` (the scan then reports the instance's ENI capacity as unknown, never a guess).
 */
export const TRUNK_ATTRIBUTE = 'ecs.awsvpc-trunk-id';

// m5/c5/r5 (and their a/d/ad variants), Graviton 2/3 (m6g, c6g, r6g, m7g, c7g, r7g and d/n variants), x2gd, im4gn, is4gen.
const STANDARD: Readonly<Record<string, number>> = {
  medium: 4,
  large: 10,
  xlarge: 20,
  '2xlarge': 40,
  '4xlarge': 60,
  '8xlarge': 60,
  '9xlarge': 60,
  '12xlarge': 60,
  '16xlarge': 120,
  '18xlarge': 120,
  '24xlarge': 120,
  metal: 120,
};

// 6th-generation Intel/AMD (m6i, m6a, c6i, c6a, r6i, r6a and their d/n/dn variants): more branches from 8xlarge up.
const SIXTH_GENERATION_X86: Readonly<Record<string, number>> = {
  large: 10,
  xlarge: 20,
  '2xlarge': 40,
  '4xlarge': 60,
  '8xlarge': 90,
  '12xlarge': 120,
  '16xlarge': 120,
  '24xlarge': 120,
  '32xlarge': 120,
  '48xlarge': 120,
  metal: 120,
};

const STANDARD_FAMILY = /^(?:[mcr]5(?:a|d|ad)?|[mcr][67]g[dn]?|x2gd|im4gn|is4gen)$/;
const SIXTH_GENERATION_FAMILY = /^[mcr]6(?:i|a|id|in|idn)$/;
// Listed in the guide as exceptions to their family's support.
const UNSUPPORTED = new Set([
  'c5.metal',
  'c5d.metal',
  'm5.metal',
  'r5.metal',
  'r5.8xlarge',
  'r5d.metal',
  'c5a.8xlarge',
]);
// Graviton sizes whose medium size supports 4 branch interfaces; 5th-generation x86 families have no medium.
const HAS_MEDIUM = /g[dn]?$|^is4gen$/;

/** Task (branch interface) limit of a trunked container instance, or undefined when the type is not in the table. */
export function trunkedTaskLimit(instanceType: string): number | undefined {
  if (UNSUPPORTED.has(instanceType)) return undefined;
  const [family, size] = instanceType.split('.');
  if (!family || !size) return undefined;
  if (SIXTH_GENERATION_FAMILY.test(family)) return SIXTH_GENERATION_X86[size];
  if (STANDARD_FAMILY.test(family)) {
    if (size === 'medium' && !HAS_MEDIUM.test(family)) return undefined;
    if (family === 'x2gd' && size === 'medium') return 10;
    return STANDARD[size];
  }
  return undefined;
}
