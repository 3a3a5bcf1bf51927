/**
 * Which destinations the hub may call out to (webhooks, notifier): http(s) only, and never an
 * address inside the hub's own network unless an operator allows it (OUTBOUND_ALLOW_PRIVATE,
 * OUTBOUND_ALLOW_HOSTS). Checked on the URL at registration and on every resolved address at
 * connection time, so a name that later resolves elsewhere (DNS rebinding) is caught too.
 */
import dns from 'node:dns/promises';
import ipaddr from 'ipaddr.js';

export interface OutboundPolicy {
  /** Private, loopback and link-local destinations are allowed (development, tests, closed networks). */
  allowPrivate: boolean;
  /** Host names (exact, lower case), IP addresses or CIDR ranges allowed even though not public. */
  allowHosts: readonly string[];
}

export const STRICT_POLICY: OutboundPolicy = { allowPrivate: false, allowHosts: [] };

/** A destination the policy does not allow; `reason` is short and safe to show to whoever registered it. */
export class OutboundRefused extends Error {
  override name = 'OutboundRefused';
  constructor(readonly reason: string) {
    super(`refused: ${reason}`);
  }
}

/** ipaddr.js range names, in the words shown to a registrant. */
const RANGE_WORDS: Readonly<Record<string, string>> = {
  loopback: 'loopback address',
  private: 'private address',
  uniqueLocal: 'private address',
  linkLocal: 'link-local address',
  multicast: 'multicast address',
  broadcast: 'broadcast address',
  unspecified: 'unspecified address',
  carrierGradeNat: 'private address',
};
/** Never a meaningful destination, whatever the policy says. */
const NEVER = new Set(['unspecified', 'multicast', 'broadcast']);

type Address = ipaddr.IPv4 | ipaddr.IPv6;

function inAllowList(policy: OutboundPolicy, host: string, address: Address | null): boolean {
  for (const entry of policy.allowHosts) {
    if (entry === host) return true;
    if (!address) continue;
    try {
      if (!entry.includes('/')) {
        if (ipaddr.process(entry).toString() === address.toString()) return true;
        continue;
      }
      const [base, bits] = ipaddr.parseCIDR(entry);
      if (base.kind() === 'ipv4' && address.kind() === 'ipv4' && address.match(base, bits)) return true;
      if (base.kind() === 'ipv6' && address.kind() === 'ipv6' && address.match(base, bits)) return true;
    } catch {
      // A host name entry, compared above.
    }
  }
  return false;
}

/**
 * Why an address may not be called, or null when it may. IPv4-mapped IPv6 (::ffff:127.0.0.1) is
 * judged as the IPv4 address it carries; only public unicast is allowed by default (NAT64, 6to4,
 * Teredo and other special ranges can reach private IPv4 addresses, so they are refused too).
 */
export function addressProblem(ip: string, policy: OutboundPolicy, host = ip): string | null {
  let address: Address;
  try {
    address = ipaddr.process(ip);
  } catch {
    return 'not an IP address';
  }
  const range = address.range();
  if (NEVER.has(range)) return RANGE_WORDS[range] ?? 'reserved address';
  if (range === 'unicast') return null;
  if (policy.allowPrivate || inAllowList(policy, host, address)) return null;
  return RANGE_WORDS[range] ?? 'reserved address';
}

/** The host of a URL without IPv6 brackets, lower case. */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
}

/**
 * Parses and checks a destination URL without resolving it: http(s), no credentials, and a host
 * that is not a refused address. The WHATWG parser has already turned 0x7f000001, 2130706433 and
 * 127.1 into 127.0.0.1, so odd spellings of an address are judged as that address.
 */
export function checkUrl(raw: string, policy: OutboundPolicy): URL {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new OutboundRefused('not an absolute URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new OutboundRefused('only http and https URLs');
  if (url.username || url.password) throw new OutboundRefused('the URL must not contain credentials');
  const host = hostOf(url);
  if (ipaddr.isValid(host)) {
    const problem = addressProblem(host, policy);
    if (problem) throw new OutboundRefused(problem);
  } else if (
    (host === 'localhost' || host.endsWith('.localhost')) &&
    !policy.allowPrivate &&
    !inAllowList(policy, host, null)
  ) {
    throw new OutboundRefused('loopback address');
  }
  return url;
}

/** Resolves a host name and checks every address it has; returns them (one refused address refuses all). */
export async function resolveChecked(
  host: string,
  policy: OutboundPolicy,
): Promise<{ address: string; family: number }[]> {
  if (ipaddr.isValid(host)) {
    const problem = addressProblem(host, policy, host);
    if (problem) throw new OutboundRefused(problem);
    return [{ address: host, family: ipaddr.parse(host).kind() === 'ipv6' ? 6 : 4 }];
  }
  let addresses: { address: string; family: number }[];
  try {
    addresses = await dns.lookup(host, { all: true, verbatim: true });
  } catch {
    throw new OutboundRefused('the host name does not resolve');
  }
  if (addresses.length === 0) throw new OutboundRefused('the host name does not resolve');
  for (const a of addresses) {
    const problem = addressProblem(a.address, policy, host);
    if (problem) throw new OutboundRefused(problem);
  }
  return addresses;
}

/**
 * Checks a destination URL as registration does: the URL itself, then every address its host
 * resolves to. A name that does not resolve yet (a consumer setting up its DNS, a resolver
 * outage) is accepted: nothing is sent until delivery, which resolves and checks again.
 */
export async function checkDestination(raw: string, policy: OutboundPolicy): Promise<URL> {
  const url = checkUrl(raw, policy);
  try {
    await resolveChecked(hostOf(url), policy);
  } catch (err) {
    if (!(err instanceof OutboundRefused && err.reason === 'the host name does not resolve')) throw err;
  }
  return url;
}
