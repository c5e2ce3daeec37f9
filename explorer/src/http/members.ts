// SPDX-License-Identifier: Apache-2.0
import { channelMemberships, orderingHistory } from '@consortia/datasync/read';
import { Router } from 'express';
import { z } from 'zod';

import type { Mirror } from '../mirror/mirror';
import type { MembersAnswer } from './members-types';

const channelName = z.string().regex(/^[a-z][a-z0-9.-]{0,248}$/, 'not a channel name');

/** How many config blocks the ordering history of a channel's members answer goes back. */
export const ORDERING_HISTORY_LENGTH = 20;

/**
 * The channel's members and their anchor peers, and its ordering (consensus type and state,
 * consenters or brokers), from the newest config block in the mirror, with the ordering of the
 * config blocks before it: read on every request, so an organization that joins or leaves, or a
 * consensus migration's step, shows without restarting anything.
 */
export function memberRoutes(mirror: Pick<Mirror, 'db'>): Router {
  const router = Router();
  router.get('/members', async (_request, response) => {
    response.setHeader('cache-control', 'no-store');
    response.json({ channels: await channelMemberships(mirror.db) });
  });
  router.get('/channels/:channel/members', async (request, response) => {
    const channel = channelName.parse(request.params.channel);
    const [[found], history] = await Promise.all([
      channelMemberships(mirror.db, channel),
      orderingHistory(mirror.db, channel, ORDERING_HISTORY_LENGTH),
    ]);
    const answer: MembersAnswer = {
      ...(found ?? { channel, configBlock: null, members: [], ordererOrgs: [], ordering: null }),
      history,
    };
    response.setHeader('cache-control', 'no-store');
    response.json(answer);
  });
  return router;
}
