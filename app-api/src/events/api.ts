// SPDX-License-Identifier: Apache-2.0
import { answer, body, failures, identifier, jsonObject, operation, z } from '../http/api/kit';
import type { OpenAPIRegistry } from '../http/api/kit';
import { STREAM_PATH } from './protocol';

// The event subscriptions' part of the API document: each request and answer once, as zod.

const Position = z
  .object({
    block: z.number().int(),
    txIndex: z.number().int(),
    eventIndex: z.number().int(),
  })
  .openapi('EventPosition', {
    description: 'The last acknowledged event (-1 indexes: before the block’s first event)',
  });

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const EVENT_FILTER = /^[A-Za-z0-9_.:*?-]{1,128}$/;

export const NewSubscription = z
  .object({
    name: z
      .string()
      .min(1)
      .max(128)
      .openapi({ description: 'A label of the owner’s choice, without control characters' }),
    owner: z.enum(['user', 'organization']).default('user').optional().openapi({
      description:
        '`organization`: shared by everyone with `events:read:any` (who alone may create one)',
    }),
    channel: identifier('Channel (default: the served one)').optional(),
    chaincode: identifier('Chaincode (default: the served one)').optional(),
    eventName: z.string().regex(EVENT_FILTER).openapi({
      description:
        'An event name (`AssetTransferred`), or a pattern where `*` is any run of characters and `?` one (`Asset*`, `*`)',
    }),
    payloadFilters: z
      .record(
        z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/),
        z.union([z.string(), z.number(), z.boolean(), jsonObject()]),
      )
      .optional()
      .openapi({
        description:
          'Payload fields and the values they must have; an object value is matched by containment, e.g. `{"to": "Org1MSP"}` or `{"asset": {"owner": {"mspId": "Org1MSP"}}}`',
      }),
    from: z
      .union([z.enum(['oldest', 'newest']), z.number().int().min(0).max(Number.MAX_SAFE_INTEGER)])
      .default('newest')
      .optional()
      .openapi({
        description:
          'Where delivery starts: a block number, `oldest` (block 0) or `newest` (after the mirror’s last block)',
      }),
    delivery: z.enum(['websocket', 'webhook']).openapi({
      description: `\`websocket\`: connect to \`${STREAM_PATH}\`; \`webhook\`: signed POSTs to \`webhookUrl\``,
    }),
    webhookUrl: z.string().max(2048).optional().openapi({
      format: 'uri',
      description:
        'The receiver, https:// (required for webhook delivery). Loopback, link-local (cloud metadata), private (RFC 1918, 100.64.0.0/10, fc00::/7), unspecified and multicast addresses are refused, by address or by what the name resolves to, at creation (400 `WEBHOOK_ADDRESS_REFUSED`) and at each delivery (parked, `WEBHOOK_ADDRESS_REFUSED`), unless EVENTS_WEBHOOK_ALLOW_PRIVATE or EVENTS_WEBHOOK_ALLOWED_HOSTS allows them; redirects are not followed',
    }),
    batchSize: z.number().int().min(1).max(1000).optional().openapi({
      description: 'Events per batch at most (default EVENTS_BATCH_SIZE)',
    }),
    batchWaitMs: z.number().int().min(0).max(60000).optional().openapi({
      description:
        'How long the first event of a batch waits for more before the batch is sent (default EVENTS_BATCH_WAIT_MS)',
    }),
  })
  .openapi('NewEventSubscription');

export const Subscription = z
  .object({
    id: z.string(),
    name: z.string(),
    owner: z.enum(['user', 'organization']),
    ownerUsername: z.string(),
    channel: z.string(),
    chaincode: z.string(),
    eventFilter: z.string(),
    filterKind: z.enum(['exact', 'pattern']),
    payloadFilters: jsonObject(),
    delivery: z.enum(['websocket', 'webhook']),
    webhookUrl: z.string().nullable(),
    batchSize: z.number().int(),
    batchWaitMs: z.number().int(),
    state: z.enum(['active', 'paused', 'parked']).openapi({
      description:
        '`paused` by its owner or because a WebSocket client stopped acknowledging (`ACK_TIMEOUT`, ended by a late acknowledgement, `resume` or a new connection); `parked` after a webhook failed every retry (`WEBHOOK_FAILED`) or its receiver resolved to a refused address (`WEBHOOK_ADDRESS_REFUSED`)',
    }),
    stateReason: z.string().nullable(),
    lastError: z.string().nullable().openapi({
      description:
        'The last delivery failure: a webhook attempt’s error, or the WebSocket batch not acknowledged in time (its id, size and how many times it was sent)',
    }),
    lastErrorAt: z.string().nullable(),
    checkpoint: Position,
    deliveredEvents: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('EventSubscription');

const Created = Subscription.extend({
  webhookSecret: z.string().optional().openapi({
    description:
      'The HMAC key of the webhook signatures: shown this once; keep it with the receiver',
  }),
}).openapi('CreatedEventSubscription');

export const SubscriptionParams = z.object({
  subscriptionId: z.string().regex(UUID).openapi({ description: 'The subscription' }),
});

export const Replay = z
  .object({
    fromBlock: z
      .number()
      .int()
      .min(0)
      .max(Number.MAX_SAFE_INTEGER)
      .openapi({ description: 'Deliver again from this block' }),
  })
  .openapi('EventReplay');

const ListQuery = z.object({
  state: z.enum(['active', 'paused', 'parked']).optional(),
  limit: z.number().int().min(1).max(200).default(50).optional(),
  after: z.string().regex(UUID).optional().openapi({ description: 'The previous page’s last id' }),
});

const SubscriptionPage = z
  .object({
    items: z.array(Subscription),
    page: z.object({ limit: z.number().int(), nextCursor: z.string().nullable() }),
  })
  .openapi('EventSubscriptionPage');

const notFound = { 404: 'No such subscription (or not the caller’s)' } as const;

/** Event subscriptions: create, list, read, pause, resume, replay, delete. */
export function eventOperations(registry: OpenAPIRegistry): void {
  const base = { tag: 'events', permission: 'events:read' as const };
  operation(registry, {
    ...base,
    method: 'post',
    path: '/v1/event-subscriptions',
    operationId: 'createEventSubscription',
    summary: 'Subscribe to chaincode events from a block, over WebSocket or a webhook',
    request: { body: body(NewSubscription) },
    responses: {
      '201': answer('The subscription (with the webhook secret, this once)', Created),
      ...failures(
        {},
        {
          400: 'Invalid input; `WEBHOOK_ADDRESS_REFUSED`: the webhook receiver’s address is refused (the message names the rule and the setting that allows it)',
          422: 'The channel is not mirrored, or the webhook URL is not https:// without credentials',
        },
      ),
    },
  });
  operation(registry, {
    ...base,
    method: 'get',
    path: '/v1/event-subscriptions',
    operationId: 'listEventSubscriptions',
    summary: 'The caller’s subscriptions (everyone’s with `events:read:any`), oldest first',
    request: { query: ListQuery },
    responses: { '200': answer('A page of subscriptions', SubscriptionPage), ...failures({}) },
  });
  const one = { request: { params: SubscriptionParams } };
  operation(registry, {
    ...base,
    ...one,
    method: 'get',
    path: '/v1/event-subscriptions/{subscriptionId}',
    operationId: 'getEventSubscription',
    summary: 'A subscription: its state, checkpoint and last delivery error',
    responses: { '200': answer('The subscription', Subscription), ...failures({}, notFound) },
  });
  operation(registry, {
    ...base,
    ...one,
    method: 'delete',
    path: '/v1/event-subscriptions/{subscriptionId}',
    operationId: 'deleteEventSubscription',
    summary: 'Delete a subscription (its stream ends)',
    responses: { '204': answer('Deleted'), ...failures({}, notFound) },
  });
  for (const [action, summary] of [
    ['pause', 'Stop delivering; the checkpoint stays'],
    ['resume', 'Deliver again from the checkpoint (also ends a parked webhook’s pause)'],
  ] as const) {
    operation(registry, {
      ...base,
      ...one,
      method: 'post',
      path: `/v1/event-subscriptions/{subscriptionId}/${action}`,
      operationId: `${action}EventSubscription`,
      summary,
      responses: { '200': answer('The subscription', Subscription), ...failures({}, notFound) },
    });
  }
  operation(registry, {
    ...base,
    method: 'post',
    path: '/v1/event-subscriptions/{subscriptionId}/replay',
    operationId: 'replayEventSubscription',
    summary: 'Move the checkpoint to a block and deliver again from there (active again)',
    request: { params: SubscriptionParams, body: body(Replay) },
    responses: { '200': answer('The subscription', Subscription), ...failures({}, notFound) },
  });
}
