// SPDX-License-Identifier: Apache-2.0
import dns from 'node:dns';
import type { LookupAddress, LookupOptions } from 'node:dns';
import net from 'node:net';

import { embeddedIpv4 } from './embedded-ipv4';

/**
 * Why a webhook receiver's address is refused: a webhook URL is chosen by a user, so without
 * this check it could make the app-api POST to itself, to the cluster's private services or to
 * a cloud metadata endpoint (169.254.169.254).
 */
export type AddressRule = 'loopback' | 'link-local' | 'private' | 'unspecified' | 'multicast';

type Range = readonly [network: string, prefix: number, family: 'ipv4' | 'ipv6'];

const RANGES: Record<AddressRule, readonly Range[]> = {
  loopback: [
    ['127.0.0.0', 8, 'ipv4'],
    ['::1', 128, 'ipv6'],
  ],
  'link-local': [
    ['169.254.0.0', 16, 'ipv4'],
    ['fe80::', 10, 'ipv6'],
  ],
  // RFC 1918, the carrier-grade NAT range (RFC 6598) and IPv6 unique local addresses.
  private: [
    ['10.0.0.0', 8, 'ipv4'],
    ['172.16.0.0', 12, 'ipv4'],
    ['192.168.0.0', 16, 'ipv4'],
    ['100.64.0.0', 10, 'ipv4'],
    ['fc00::', 7, 'ipv6'],
    // Local-use NAT64 (RFC 8215): where its prefix puts the IPv4 address is the network's choice.
    ['64:ff9b:1::', 48, 'ipv6'],
  ],
  unspecified: [
    ['0.0.0.0', 8, 'ipv4'],
    ['::', 128, 'ipv6'],
  ],
  multicast: [
    ['224.0.0.0', 4, 'ipv4'],
    ['255.255.255.255', 32, 'ipv4'],
    ['ff00::', 8, 'ipv6'],
  ],
};

/** The settings an operator changes to let webhooks reach such addresses. */
export const ALLOW_PRIVATE_SETTING = 'EVENTS_WEBHOOK_ALLOW_PRIVATE';
export const ALLOWED_HOSTS_SETTING = 'EVENTS_WEBHOOK_ALLOWED_HOSTS';

export interface AddressPolicy {
  /** Every address is allowed (development, or receivers inside the cluster). */
  allowPrivate: boolean;
  /** Addresses, CIDR ranges (`10.1.0.0/16`) and host names allowed despite the rules. */
  allowedHosts: readonly string[];
}

export interface Refusal {
  address: string;
  rule: AddressRule;
  /** The IPv4 address an IPv6 address carries (NAT64, 6to4 …), when that is what is refused. */
  carries?: string;
}

/** A webhook receiver's address is one the policy refuses. */
export class RefusedAddressError extends Error {
  constructor(
    readonly host: string,
    readonly refusal: Refusal,
  ) {
    super(refusalMessage(host, refusal));
    this.name = 'RefusedAddressError';
  }
}

export function refusalMessage(host: string, { address, rule, carries }: Refusal): string {
  const named = carries ? `${address}, which carries ${carries}` : address;
  const shown = host === address && !carries ? address : `${host} (${named})`;
  return `the webhook receiver ${shown} is a ${rule} address; set ${ALLOW_PRIVATE_SETTING}=true or add it to ${ALLOWED_HOSTS_SETTING} to allow it`;
}

/** `10.0.0.0/8`, `fd00::/8`: a network and its prefix length; undefined when it is not one. */
function parseCidr(entry: string): Range | undefined {
  const [address = '', prefix, extra] = entry.split('/');
  const family = net.isIP(address);
  if (family === 0 || extra !== undefined) return undefined;
  const max = family === 4 ? 32 : 128;
  const bits = prefix === undefined ? max : /^[0-9]{1,3}$/.test(prefix) ? Number(prefix) : -1;
  return bits >= 0 && bits <= max ? [address, bits, family === 4 ? 'ipv4' : 'ipv6'] : undefined;
}

const HOST_NAME =
  /^(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?\.)*[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$/i;

/** Whether an allow-list entry is an address, a CIDR range or a host name. */
export const isAllowedHostEntry = (entry: string): boolean =>
  parseCidr(entry) !== undefined || HOST_NAME.test(entry);

const familyOf = (address: string): 'ipv4' | 'ipv6' => (net.isIP(address) === 6 ? 'ipv6' : 'ipv4');

/** `[::1]` (a URL's host) as `::1`. */
const bare = (host: string) => host.replace(/^\[(.*)\]$/, '$1').toLowerCase();

/** Every address a name resolves to now. */
export type ResolveAll = (
  hostname: string,
  callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

const resolveAll: ResolveAll = (hostname, callback) =>
  dns.lookup(hostname, { all: true }, callback);

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * Decides which addresses webhooks may reach, with `net.BlockList` ranges: at a subscription's
 * creation (its URL) and at each delivery, where {@link lookup} checks what the name resolves to
 * and hands the connection only checked addresses, so it connects to what was checked.
 */
export class WebhookAddressGuard {
  readonly #rules: [AddressRule, net.BlockList][];
  readonly #allowedRanges = new net.BlockList();
  readonly #allowedNames: ReadonlySet<string>;

  constructor(
    private readonly policy: AddressPolicy,
    private readonly resolve: ResolveAll = resolveAll,
    /** How long a subscription's creation waits for its webhook host name to resolve. */
    private readonly creationLookupMs = 5_000,
  ) {
    this.#rules = Object.entries(RANGES).map(([rule, ranges]) => {
      const list = new net.BlockList();
      for (const [network, prefix, family] of ranges) list.addSubnet(network, prefix, family);
      return [rule as AddressRule, list];
    });
    const names = new Set<string>();
    for (const entry of policy.allowedHosts) {
      const range = parseCidr(entry);
      if (range) this.#allowedRanges.addSubnet(...range);
      else names.add(entry.toLowerCase());
    }
    this.#allowedNames = names;
  }

  /**
   * The rule that refuses `address`, or undefined when it may be reached. An IPv6 address that
   * carries an IPv4 address (see {@link embeddedIpv4}) is judged by that one as well.
   */
  refusal(address: string): Refusal | undefined {
    if (this.policy.allowPrivate || net.isIP(address) === 0) return undefined;
    const family = familyOf(address);
    const carries = family === 'ipv6' ? embeddedIpv4(address) : undefined;
    if (this.#allowedRanges.check(address, family)) return undefined;
    if (carries && this.#allowedRanges.check(carries, 'ipv4')) return undefined;
    const rule = this.#rule(address, family);
    if (rule) return { address, rule };
    const carried = carries && this.#rule(carries, 'ipv4');
    return carried ? { address, rule: carried, carries } : undefined;
  }

  #rule(address: string, family: 'ipv4' | 'ipv6'): AddressRule | undefined {
    return this.#rules.find(([, list]) => list.check(address, family))?.[0];
  }

  /**
   * The refusal of a URL's host: its address, or the first refused address its name resolves
   * to now. A name that does not resolve yet passes; each delivery checks it again.
   */
  async check(url: URL): Promise<Refusal | undefined> {
    const host = bare(url.hostname);
    if (this.policy.allowPrivate || this.#allowedNames.has(host)) return undefined;
    if (net.isIP(host) !== 0) return this.refusal(host);
    // A resolver that does not answer in time does not hold the request: delivery checks again.
    let timer: NodeJS.Timeout | undefined;
    const addresses = await new Promise<LookupAddress[]>((resolve) => {
      timer = setTimeout(() => resolve([]), this.creationLookupMs);
      this.resolve(host, (error, found) => resolve(error ? [] : found));
    }).finally(() => clearTimeout(timer));
    return this.#firstRefusal(addresses);
  }

  /** The refusal of a URL whose host is an address (connections to those skip the lookup). */
  literalRefusal(url: URL): Refusal | undefined {
    const host = bare(url.hostname);
    return net.isIP(host) !== 0 && !this.#allowedNames.has(host) ? this.refusal(host) : undefined;
  }

  /**
   * A `lookup` for `http.request`: resolves the name and fails with {@link RefusedAddressError}
   * when any address it resolves to is refused (a name that resolves to a public and a private
   * address is refused, not raced), so the socket connects only to a checked address.
   */
  readonly lookup = (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    this.resolve(hostname, (error, found) => {
      if (error) {
        callback(error, '');
        return;
      }
      const wanted = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : options.family;
      const addresses = wanted ? found.filter((entry) => entry.family === wanted) : found;
      const refusal = this.#allowedNames.has(bare(hostname))
        ? undefined
        : this.#firstRefusal(addresses);
      if (refusal) {
        callback(new RefusedAddressError(hostname, refusal), '');
        return;
      }
      if (options.all) {
        callback(null, addresses);
        return;
      }
      const first = addresses[0];
      if (!first) callback(new Error(`${hostname} has no address of the family asked for`), '');
      else callback(null, first.address, first.family);
    });
  };

  #firstRefusal(addresses: LookupAddress[]): Refusal | undefined {
    for (const { address } of addresses) {
      const refusal = this.refusal(address);
      if (refusal) return refusal;
    }
    return undefined;
  }
}
