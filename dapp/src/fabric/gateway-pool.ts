// SPDX-License-Identifier: Apache-2.0
import type * as grpc from '@grpc/grpc-js';
import type { CheckResult } from '@consortia/common';
import { connectGateway, peerClient } from '@consortia/common/fabric';
import type { Gateway } from '@hyperledger/fabric-gateway';

import type { SigningIdentity } from './identity';

export interface GatewayPoolOptions {
  endpoints: string[];
  tlsCaCertificate?: Buffer;
  tlsServerName?: string;
  identities: Map<string, SigningIdentity>;
  timeouts: { evaluateMs: number; endorseMs: number; submitMs: number; commitMs: number };
  /** How long a peer that did not answer is passed over. */
  quarantineMs?: number;
}

interface Endpoint {
  address: string;
  client: grpc.Client;
  unavailableUntil: number;
}

/**
 * gRPC connections to the org's peers and a Gateway per identity and peer. Calls go to the first
 * healthy peer; a peer reported unavailable is passed over for a while, so the next attempt goes
 * through another one.
 */
export class GatewayPool {
  private readonly endpoints: Endpoint[];
  private readonly gateways = new Map<string, { identity: SigningIdentity; gateway: Gateway }>();
  private preferred = 0;

  constructor(private readonly options: GatewayPoolOptions) {
    if (options.endpoints.length === 0) throw new Error('FABRIC_PEER_ENDPOINTS lists no peer');
    this.endpoints = options.endpoints.map((address) => ({
      address,
      client: peerClient({
        address,
        tlsCaCertificate: options.tlsCaCertificate,
        tlsServerName: options.tlsServerName,
      }),
      unavailableUntil: 0,
    }));
  }

  hasIdentity(name: string): boolean {
    return this.options.identities.has(name);
  }

  /** The MSP id an identity signs as: the organization trusted with its caller's secrets. */
  mspIdOf(identityName: string): string {
    const identity = this.options.identities.get(identityName);
    if (!identity) throw new Error(`no Fabric identity named '${identityName}'`);
    return identity.mspId;
  }

  /** Healthy peers first, starting with the preferred one; quarantined peers last. */
  private order(): Endpoint[] {
    const rotated = [
      ...this.endpoints.slice(this.preferred),
      ...this.endpoints.slice(0, this.preferred),
    ];
    const now = Date.now();
    return [
      ...rotated.filter((endpoint) => endpoint.unavailableUntil <= now),
      ...rotated.filter((endpoint) => endpoint.unavailableUntil > now),
    ];
  }

  private gateway(identityName: string, endpoint: Endpoint): Gateway {
    const key = `${identityName}\u0000${endpoint.address}`;
    const identity = this.options.identities.get(identityName);
    if (!identity) throw new Error(`no Fabric identity named '${identityName}'`);
    const cached = this.gateways.get(key);
    // A re-enrolled identity is a new object: its old gateway would sign with the old key.
    if (cached?.identity === identity) return cached.gateway;
    cached?.gateway.close();
    const { timeouts } = this.options;
    const gateway = connectGateway(endpoint.client, identity, {
      evaluateMs: timeouts.evaluateMs,
      endorseMs: timeouts.endorseMs,
      submitMs: timeouts.submitMs,
      commitStatusMs: timeouts.commitMs,
    });
    this.gateways.set(key, { identity, gateway });
    return gateway;
  }

  /**
   * Runs `work` through the first healthy peer. With `failover`, a peer that is unavailable is
   * quarantined and the next one is tried at once (safe for reads); otherwise the error is
   * returned after quarantining, and the caller's retry goes through the next peer.
   */
  async run<T>(
    identityName: string,
    work: (gateway: Gateway) => Promise<T>,
    isUnavailable: (error: unknown) => boolean,
    failover: boolean,
  ): Promise<T> {
    const candidates = this.order();
    let lastError: unknown;
    for (const endpoint of failover ? candidates : candidates.slice(0, 1)) {
      try {
        const result = await work(this.gateway(identityName, endpoint));
        this.preferred = this.endpoints.indexOf(endpoint);
        return result;
      } catch (error) {
        lastError = error;
        if (!isUnavailable(error)) throw error;
        endpoint.unavailableUntil = Date.now() + (this.options.quarantineMs ?? 5_000);
        this.preferred = (this.endpoints.indexOf(endpoint) + 1) % this.endpoints.length;
      }
    }
    throw lastError;
  }

  /** Ready when at least one peer accepts a connection; names those that do not. */
  async ready(timeoutMs = 1_500): Promise<CheckResult> {
    const results = await Promise.all(
      this.endpoints.map(
        (endpoint) =>
          new Promise<string | undefined>((resolve) => {
            endpoint.client.waitForReady(Date.now() + timeoutMs, (error) =>
              resolve(error ? `${endpoint.address}: ${error.message}` : undefined),
            );
          }),
      ),
    );
    const failures = results.filter((result): result is string => result !== undefined);
    if (failures.length < this.endpoints.length) return true;
    return `no peer reachable (${failures.join('; ')})`;
  }

  close(): void {
    for (const { gateway } of this.gateways.values()) gateway.close();
    this.gateways.clear();
    for (const endpoint of this.endpoints) endpoint.client.close();
  }
}
