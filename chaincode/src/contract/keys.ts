// SPDX-License-Identifier: Apache-2.0
// World-state layout: the object type (first part) of every composite key the chaincode writes,
// and the docType of its JSON documents. Readers of the ledger (the mirror) select by these.

/** An asset: `asset` + [id], a JSON document with docType `asset`. */
export const ASSET_OBJECT_TYPE = 'asset';
export const ASSET_DOC_TYPE = 'asset';
/** Index keys of assets by owner and by type; their values are a single NUL byte. */
export const OWNER_INDEX = 'owner~asset';
export const TYPE_INDEX = 'type~asset';
/** An asset's private details, in its owner organization's implicit collection: [assetId, hash]. */
export const DETAILS_OBJECT_TYPE = 'assetDetails';

/** The token's configuration and roles: `token` + [name]. */
export const TOKEN_OBJECT_TYPE = 'token';
/** An account's consolidated balance in base units: `balance` + [account]. */
export const BALANCE_OBJECT_TYPE = 'balance';
/** A credit not yet folded into the balance: `credit` + [account, txId]. */
export const CREDIT_OBJECT_TYPE = 'credit';
/** What an account burned in total: `burned` + [account]. */
export const BURNED_OBJECT_TYPE = 'burned';
/** An allowance: `allowance` + [owner, spender]. */
export const ALLOWANCE_OBJECT_TYPE = 'allowance';

/** The claim of a request id, so a request commits at most once: `request` + [mspId, sha256(client id), requestId]. */
export const REQUEST_OBJECT_TYPE = 'request';
