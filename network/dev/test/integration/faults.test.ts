// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import path from 'node:path';

import { tempDir } from '@consortia/common/testing';
import { testNetworkUnavailable } from '@consortia/network/testing';

import { formatReport } from '../../src/faults/report';
import { runFaults } from '../../src/faults/runner';

/** Clear of the shared test network (12000), `npm start` (7000) and `npm run faults` (16000). */
const BASE_PORT = 16500;
const RUN_SHORT_FAULTS = 'CONSORTIA_FAULTS_SHORT';

// The short version of `npm run faults`: its own real network and services, a small load, and
// two quick faults (the DAPP killed mid-batch, the chaincode service killed), each checked
// against the ledger. About five minutes on an idle 2-core machine.
describe('fault injection, short (real network)', function () {
  this.timeout(540_000);

  before(function () {
    const unavailable = testNetworkUnavailable();
    if (unavailable) {
      this.skip();
    }
    if (process.env[RUN_SHORT_FAULTS] === '0') {
      process.stderr.write(`      skipped: ${RUN_SHORT_FAULTS}=0\n`);
      this.skip();
    }
  });

  it('loses, duplicates and misreports nothing across two faults', async function () {
    const report = await runFaults(
      {
        consensus: 'kafka',
        only: ['dapp', 'chaincode'],
        durationSec: 8,
        tps: 4,
        basePort: BASE_PORT,
        stateDir: path.join(tempDir('faults'), 'network'),
      },
      (message) => process.stderr.write(`      ${message}\n`),
    );
    const summary = formatReport(report);
    assert.equal(report.faults.length, 2, summary);
    for (const fault of report.faults) {
      assert.ok(fault.requests > 0, `${fault.name} had accepted requests\n${summary}`);
      assert.notEqual(fault.recoverySec, null, `${fault.name} recovered\n${summary}`);
      assert.equal(fault.error, undefined, summary);
    }
    assert.equal(report.totals.lost, 0, summary);
    assert.equal(report.totals.duplicated, 0, summary);
    assert.equal(report.totals.wrongStatus, 0, summary);
    assert.equal(report.verifyClean, true, summary);
    assert.equal(report.outbox.missing, 0, summary);
  });
});
