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
    const kafka = await renderNotes(chartDir('ordering-service'), {
      releaseName: RELEASE,
      set: { consensus: 'kafka' },
    });
    assert.match(kafka, /Kafka\.Brokers/);
    assert.match(kafka, /org1-ordering-service-kafka-2\.org1-ordering-service-kafka-headless/);
  });

  it('tells the organization operator how to join the channel and deploy the chaincode', async () => {
    const notes = await renderNotes(chartDir('org-blockchain'), { releaseName: RELEASE });
    assert.match(notes, /peer channel join/);
    assert.match(notes, /peer lifecycle chaincode install/);
    assert.match(notes, /chaincode\.packageId is not set yet/);
    assert.match(notes, /org1-peer0-msp/);
  });
});
