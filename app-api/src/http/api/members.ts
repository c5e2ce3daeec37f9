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

const Consenter = z
  .object({ host: z.string(), port: z.number().int() })
  .openapi('Consenter', { description: 'A Raft consenter, as the etcdraft metadata names it' });

const Ordering = z
  .object({
    consensusType: z.string().openapi({
      description:
        'The Orderer group’s ConsensusType: `kafka`, `etcdraft` or `solo` (Fabric 3 adds `BFT`)',
      example: 'etcdraft',
    }),
    state: z.enum(['normal', 'maintenance']).openapi({
      description:
        '`maintenance` while the ordering service takes only config updates (during a consensus migration)',
    }),
    consenters: z
      .array(Consenter)
      .openapi({ description: 'The Raft consenters, for `etcdraft`; empty otherwise' }),
    kafkaBrokers: z
      .array(z.string())
      .openapi({ description: 'The Kafka brokers (host:port), for `kafka`; empty otherwise' }),
  })
  .openapi('Ordering', { description: 'How the config block has the channel ordered' });

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
    ordering: Ordering.nullable().openapi({
      description:
        'Null before a config block was mirrored, for a config without a ConsensusType value, and for one mirrored before the mirror recorded ordering',
    }),
  })
  .openapi('ChannelMembers');

/** The answer of GET /v1/members, as the document describes it. */
export type MembersAnswer = z.output<typeof Members>;

export function memberOperations(registry: OpenAPIRegistry): void {
  operation(registry, {
    method: 'get',
    path: '/v1/members',
    operationId: 'listMembers',
    summary:
      'The served channel’s member organizations and ordering, from its newest mirrored config block',
    tag: 'ledger',
    permission: 'mirror:read',
    responses: { '200': answer('The members', Members), ...failures({}) },
  });
}
