// SPDX-License-Identifier: Apache-2.0
import { answer, failures, operation, z } from './kit';
import type { OpenAPIRegistry } from './kit';

const AnchorPeer = z.object({ host: z.string(), port: z.number().int() });

const Member = z
  .object({
    name: z.string().openapi({ description: 'The organization’s group in the channel config' }),
    mspId: z.string(),
    anchorPeers: z.array(AnchorPeer),
    rootCertSubjects: z.array(z.string()),
  })
  .openapi('ChannelMember');

const OrdererOrg = z
  .object({ name: z.string(), mspId: z.string(), endpoints: z.array(z.string()) })
  .openapi('OrdererOrg');

const Members = z
  .object({
    channel: z.string(),
    configBlock: z
      .number()
      .int()
      .nullable()
      .openapi({ description: 'The config block it comes from; null before one was mirrored' }),
    members: z.array(Member),
    ordererOrgs: z.array(OrdererOrg),
  })
  .openapi('ChannelMembers');

export function memberOperations(registry: OpenAPIRegistry): void {
  operation(registry, {
    method: 'get',
    path: '/v1/members',
    operationId: 'listMembers',
    summary: 'The served channel’s member organizations, from its newest mirrored config block',
    tag: 'ledger',
    permission: 'mirror:read',
    responses: { '200': answer('The members', Members), ...failures({}) },
  });
}
