// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';

import { nodeFigures, parseMetrics } from '../../src/peers/prometheus';

const PEER_METRICS = `# HELP ledger_blockchain_height Height of the chain in blocks.
# TYPE ledger_blockchain_height gauge
ledger_blockchain_height{channel="consortium"} 173
ledger_blockchain_height{channel="other"} 4
fabric_version{version="2.5.16"} 1
process_start_time_seconds 1000
endorser_proposals_received 40
endorser_proposals_received{extra="x"} 2
endorser_successful_proposals 41
consensus_etcdraft_is_leader{channel="consortium"} 1
consensus_etcdraft_is_leader{channel="other"} 0
weird_label{path="a\\"b\\\\c\\nd"} 1 1712345678
not a sample
histogram_bucket{le="+Inf"} +Inf
nan_value NaN
`;

describe('Prometheus text from the nodes', function () {
  it('parses samples with labels, escapes, timestamps and infinities', function () {
    const samples = parseMetrics(PEER_METRICS);
    const weird = samples.find((sample) => sample.name === 'weird_label');
    assert.deepEqual(weird?.labels, { path: 'a"b\\c\nd' });
    assert.equal(
      samples.find((sample) => sample.name === 'histogram_bucket')?.value,
      Number.POSITIVE_INFINITY,
    );
    assert.equal(
      samples.some((sample) => sample.name === 'nan_value'),
      false,
    );
    assert.equal(
      samples.some((sample) => sample.name === 'not'),
      false,
    );
  });

  it('picks out heights, version, uptime and the figures worth a glance', function () {
    const figures = nodeFigures(parseMetrics(PEER_METRICS), 4600);
    assert.deepEqual(figures.heights, { consortium: 173, other: 4 });
    assert.equal(figures.version, '2.5.16');
    assert.equal(figures.uptimeSeconds, 3600);
    assert.deepEqual(figures.highlights, [
      { label: 'proposals received', value: '42' },
      { label: 'successful proposals', value: '41' },
      { label: 'raft leader for', value: 'consortium' },
    ]);
  });

  it('says little about a node that exposes little', function () {
    assert.deepEqual(nodeFigures(parseMetrics('')), { heights: {}, highlights: [] });
  });
});
