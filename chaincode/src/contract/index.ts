// SPDX-License-Identifier: Apache-2.0
// What clients of the chaincode share with it: error codes, event names and the world-state
// layout. Imported as `@consortia/chaincode/contract`; imports nothing, so a service that uses
// it loads none of the contract runtime.
export * from './errors';
export * from './events';
export * from './keys';
