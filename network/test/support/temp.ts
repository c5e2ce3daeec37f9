// SPDX-License-Identifier: Apache-2.0
export { tempDir } from '@consortia/common/testing';

/** A base port whose whole network range is free of the usual local services. */
export function testBasePort(offset: number): number {
  return 20000 + offset * 1500;
}
