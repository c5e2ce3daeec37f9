// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';

import {
  channelAction,
  editPatch,
  editTable,
  raftMetadataOf,
  setArgs,
  valuesApplied,
} from '../../../src/k8s/consensus-migration/plan';
import {
  checkChannelsScript,
  configUpdateScript,
} from '../../../src/k8s/consensus-migration/scripts';

const METADATA = raftMetadataOf([
  { host: 'o0.ns.svc.cluster.local', port: 7050, certBase64: 'Y2VydDA=' },
  { host: 'o1.ns.svc.cluster.local', port: 7050, certBase64: 'Y2VydDE=' },
]);
const kafka = { type: 'kafka', state: 'STATE_NORMAL' } as const;
const kafkaMaintenance = { type: 'kafka', state: 'STATE_MAINTENANCE' } as const;
const raftMaintenance = { type: 'etcdraft', state: 'STATE_MAINTENANCE' } as const;
const raft = { type: 'etcdraft', state: 'STATE_NORMAL' } as const;

describe('k8s migrate-consensus plan', () => {
  it('decides each channel as the local migration does, refusing the out-of-order edits', () => {
    assert.equal(channelAction(kafka, 'enter-maintenance'), 'edit');
    assert.equal(channelAction(kafkaMaintenance, 'enter-maintenance'), 'skip');
    assert.equal(channelAction(raft, 'enter-maintenance'), 'skip');
    assert.equal(channelAction(kafka, 'switch-to-raft'), 'refuse');
    assert.equal(channelAction(kafkaMaintenance, 'switch-to-raft'), 'edit');
    assert.equal(channelAction(raftMaintenance, 'switch-to-raft'), 'skip');
    assert.equal(channelAction(kafkaMaintenance, 'leave-maintenance'), 'refuse');
    assert.equal(channelAction(kafka, 'leave-maintenance'), 'refuse');
    assert.equal(channelAction(raftMaintenance, 'leave-maintenance'), 'edit');
    assert.equal(channelAction(raft, 'leave-maintenance'), 'skip');
  });

  it('patches only what the edit changes: the state, or the type with the Raft metadata', () => {
    assert.deepEqual(editPatch(kafka, 'enter-maintenance', METADATA), {
      state: 'STATE_MAINTENANCE',
    });
    assert.deepEqual(editPatch(raftMaintenance, 'leave-maintenance', METADATA), {
      state: 'STATE_NORMAL',
    });
    const patch = editPatch(kafkaMaintenance, 'switch-to-raft', METADATA);
    assert.equal(patch.type, 'etcdraft');
    assert.equal(patch.state, undefined);
    const metadata = patch.metadata as typeof METADATA;
    assert.equal(metadata.consenters.length, 2);
    assert.equal(metadata.consenters[1]?.client_tls_cert, 'Y2VydDE=');
    assert.equal(metadata.consenters[1]?.server_tls_cert, 'Y2VydDE=');
    assert.equal(metadata.options.snapshot_interval_size, 16 * 1024 * 1024);
  });

  it('ships a patch for each state it edits, and the Job refuses before submitting', () => {
    const table = editTable('switch-to-raft', METADATA);
    assert.deepEqual(
      table.map((row) => `${row.key}:${row.action}`),
      [
        'kafka-STATE_NORMAL:refuse',
        'kafka-STATE_MAINTENANCE:edit',
        'etcdraft-STATE_MAINTENANCE:skip',
        'etcdraft-STATE_NORMAL:skip',
      ],
    );
    const { script, inputs } = configUpdateScript('switch-to-raft', METADATA, [
      'system-channel',
      'consortium',
    ]);
    assert.deepEqual(Object.keys(inputs), ['patch-kafka-STATE_MAINTENANCE.json']);
    assert.match(script, /CHANNELS="system-channel consortium"/);
    assert.match(script, /kafka-STATE_NORMAL\) echo refuse ;;/);
    assert.match(script, /\*\) echo refuse ;;/);
    // every channel is read and checked before the first update is submitted
    assert.ok(script.indexOf('exit 3') < script.indexOf('peer channel update'));
    assert.match(
      script,
      /case "\$\(state_of "\$ch"\)" in etcdraft-STATE_MAINTENANCE\|etcdraft-STATE_NORMAL\)/,
    );
  });

  it('checks every orderer of every channel', () => {
    const script = checkChannelsScript(['system-channel'], ['o0:7050', 'o1:7050'], 60);
    assert.match(script, /ORDERERS="o0:7050 o1:7050"/);
    assert.match(script, /not etcdraft-STATE_MAINTENANCE/);
    assert.match(script, /\[ "\$tries" -lt 12 \]/);
  });

  it('sets booleans as booleans and knows values already applied', () => {
    assert.deepEqual(setArgs({ consensus: 'etcdraft', 'kafka.retain': true }), [
      '--set-string',
      'consensus=etcdraft',
      '--set',
      'kafka.retain=true',
    ]);
    assert.equal(
      valuesApplied('restart-as-raft', {
        consensus: 'etcdraft',
        kafkaRetain: true,
        bootstrap: 'file',
      }),
      true,
    );
    assert.equal(
      valuesApplied('remove-kafka', { consensus: 'etcdraft', kafkaRetain: true }),
      false,
    );
    assert.equal(valuesApplied('enter-maintenance', {}), true);
  });
});
