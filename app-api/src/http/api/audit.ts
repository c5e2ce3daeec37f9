// SPDX-License-Identifier: Apache-2.0
import { PageInfo, pagingQuery } from './common';
import { answer, CORRELATION_ID, dateTime, failures, jsonObject, operation, z } from './kit';
import type { OpenAPIRegistry } from './kit';

const AuditEntry = z
  .object({
    id: z.string().optional(),
    occurredAt: z.string().optional(),
    userId: z.string().nullable().optional(),
    username: z.string().nullable().optional(),
    roles: z.array(z.string()).optional(),
    action: z.string().optional(),
    method: z.string().optional(),
    path: z.string().optional(),
    status: z.number().int().optional(),
    outcome: z.string().optional(),
    correlationId: z.string().nullable().optional(),
    ip: z.string().nullable().optional(),
    target: z.string().nullable().optional(),
    requestId: z.string().nullable().optional(),
    txId: z.string().nullable().optional(),
    errorCode: z.string().nullable().optional(),
    detail: jsonObject('What the action changed or decided (never passwords or keys)')
      .nullable()
      .optional(),
  })
  .openapi('AuditEntry');

const AuditPage = z
  .object({
    items: z.array(AuditEntry).optional(),
    page: PageInfo.optional(),
  })
  .openapi('AuditPage');

export const AUDIT_OUTCOMES = ['success', 'accepted', 'denied', 'rejected', 'failed'] as const;

export const AuditQuery = z.object({
  username: z.string().max(64).optional().openapi({ description: 'Who' }),
  action: z.string().max(64).optional().openapi({ description: 'Operation id' }),
  outcome: z.enum(AUDIT_OUTCOMES).optional().openapi({ description: 'Outcome' }),
  correlationId: z
    .string()
    .regex(CORRELATION_ID)
    .optional()
    .openapi({ description: 'Correlation id' }),
  from: dateTime('From this time').optional(),
  to: dateTime('Before this time').optional(),
  ...pagingQuery,
});

export function auditOperations(registry: OpenAPIRegistry): void {
  operation(registry, {
    method: 'get',
    path: '/v1/audit',
    operationId: 'listAudit',
    summary: 'The audit trail, newest first: every write and every denied request',
    tag: 'audit',
    permission: 'audit:read',
    request: { query: AuditQuery },
    responses: { '200': answer('A page of entries', AuditPage), ...failures({}) },
  });
}
