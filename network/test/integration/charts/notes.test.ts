// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';

import { CHART_NAMES, chartDir, renderNotes } from '../../../src/charts/helm';
import { NAMESPACE, PROFILES, RELEASE, valuesFor } from './support';

describe('charts: NOTES.txt', () => {
  for (const chart of CHART_NAMES) {
    for (const profile of PROFILES) {
      it(`${chart} renders its next steps with ${profile} values`, async () => {
        const notes = await renderNotes(chartDir(chart), {
          releaseName: RELEASE,
          namespace: NAMESPACE,
          valuesFiles: valuesFor(chart, profile),
        });
        assert.match(notes, new RegExp(`"${RELEASE}"`));
        assert.doesNotMatch(notes, /<no value>/);
      });
    }
  }

  it('tells the ordering service operator how to create channels or which brokers to use', async () => {
    const raft = await renderNotes(chartDir('ordering-service'), { releaseName: RELEASE });
    assert.match(raft, /osnadmin channel join/);
    assert.match(
      raft,
      /consortia k8s channel join .*\n.*--channel-block <channel>\.block --orderer-admin-cert/,
    );
    const kafka = await renderNotes(chartDir('ordering-service'), {
      releaseName: RELEASE,
      set: { consensus: 'kafka' },
    });
    assert.match(kafka, /Kafka\.Brokers/);
    assert.match(kafka, /org1-ordering-service-kafka-2\.org1-ordering-service-kafka-headless/);
  });

  it('warns, with load balancers on, of each peer that would advertise its in-cluster name', async () => {
    const notes = (set: Record<string, string>) =>
      renderNotes(chartDir('org-blockchain'), {
        releaseName: RELEASE,
        valuesFiles: valuesFor('org-blockchain', 'eks'),
        set,
      });
    const warned = (text: string) =>
      [...text.matchAll(/WARNING: (peer\d) tells other organizations its in-cluster name/g)].map(
        (match) => match[1],
      );
    assert.deepEqual(warned(await notes({})), ['peer0', 'peer1', 'peer2']);
    assert.match(await notes({}), /peer\.nodes\[2\]\.externalEndpoint/);
    assert.deepEqual(
      warned(
        await notes({
          'peer.nodes[0].externalEndpoint': 'peer0.org1.example.com:7051',
          'peer.nodes[1].externalEndpoint': 'peer1.org1.example.com:7051',
        }),
      ),
      ['peer2'],
    );
    // without load balancers the in-cluster names are the right ones to advertise
    const inCluster = await renderNotes(chartDir('org-blockchain'), { releaseName: RELEASE });
    assert.deepEqual(warned(inCluster), []);
  });

  it('tells the organization operator how to join the channel and deploy the chaincode', async () => {
    const notes = await renderNotes(chartDir('org-blockchain'), { releaseName: RELEASE });
    assert.match(notes, /peer channel join/);
    assert.match(notes, /peer lifecycle chaincode install/);
    assert.match(notes, /chaincode\.packageId is not set yet/);
    assert.match(notes, /org1-peer0-msp/);
  });
});
