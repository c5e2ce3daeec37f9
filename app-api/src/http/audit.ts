// SPDX-License-Identifier: Apache-2.0
import type { Logger } from '@consortia/common';
import { currentCorrelationId } from '@consortia/common';
import type { Request, RequestHandler } from 'express';

import type { AppMetrics } from '../metrics';
import type { AuditEntry, AuditOutcome, AuditStore } from '../store/audit';
import { errorCodeOf, noteOf, principalOf } from './context';
import { operationOf } from './validation';

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Refusals for who the caller is or how often they call, rather than what they sent. */
const DENIALS = new Set([401, 403, 423, 429]);

export function outcomeOf(status: number): AuditOutcome {
  if (DENIALS.has(status)) return 'denied';
  if (status === 202) return 'accepted';
  if (status < 400) return 'success';
  if (status < 500) return 'rejected';
  return 'failed';
}

/** Whether a request belongs in the trail: every write, and every denied request. */
export function audited(method: string, status: number): boolean {
  return !READS.has(method) || DENIALS.has(status);
}

/**
 * Records the request in the audit trail once it has been answered. The entry carries the user
 * and their roles, the operation, the outcome and the correlation id; a failure to store it is
 * logged with the whole entry and counted, since the answer has already gone.
 */
export class AuditRecorder {
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly store: AuditStore,
    private readonly logger: Logger,
    private readonly metrics: AppMetrics,
  ) {}

  middleware(): RequestHandler {
    return (request, response, next) => {
      const correlationId = currentCorrelationId() ?? null;
      response.on('finish', () => {
        if (!audited(request.method, response.statusCode)) return;
        this.record(this.entry(request, response.statusCode, correlationId, response));
      });
      next();
    };
  }

  private entry(
    request: Request,
    status: number,
    correlationId: string | null,
    response: Parameters<RequestHandler>[1],
  ): AuditEntry {
    const principal = principalOf(response);
    const details = noteOf(response);
    const operation = operationOf(request);
    return {
      userId: principal?.userId ?? details.userId ?? null,
      username: principal?.username ?? details.username ?? null,
      roles: principal?.roles ?? [],
      action: operation?.schema.operationId ?? `${request.method} ${request.path}`,
      method: request.method,
      path: request.originalUrl.split('?')[0]?.slice(0, 512) ?? '',
      status,
      outcome: outcomeOf(status),
      correlationId,
      ip: request.ip ?? null,
      target: details.target ?? null,
      requestId: details.requestId ?? null,
      txId: details.txId ?? null,
      errorCode: errorCodeOf(response) ?? null,
      detail: details.detail ?? null,
    };
  }

  private record(entry: AuditEntry): void {
    const write = this.store.record(entry).catch((error: unknown) => {
      this.metrics.auditFailures.inc();
      this.logger.error({ err: error, audit: entry }, 'could not store an audit entry');
    });
    this.pending.add(write);
    void write.finally(() => this.pending.delete(write));
  }

  /** Waits for entries still being written (shutdown, tests). */
  async flush(): Promise<void> {
    await Promise.all([...this.pending]);
  }
}
