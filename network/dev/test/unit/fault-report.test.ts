// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';

import type { FaultResult } from '../../src/faults/report';
import { formatPhaseLine } from '../../src/faults/report';

describe("the short fault test's report", function () {
  it("labels a phase's own figures as counted before the final settling", function () {
    const result: FaultResult = {
      name: 'peer-kill',
      description: 'a peer is killed',
      requests: 40,
      sent: 42,
      lost: 1,
      duplicated: 0,
      wrongStatus: 2,
      failed: 1,
      recoverySec: 3.2,
      verifyClean: true,
      outboxMissing: 0,
      unresolved: 2,
      problems: [],
    };
    assert.equal(
      formatPhaseLine(result),
      '    before settling: accepted 40/42, failed 1, lost 1, duplicated 0, wrong status 2, ' +
        'unresolved 2, verify clean, outbox missing 0',
    );
  });
});
