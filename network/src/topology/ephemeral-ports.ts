// SPDX-License-Identifier: Apache-2.0
/**
 * The kernel hands out local ports for outgoing connections from its ephemeral range. A network
 * whose listening ports fall in that range works until a process restarts: meanwhile any client
 * (a peer dialling, a load generator) may be given that port, and the restarted process then
 * fails with EADDRINUSE. `up` warns about it and names the fix.
 */
import fs from 'node:fs';

export interface PortRange {
  low: number;
  high: number;
}

const PORT_RANGE_FILE = '/proc/sys/net/ipv4/ip_local_port_range';
const RESERVED_PORTS_FILE = '/proc/sys/net/ipv4/ip_local_reserved_ports';

/** The kernel's ephemeral port range, or undefined where it cannot be read. */
export function ephemeralPortRange(file = PORT_RANGE_FILE): PortRange | undefined {
  try {
    const [low, high] = fs.readFileSync(file, 'utf8').trim().split(/\s+/).map(Number);
    if (
      low !== undefined &&
      high !== undefined &&
      Number.isInteger(low) &&
      Number.isInteger(high)
    ) {
      return { low, high };
    }
  } catch {
    // not Linux, or /proc not mounted
  }
  return undefined;
}

/** Ports the kernel never hands out as ephemeral (net.ipv4.ip_local_reserved_ports, e.g. "1,5-9"). */
export function reservedPorts(file = RESERVED_PORTS_FILE): PortRange[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8').trim();
  } catch {
    return [];
  }
  return text
    .split(',')
    .filter(Boolean)
    .map((part) => {
      const [low = NaN, high = low] = part.split('-').map(Number);
      return { low, high };
    });
}

const inRange = (port: number, range: PortRange) => port >= range.low && port <= range.high;

/**
 * A warning when some of `ports` can be handed out as ephemeral ports, naming the fix; undefined
 * when none can.
 */
export function ephemeralPortWarning(
  ports: number[],
  range: PortRange | undefined,
  reserved: PortRange[],
): string | undefined {
  if (!range) return undefined;
  const exposed = ports
    .filter((port) => inRange(port, range) && !reserved.some((r) => inRange(port, r)))
    .sort((a, b) => a - b);
  const first = exposed[0];
  const last = exposed[exposed.length - 1];
  if (first === undefined || last === undefined) return undefined;
  // the network keeps its layout at any base port: all of it must end below the range
  const span = Math.max(...ports) - Math.min(...ports);
  return (
    `warning: ${exposed.length} of the network's ports (${first}-${last}) lie in the kernel's ` +
    `ephemeral port range ${range.low}-${range.high}, so an outgoing connection can take one while ` +
    `its process restarts (EADDRINUSE). Choose a --base-port below ${range.low - span}, or reserve ` +
    `them: sysctl -w net.ipv4.ip_local_reserved_ports=${first}-${last}`
  );
}
