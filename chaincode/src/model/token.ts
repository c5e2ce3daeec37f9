// SPDX-License-Identifier: Apache-2.0
// Token types exposed through contract metadata.
import { Object as DataType, Property } from 'fabric-contract-api';

@DataType()
export class MinterRule {
  /** MSP ids whose members may mint and burn; empty means any organization. */
  @Property('mspIds', 'string[]')
  mspIds!: string[];

  /** Certificate attribute the caller must carry; "" means none required. */
  @Property('attributeName', 'string')
  attributeName!: string;

  @Property('attributeValue', 'string')
  attributeValue!: string;
}

@DataType()
export class TokenInfo {
  @Property('name', 'string')
  name!: string;

  @Property('symbol', 'string')
  symbol!: string;

  @Property('decimals', 'number')
  decimals!: number;

  /** Ceiling on the cumulative amount ever minted, as a decimal string. */
  @Property('cap', 'string')
  cap!: string;

  @Property('totalSupply', 'string')
  totalSupply!: string;

  @Property('adminMspId', 'string')
  adminMspId!: string;

  @Property('minterRule', 'MinterRule')
  minterRule!: MinterRule;
}

/** A credit not yet folded into its account's balance key. */
@DataType()
export class PendingCredit {
  /** Id of the crediting transaction; what Consolidate takes. */
  @Property('txId', 'string')
  txId!: string;

  @Property('amount', 'string')
  amount!: string;
}

@DataType()
export class PendingCreditPage {
  @Property('records', 'PendingCredit[]')
  records!: PendingCredit[];

  @Property('fetchedRecordsCount', 'number')
  fetchedRecordsCount!: number;

  /** Pass back to get the next page; "" when there are no more. */
  @Property('bookmark', 'string')
  bookmark!: string;
}
