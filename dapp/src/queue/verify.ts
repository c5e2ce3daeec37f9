// SPDX-License-Identifier: Apache-2.0
import type { CallerPolicy } from '../access/callers';
import type { RequestRecord, RequestStore } from '../store/request-store';
import type { TransientVault } from '../store/transient-vault';
import type { QueuedRequest } from './messages';

/** A queued message that is not the request its caller's front door accepted. */
export class UnverifiedMessage extends Error {
  readonly code = 'UNVERIFIED_MESSAGE';

  constructor(message: string) {
    super(message);
    this.name = 'UnverifiedMessage';
  }
}

/**
 * Decides whether a worker may run a queued message, from what only the DAPP itself writes: the
 * request row its HTTP side stored when it accepted the request (after authenticating the caller
 * and checking the identity), and this process's own configuration. Kafka is not trusted: a
 * message someone else wrote or changed names no stored request, or differs from it in content
 * (the stored hash covers function, arguments, transient data and identity), or names an identity
 * its caller may not use; it is refused. Replaying a genuine message is harmless: the request id
 * lets at most one transaction commit.
 */
export class QueuedRequestVerifier {
  constructor(
    private readonly store: RequestStore,
    private readonly policy: CallerPolicy,
    private readonly vault: TransientVault,
  ) {}

  /** The request's transient data, opened, when the message is the stored request. */
  async verify(request: QueuedRequest, stored: RequestRecord): Promise<Record<string, string>> {
    if (stored.caller !== request.caller || !request.requestId.startsWith(`${request.caller}:`)) {
      throw new UnverifiedMessage(
        `the message's caller did not queue request ${request.requestId}`,
      );
    }
    if (!this.policy.mayUse(request.caller, request.identity)) {
      throw new UnverifiedMessage(
        `caller '${request.caller}' may not use the Fabric identity '${request.identity ?? 'default'}'`,
      );
    }
    let transient: Record<string, string> = {};
    if (request.transientRef !== undefined) {
      if (request.transientRef !== request.requestId) {
        throw new UnverifiedMessage('the message refers to transient data of another request');
      }
      const sealed = await this.store.sealedTransient(request.requestId);
      if (!sealed) throw new UnverifiedMessage('the request has no stored transient data');
      try {
        transient = this.vault.open(request.requestId, sealed);
      } catch {
        throw new UnverifiedMessage('the stored transient data does not open with this key');
      }
    }
    const matches = this.vault.matches(stored.requestHash, {
      channel: request.channel,
      chaincode: request.chaincode,
      transactionName: request.transactionName,
      args: request.args,
      identity: request.identity,
      transient,
    });
    if (!matches) {
      throw new UnverifiedMessage(
        `the message differs from request ${request.requestId} as it was accepted`,
      );
    }
    return transient;
  }
}
