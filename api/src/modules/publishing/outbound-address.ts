import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { Agent } from 'undici';

/** What the delivery log says when a target is refused: never what the address would have answered. */
export const PRIVATE_ADDRESS_REFUSAL = 'refused: private address';

export interface OutboundPolicy {
  /** Development and tests only: let deliveries reach loopback and private networks. */
  allowPrivateTargets: boolean;
  /** Production: only `https` targets. */
  requireHttps: boolean;
}

/**
 * Whether an IP address is on the public internet. Only ipaddr.js's `unicast` range passes:
 * loopback, private, link-local (cloud metadata), CGNAT, multicast, unspecified, reserved,
 * IPv4-mapped, NAT64 and 6to4 addresses (which can carry a private IPv4 inside) are not.
 */
export function isPublicAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '');
  if (!ipaddr.isValid(bare)) return false;
  const parsed = ipaddr.parse(bare);
  if (parsed.range() !== 'unicast') return false;
  // IPv6 beyond ipaddr.js's named ranges: only global unicast (2000::/3) is on the internet; the
  // rest — the IPv4-compatible ::/96 (`::127.0.0.1`), ::/8, 100::/64 … — can reach this machine.
  return parsed.kind() === 'ipv4' || parsed.match(GLOBAL_UNICAST_V6);
}

const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR('2000::/3');

/** What a delivery log says about a connection that failed: its kind only, never the address or the system's message. */
export function connectionFailure(error: unknown): string {
  let current: unknown = error;
  for (let i = 0; i < 4 && current && typeof current === 'object'; i++) {
    const code = (current as { code?: unknown }).code;
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'Could not connect: the host name does not resolve.';
    current = (current as { cause?: unknown }).cause;
  }
  return 'Could not connect.';
}

export class OutboundAddressRefused extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

/**
 * Checks a webhook URL's form: http(s) (https in production), no credentials, and — when the host is
 * written as an address, in any encoding the URL standard accepts (`2130706433`, `0x7f.1`,
 * `[::ffff:127.0.0.1]` all become the address) — a public one. Returns a refusal reason or null.
 */
export function refusalOfUrl(url: string, policy: OutboundPolicy): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'Use an http(s) URL.';
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return 'Use an http(s) URL.';
  if (policy.requireHttps && parsed.protocol !== 'https:') return 'Webhook endpoints must use https.';
  if (parsed.username || parsed.password) return 'The URL must not contain credentials.';
  if (policy.allowPrivateTargets) return null;
  // `localhost.` is `localhost`: a name's trailing dot (the DNS root) is dropped before names are compared.
  const host = parsed.hostname.replace(/^\[|\]$/g, '').replace(/\.+$/, '').toLowerCase();
  if (ipaddr.isValid(host)) return isPublicAddress(host) ? null : 'The URL points to a private, loopback or reserved address; webhooks go to the public internet only.';
  if (host === 'localhost' || host.endsWith('.localhost')) return 'The URL points to this machine; webhooks go to the public internet only.';
  return null;
}

/**
 * Resolves a host name and refuses it unless every address it resolves to is public; the address
 * handed back is the one the connection then uses, so a second DNS answer (rebinding) cannot
 * switch the target after the check.
 */
export function checkedLookup(policy: OutboundPolicy, resolve: typeof dnsLookup = dnsLookup): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const list = addresses as unknown as LookupAddress[];
      if (!list.length) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '', 0);
      if (!policy.allowPrivateTargets && list.some((a) => !isPublicAddress(a.address))) return callback(new OutboundAddressRefused(PRIVATE_ADDRESS_REFUSAL), '', 0);
      if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
      callback(null, list[0]!.address, list[0]!.family);
    });
  };
}

/** Resolves `hostname` once through the policy: null when allowed or unknown yet, else the refusal. */
export function refusalOfHost(hostname: string, policy: OutboundPolicy, timeoutMs = 2000): Promise<string | null> {
  if (policy.allowPrivateTargets || ipaddr.isValid(hostname.replace(/^\[|\]$/g, ''))) return Promise.resolve(null);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(null), timeoutMs);
    checkedLookup(policy)(hostname, {}, (error) => {
      clearTimeout(timer);
      // A name that does not resolve yet may later; every delivery checks it again.
      resolve(error instanceof OutboundAddressRefused ? 'The URL resolves to a private, loopback or reserved address; webhooks go to the public internet only.' : null);
    });
  });
}

/** An HTTP client whose every connection goes through the policy; redirects are not followed. */
export function outboundAgent(policy: OutboundPolicy): Agent {
  return new Agent({ connect: { lookup: checkedLookup(policy) } });
}
