// SPDX-License-Identifier: Apache-2.0
// Entry point read by fabric-chaincode-node: the contracts this chaincode serves.
import { AssetContract } from './contracts/asset-contract';
import { TokenContract } from './contracts/token-contract';

export { AssetContract } from './contracts/asset-contract';
export { TokenContract } from './contracts/token-contract';
export * from './common/errors';
export * from './model/asset';
export * from './model/token';

// AssetContract is listed first, so it is the default contract.
export const contracts = [AssetContract, TokenContract];
