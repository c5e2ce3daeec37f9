// SPDX-License-Identifier: Apache-2.0
import net from 'node:net';

/** The 16 bytes of an IPv6 address (a zone such as `%eth0` ignored); undefined otherwise. */
export function ipv6Bytes(address: string): Uint8Array | undefined {
  const bare = address.split('%')[0] ?? '';
  if (!net.isIPv6(bare)) return undefined;
  // A trailing dotted quad (`::ffff:10.0.0.1`) is the last two groups.
  const dotted = /^(.*:)(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(bare);
  let text = bare;
  if (dotted) {
    const [, groups = '', a, b, c, d] = dotted;
    const pair = (high?: string, low?: string) => ((Number(high) << 8) | Number(low)).toString(16);
    text = `${groups}${pair(a, b)}:${pair(c, d)}`;
  }
  const [head = '', tail] = text.split('::');
  const groups = (part: string) => (part === '' ? [] : part.split(':'));
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const all = [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  const bytes = new Uint8Array(16);
  all.forEach((group, index) => {
    const value = parseInt(group, 16);
    bytes[index * 2] = value >> 8;
    bytes[index * 2 + 1] = value & 0xff;
  });
  return bytes;
}

const quad = (bytes: Uint8Array, from: number, invert = false): string =>
  Array.from(bytes.subarray(from, from + 4), (byte) => (invert ? byte ^ 0xff : byte)).join('.');

const zeros = (bytes: Uint8Array, from: number, to: number) =>
  bytes.subarray(from, to).every((byte) => byte === 0);

/**
 * The IPv4 address an IPv6 address carries, for the forms that deliver to it: IPv4-mapped
 * (`::ffff:0:0/96`), IPv4-translated (`::ffff:0:0:0/96`), IPv4-compatible (`::/96`), the
 * well-known NAT64 prefix (`64:ff9b::/96`), 6to4 (`2002::/16`) and Teredo (`2001::/32`, the
 * client's address stored inverted). A gateway of any of them forwards to that IPv4 address,
 * so a webhook receiver there is judged by it. Undefined for any other address.
 */
export function embeddedIpv4(address: string): string | undefined {
  const bytes = ipv6Bytes(address);
  if (!bytes) return undefined;
  const word = (index: number) => ((bytes[index] ?? 0) << 8) | (bytes[index + 1] ?? 0);
  if (zeros(bytes, 0, 10) && word(10) === 0xffff) return quad(bytes, 12);
  if (zeros(bytes, 0, 8) && word(8) === 0xffff && word(10) === 0) return quad(bytes, 12);
  if (zeros(bytes, 0, 12)) return quad(bytes, 12);
  if (word(0) === 0x64 && word(2) === 0xff9b && zeros(bytes, 4, 12)) return quad(bytes, 12);
  if (word(0) === 0x2002) return quad(bytes, 2);
  if (word(0) === 0x2001 && word(2) === 0) return quad(bytes, 12, true);
  return undefined;
}
