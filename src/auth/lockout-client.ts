import { isIPv4, isIPv6 } from 'node:net';

/**
 * The client a signature failure is counted against: an IPv4 address as it is, an IPv6
 * address by its /64 (`2001:db8:1:2::/64`), an IPv4-mapped IPv6 address (`::ffff:192.0.2.7`,
 * as a dual-stack socket reports IPv4 clients) as its IPv4 address. A port or zone is
 * dropped. `undefined` for anything that is not an IP address.
 *
 * Why the /64: it is the smallest block a network hands out (SLAAC, privacy addresses), so
 * one host, or one attacker, holds 2^64 addresses of it and could switch address after
 * every failure; counted per address, the lock would never hold. The cost is that every
 * host of one /64 shares a lock, as every host behind one IPv4 NAT does.
 */
export function lockoutClient(address: string | undefined): string | undefined {
  if (address === undefined) return undefined;
  // Some proxies forward `192.0.2.7:51234` or `[2001:db8::1]:443`; the port is not the client.
  const unported =
    /^\[([^\]]+)\](?::\d+)?$/.exec(address)?.[1] ??
    /^(\d+\.\d+\.\d+\.\d+):\d+$/.exec(address)?.[1] ??
    address;
  // A zone (`fe80::1%eth0`) names the interface, not the peer.
  const ip = unported.split('%', 1)[0] ?? '';
  if (isIPv4(ip)) return ip;
  if (!isIPv6(ip)) return undefined;
  const groups = ipv6Groups(ip);
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    const [hi = 0, lo = 0] = groups.slice(6);
    return [hi >> 8, hi & 0xff, lo >> 8, lo & 0xff].join('.');
  }
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(':')}::/64`;
}

/** The eight 16-bit groups of a valid IPv6 address (a dotted IPv4 tail included). */
function ipv6Groups(ip: string): number[] {
  let text = ip;
  const tailStart = text.lastIndexOf(':') + 1;
  const tail = text.slice(tailStart);
  if (tail.includes('.')) {
    const [a = 0, b = 0, c = 0, d = 0] = tail.split('.').map(Number);
    text = `${text.slice(0, tailStart)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', rest] = text.split('::');
  const parse = (part: string): number[] =>
    part === '' ? [] : part.split(':').map((g) => parseInt(g, 16));
  const before = parse(head);
  if (rest === undefined) return before;
  const after = parse(rest);
  return [...before, ...Array<number>(8 - before.length - after.length).fill(0), ...after];
}
