// SPDX-License-Identifier: Apache-2.0
import type { Request, Response } from 'express';
import { Router } from 'express';

import { bodyOf, paramsOf } from '../http/api/typed';
import { callerOf, note } from '../http/context';
import { ApiError } from '../http/errors';
import { queryNumber, queryText } from '../http/routes/support';
import { mayManage } from './access';
import type { WebhookAddressGuard } from './address-guard';
import { refusalMessage } from './address-guard';
import { NewSubscription, Replay, SubscriptionParams } from './api';
import type { EventPosition, Subscription, SubscriptionState } from './model';
import { beforeBlock } from './model';
import { newWebhookSecret } from './signature';
import type { SubscriptionStore } from './store';

export interface EventRouteDependencies {
  subscriptions: SubscriptionStore;
  /** Each mirrored channel's last block. */
  heads(): Promise<Map<string, number>>;
  channel: string;
  chaincode: string;
  batchSize: number;
  batchWaitMs: number;
  /** Plain http:// webhook receivers are accepted (development and tests). */
  allowHttpWebhooks: boolean;
  /** Which receiver addresses webhooks may reach. */
  webhookAddresses: WebhookAddressGuard;
  /** Called after a change that may start webhook delivery. */
  changed(): void;
}

/** A subscription as the API shows it: the owner by name only. */
export function view(subscription: Subscription): Omit<Subscription, 'ownerUserId'> {
  const shown: Partial<Subscription> = { ...subscription };
  delete shown.ownerUserId;
  return shown as Omit<Subscription, 'ownerUserId'>;
}

/** The subscription the caller asks for, or 404 when it is not theirs to see. */
async function visibleSubscription(
  deps: EventRouteDependencies,
  request: Request,
  response: Response,
): Promise<Subscription> {
  const { subscriptionId } = paramsOf(request, SubscriptionParams);
  note(response, { target: subscriptionId });
  const subscription = await deps.subscriptions.get(subscriptionId);
  if (!subscription || !mayManage(callerOf(response), subscription)) {
    throw new ApiError(404, 'NOT_FOUND', `no subscription ${subscriptionId}`);
  }
  return subscription;
}

async function webhookUrl(deps: EventRouteDependencies, url: string | undefined): Promise<string> {
  let parsed: URL;
  try {
    parsed = new URL(url ?? '');
  } catch {
    throw new ApiError(400, 'INVALID_REQUEST', 'webhook delivery needs a webhookUrl', {
      problems: [{ field: 'body.webhookUrl', message: 'an https:// URL is required' }],
    });
  }
  const allowed =
    parsed.protocol === 'https:' || (deps.allowHttpWebhooks && parsed.protocol === 'http:');
  if (!allowed || parsed.username || parsed.password) {
    throw new ApiError(
      422,
      'WEBHOOK_URL_REFUSED',
      'a webhook receiver must be an https:// URL without credentials',
    );
  }
  // Checked again at each delivery, on the addresses the name resolves to then.
  const refusal = await deps.webhookAddresses.check(parsed);
  if (refusal) {
    const message = refusalMessage(parsed.hostname, refusal);
    throw new ApiError(400, 'WEBHOOK_ADDRESS_REFUSED', message, {
      problems: [{ field: 'body.webhookUrl', message }],
    });
  }
  return parsed.toString();
}

/** Postgres keeps no NUL character in text or JSON; a label has no control characters at all. */
function refuseControlCharacters(name: string, payloadFilters: unknown): void {
  const problems = [];
  if (/\p{Cc}/u.test(name)) problems.push({ field: 'body.name', message: 'no control characters' });
  if (JSON.stringify(payloadFilters ?? {}).includes('\\u0000'))
    problems.push({ field: 'body.payloadFilters', message: 'no NUL characters' });
  if (problems.length > 0)
    throw new ApiError(400, 'INVALID_REQUEST', 'the subscription has control characters', {
      problems,
    });
}

export function eventRoutes(deps: EventRouteDependencies): Router {
  const router = Router();
  const { subscriptions } = deps;

  router.post('/v1/event-subscriptions', async (request, response) => {
    const caller = callerOf(response);
    const input = bodyOf(request, NewSubscription);
    const owner = input.owner ?? 'user';
    if (owner === 'organization' && !caller.permissions.has('events:read:any')) {
      throw new ApiError(
        403,
        'FORBIDDEN',
        "an organization's subscription needs the permission 'events:read:any'",
        { permission: 'events:read:any' },
      );
    }
    refuseControlCharacters(input.name, input.payloadFilters);
    const channel = input.channel ?? deps.channel;
    const head = (await deps.heads()).get(channel);
    if (head === undefined) {
      throw new ApiError(422, 'UNKNOWN_CHANNEL', `the mirror holds no channel ${channel}`);
    }
    const from = input.from ?? 'newest';
    const checkpoint: EventPosition =
      from === 'oldest'
        ? beforeBlock(0)
        : from === 'newest'
          ? beforeBlock(head + 1)
          : beforeBlock(from);
    const webhook = input.delivery === 'webhook' ? await webhookUrl(deps, input.webhookUrl) : null;
    const secret = webhook ? newWebhookSecret() : null;
    const created = await subscriptions.create({
      name: input.name,
      owner,
      ownerUserId: caller.userId,
      channel,
      chaincode: input.chaincode ?? deps.chaincode,
      eventFilter: input.eventName,
      filterKind: /[*?]/.test(input.eventName) ? 'pattern' : 'exact',
      payloadFilters: input.payloadFilters ?? {},
      delivery: input.delivery,
      webhookUrl: webhook,
      webhookSecret: secret,
      batchSize: input.batchSize ?? deps.batchSize,
      batchWaitMs: input.batchWaitMs ?? deps.batchWaitMs,
      checkpoint,
    });
    note(response, { target: created.id, detail: { delivery: created.delivery, from } });
    deps.changed();
    response
      .status(201)
      .location(`/v1/event-subscriptions/${created.id}`)
      .json(secret ? { ...view(created), webhookSecret: secret } : view(created));
  });

  router.get('/v1/event-subscriptions', async (request, response) => {
    const caller = callerOf(response);
    const limit = queryNumber(request, 'limit') ?? 50;
    const items = await subscriptions.list({
      ownerUserId: caller.permissions.has('events:read:any') ? undefined : caller.userId,
      state: queryText(request, 'state') as SubscriptionState | undefined,
      after: queryText(request, 'after'),
      limit,
    });
    response.json({
      items: items.map(view),
      page: { limit, nextCursor: items.length === limit ? (items.at(-1)?.id ?? null) : null },
    });
  });

  router.get('/v1/event-subscriptions/:subscriptionId', async (request, response) => {
    response.json(view(await visibleSubscription(deps, request, response)));
  });

  router.delete('/v1/event-subscriptions/:subscriptionId', async (request, response) => {
    const subscription = await visibleSubscription(deps, request, response);
    await subscriptions.delete(subscription.id);
    response.status(204).end();
  });

  const changeState =
    (state: SubscriptionState, reason: string | null) =>
    async (request: Request, response: Response) => {
      const subscription = await visibleSubscription(deps, request, response);
      await subscriptions.setState(subscription.id, state, reason);
      deps.changed();
      response.json(view({ ...subscription, ...(await subscriptions.get(subscription.id)) }));
    };
  router.post('/v1/event-subscriptions/:subscriptionId/pause', changeState('paused', 'PAUSED'));
  router.post('/v1/event-subscriptions/:subscriptionId/resume', changeState('active', null));

  router.post('/v1/event-subscriptions/:subscriptionId/replay', async (request, response) => {
    const subscription = await visibleSubscription(deps, request, response);
    const { fromBlock } = bodyOf(request, Replay);
    await subscriptions.replay(subscription.id, beforeBlock(fromBlock));
    note(response, { detail: { fromBlock } });
    deps.changed();
    response.json(view({ ...subscription, ...(await subscriptions.get(subscription.id)) }));
  });

  return router;
}
