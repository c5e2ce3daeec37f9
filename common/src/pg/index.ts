// SPDX-License-Identifier: Apache-2.0
export * from './aliases';
export * from './close';
