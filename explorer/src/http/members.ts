// SPDX-License-Identifier: Apache-2.0
import { channelMemberships } from '@consortia/datasync/read';
import { Router } from 'express';
import { z } from 'zod';

import type { Mirror } from '../mirror/mirror';
import type { MembersAnswer } from './members-types';

const channelName = z.string().regex(/^[a-z][a-z0-9.-]{0,248}$/, 'not a channel name');

/**
 * The channel's members and their anchor peers, from the newest config block in the mirror: read
 * on every request, so an organization that joins or leaves shows without restarting anything.
 */
export function memberRoutes(mirror: Pick<Mirror, 'db'>): Router {
  const router = Router();
  router.get('/members', async (_request, response) => {
    response.setHeader('cache-control', 'no-store');
    response.json({ channels: await channelMemberships(mirror.db) });
  });
  router.get('/channels/:channel/members', async (request, response) => {
    const channel = channelName.parse(request.params.channel);
    const [found] = await channelMemberships(mirror.db, channel);
    const answer: MembersAnswer = found ?? {
      channel,
      configBlock: null,
      members: [],
      ordererOrgs: [],
    };
    response.setHeader('cache-control', 'no-store');
    response.json(answer);
  });
  return router;
}
