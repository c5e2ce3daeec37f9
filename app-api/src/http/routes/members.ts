// SPDX-License-Identifier: Apache-2.0
import { channelMemberships, mirrorDb } from '@consortia/datasync/read';
import { Router } from 'express';

import type { MembersAnswer } from '../api/members';
import type { RouteDependencies } from './support';

/**
 * The served channel's members and ordering as its newest config block in the mirror sets them,
 * read on every request: an organization that joins or leaves, or a consensus migration's step,
 * shows as soon as datasync mirrors the block.
 */
export function memberRoutes(deps: Pick<RouteDependencies, 'mirror'>): Router {
  const router = Router();
  const db = mirrorDb(deps.mirror.pool);
  router.get('/v1/members', async (_request, response) => {
    const channel = deps.mirror.channel;
    const [found] = await channelMemberships(db, channel);
    const answer: MembersAnswer = found ?? {
      channel,
      configBlock: null,
      members: [],
      ordererOrgs: [],
      ordering: null,
    };
    response.json(answer);
  });
  return router;
}
