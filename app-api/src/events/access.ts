// SPDX-License-Identifier: Apache-2.0
import type { Principal } from '../auth/permissions';
import type { Subscription } from './model';

/**
 * Who may see, change and stream a subscription: its user, or anyone allowed every
 * subscription (`events:read:any`), which an organization's subscriptions always need.
 */
export function mayManage(
  principal: Pick<Principal, 'userId' | 'permissions'>,
  subscription: Pick<Subscription, 'owner' | 'ownerUserId'>,
): boolean {
  if (principal.permissions.has('events:read:any')) return true;
  return subscription.owner === 'user' && subscription.ownerUserId === principal.userId;
}
