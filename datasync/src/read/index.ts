// SPDX-License-Identifier: Apache-2.0
/**
 * The read side of the mirror datasync writes: its typed schema, key decoding, one keyset
 * cursor format, and one module of queries per entity. The explorer and the app-api build
 * their own views on top of these.
 */
export * from './activity';
export * from './assets';
export * from './blocks';
export * from './cursor';
export * from './events';
export * from './keys';
export * from './members';
export * from './schema';
export * from './search';
export * from './sorted';
export * from './state';
export * from './sync';
export * from './tokens';
export * from './transactions';
export * from './values';
