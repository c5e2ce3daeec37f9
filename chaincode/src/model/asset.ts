// SPDX-License-Identifier: Apache-2.0
// Asset types. The classes carry the contract metadata (@Object/@Property);
// ledger values are plain objects of the same shape.
import { Object as DataType, Property } from 'fabric-contract-api';
import type { JsonValue } from '../common/canonical-json';
import { JsonObjectProperty } from './schema';

export { ASSET_DOC_TYPE } from '../contract/keys';
export { AssetEvents } from '../contract/events';
export const DEFAULT_ASSET_STATUS = 'ACTIVE';

@DataType()
export class AssetOwner {
  @Property('mspId', 'string')
  mspId!: string;

  /** Owner within the organization (a user, department or account name). */
  @Property('ownerId', 'string')
  ownerId!: string;
}

@DataType()
export class Asset {
  /** Discriminator used by the CouchDB indexes. */
  @Property('docType', 'string')
  docType!: string;

  @Property('id', 'string')
  id!: string;

  @Property('type', 'string')
  type!: string;

  @Property('owner', 'AssetOwner')
  owner!: AssetOwner;

  @JsonObjectProperty('attributes')
  attributes!: Record<string, JsonValue>;

  @Property('status', 'string')
  status!: string;

  /** sha256 hex of the canonical JSON of the private details, or "" if none. */
  @Property('privateDetailsHash', 'string')
  privateDetailsHash!: string;

  @Property('createdAt', 'string')
  createdAt!: string;

  @Property('updatedAt', 'string')
  updatedAt!: string;
}

@DataType()
export class AssetPage {
  @Property('records', 'Asset[]')
  records!: Asset[];

  @Property('fetchedRecordsCount', 'number')
  fetchedRecordsCount!: number;

  /** Pass back to get the next page; "" when the query is exhausted. */
  @Property('bookmark', 'string')
  bookmark!: string;
}

@DataType()
export class AssetHistoryEntry {
  @Property('txId', 'string')
  txId!: string;

  @Property('timestamp', 'string')
  timestamp!: string;

  @Property('isDelete', 'boolean')
  isDelete!: boolean;

  /** The asset as written by that transaction; absent for a deletion. */
  @Property('asset', 'Asset')
  asset?: Asset;
}

@DataType()
export class AssetHistoryPage {
  /** Committed versions, in the order the peer's history database returns them. */
  @Property('records', 'AssetHistoryEntry[]')
  records!: AssetHistoryEntry[];

  @Property('fetchedRecordsCount', 'number')
  fetchedRecordsCount!: number;

  /** Pass back to get the next page (the txId of its first entry); "" at the end. */
  @Property('bookmark', 'string')
  bookmark!: string;
}

@DataType()
export class AssetPrivateDetails {
  @Property('assetId', 'string')
  assetId!: string;

  @JsonObjectProperty('details')
  details!: Record<string, JsonValue>;

  @Property('hash', 'string')
  hash!: string;
}
