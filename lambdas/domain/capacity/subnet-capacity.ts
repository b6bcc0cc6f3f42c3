/**
 * Subnet address arithmetic (pure). AWS reserves 5 addresses in every subnet: the network address,
 * the VPC router, the DNS server, one for future use, and the broadcast address.
 * https://docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html
 */
export const AWS_RESERVED_ADDRESSES = 5;

/** The smallest and largest IPv4 subnets AWS allows. */
export const MIN_SUBNET_PREFIX = 16;
export const MAX_SUBNET_PREFIX = 28;

/** The prefix ECS subnets should have at least (a /20 = 4091 usable addresses). */
export const RECOMMENDED_ECS_PREFIX = 20;

const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** `10.0.1.0/24` → 24. Throws on anything that is not an IPv4 CIDR block. */
export function prefixLength(cidr: string): number {
  const match = CIDR.exec(cidr.trim());
  if (!match) throw new Error(`not an IPv4 CIDR block: "${cidr}"`);
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((o) => o > 255) || prefix > 32) throw new Error(`not an IPv4 CIDR block: "${cidr}"`);
  return prefix;
}

/**
 * Addresses tasks can use in a subnet: 2^(32 − prefix) − 5. `/24` → 251, `/20` → 4091, `/28` → 11.
 * Prefixes longer than /29 cannot exist in a VPC; they yield 0 rather than a negative count.
 */
export function usableAddresses(cidr: string): number {
  return Math.max(0, 2 ** (32 - prefixLength(cidr)) - AWS_RESERVED_ADDRESSES);
}

/** The prefix a subnet needs so that `addresses` fit in it after the reserved five (never longer than /28). */
export function prefixFor(addresses: number): number {
  let prefix = MAX_SUBNET_PREFIX;
  while (prefix > 0 && 2 ** (32 - prefix) - AWS_RESERVED_ADDRESSES < addresses) prefix--;
  return prefix;
}
