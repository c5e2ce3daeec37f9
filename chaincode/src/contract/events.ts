// SPDX-License-Identifier: Apache-2.0
// Names of the chaincode events, one per submitted transaction.

/** Events AssetContract emits. */
export const AssetEvents = {
  created: 'AssetCreated',
  updated: 'AssetUpdated',
  transferred: 'AssetTransferred',
  deleted: 'AssetDeleted',
  privateDetailsStaged: 'AssetPrivateDetailsStaged',
  privateDetailsPurged: 'AssetPrivateDetailsPurged',
} as const;

/** Events TokenContract emits. */
export const TokenEvents = {
  initialized: 'TokenInitialized',
  adminChanged: 'AdminOrgChanged',
  minterRuleChanged: 'MinterRuleChanged',
  minted: 'TokensMinted',
  burned: 'TokensBurned',
  transferred: 'TokensTransferred',
  approved: 'AllowanceApproved',
  consolidated: 'CreditsConsolidated',
} as const;

export type AssetEventName = (typeof AssetEvents)[keyof typeof AssetEvents];
export type TokenEventName = (typeof TokenEvents)[keyof typeof TokenEvents];
