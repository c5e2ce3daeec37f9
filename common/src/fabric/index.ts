// SPDX-License-Identifier: Apache-2.0
export * from './gateway';
export * from './msp';
export * from './signing';
