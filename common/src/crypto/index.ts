// SPDX-License-Identifier: Apache-2.0
export * from './secret-hash';
export * from './certificates';
