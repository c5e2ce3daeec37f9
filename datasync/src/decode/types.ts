// SPDX-License-Identifier: Apache-2.0
/** Plain records decoded from a Fabric block; nothing here refers to protobuf classes. */

export interface DecodedWrite {
  namespace: string;
  /** Private data collection name; '' for the public world state. */
  collection: string;
  /** The key exactly as on the ledger (composite keys contain U+0000). */
  key: string;
  value: Buffer | null;
  isDelete: boolean;
}

export interface DecodedEvent {
  chaincode: string;
  name: string;
  payload: Buffer;
}

export interface DecodedTransaction {
  index: number;
  /** Empty for transactions without one (rare: some config envelopes). */
  txId: string;
  /** HeaderType name, e.g. ENDORSER_TRANSACTION or CONFIG. */
  type: string;
  timestamp: Date | null;
  creatorMsp: string | null;
  creatorSubject: string | null;
  chaincode: string | null;
  functionName: string | null;
  validationCode: number;
  validationName: string;
  correlationId: string | null;
  writes: DecodedWrite[];
  events: DecodedEvent[];
}

/** A block's place and hashes, as datasync computes them and the mirror keeps them. */
export interface BlockHeader {
  channel: string;
  number: number;
  /** Hex SHA-256 of the ASN.1 DER block header, as Fabric computes it. */
  hash: string;
  previousHash: string;
  dataHash: string;
  /** True when data_hash matches the SHA-256 of the block's data entries. */
  dataHashValid: boolean;
  isConfig: boolean;
}

export interface DecodedBlock extends BlockHeader {
  /** Timestamp of the block's first envelope (blocks carry no time of their own). */
  timestamp: Date | null;
  transactions: DecodedTransaction[];
}
