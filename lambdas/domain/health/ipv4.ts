/** IPv4 addresses and CIDR blocks as 32-bit ranges; IPv6 is out of scope (it yields undefined). */

export interface Ipv4Range {
  first: number;
  last: number;
}

const ADDRESS = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/(\d{1,2}))?$/;

/** `10.0.1.0/24` or a bare address (a /32); undefined for anything else (IPv6 included). */
export function parseIpv4Range(text: string): Ipv4Range | undefined {
  const match = ADDRESS.exec(text.trim());
  if (!match) return undefined;
  const octets = match.slice(1, 5).map(Number);
  const prefix = match[5] === undefined ? 32 : Number(match[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const address = octets.reduce((value, octet) => value * 256 + octet, 0);
  const size = 2 ** (32 - prefix);
  const first = Math.floor(address / size) * size;
  return { first, last: first + size - 1 };
}

/** Whether every address of `inner` is in `outer` (both CIDR blocks or addresses). */
export function cidrContains(outer: string, inner: string): boolean {
  const a = parseIpv4Range(outer);
  const b = parseIpv4Range(inner);
  return a !== undefined && b !== undefined && a.first <= b.first && b.last <= a.last;
}
