// SPDX-License-Identifier: Apache-2.0
// Requests built from the OpenAPI document with fast-check: the generator the DAPP's fuzz test
// uses too, in @consortia/common/testing.
export type { FuzzRequest } from '@consortia/common/testing';
export { requestsFor, valueOf } from '@consortia/common/testing';
