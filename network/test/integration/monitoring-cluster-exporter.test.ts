// SPDX-License-Identifier: Apache-2.0
/**
 * The exporter as the charts run it (EXPORTER_* variables instead of a state directory) against
 * the shared network's real Kafka broker, a real peer and that peer's certificates: it reports the
 * same metric names as the exporter of a local network, so one rule file and one set of
 * dashboards serve both.
 */
import assert from 'node:assert/strict';
import path from 'node:path';

import { clusterExporterConfig } from '../../src/monitoring/exporter/cluster';
import { collect, localSources, startExporter } from '../../src/monitoring/exporter/server';
import type { TestNetwork } from '../../src/testing';
import { sharedTestNetwork } from '../../src/testing';
import { HOST, peerCryptoDir } from '../../src/topology/topology';

const names = (text: string) =>
  new Set(
    text
      .split('\n')
      .filter((line) => line && !line.startsWith('#'))
      .map((line) => line.replace(/[{ ].*$/, '')),
  );

describe('the exporter in cluster mode (real Kafka, peer and certificates)', function () {
  this.timeout(300_000);
  let network: TestNetwork;

  before(async function () {
    network = await sharedTestNetwork();
    if (!network.topology.kafka) this.skip();
  });

  it('reports Kafka, readiness and certificate figures under the local names', async function () {
    const topology = network.topology;
    const org = topology.orgs[0]!;
    const peer = org.peers[0]!;
    const dir = peerCryptoDir(topology, peer);
    const config = clusterExporterConfig({
      EXPORTER_PORT: '0',
      EXPORTER_HOST: HOST,
      EXPORTER_KAFKA_BROKERS: `${HOST}:${topology.kafka!.port}`,
      EXPORTER_PROBES: `${peer.name}=http://${HOST}:${peer.operationsPort}/healthz`,
      EXPORTER_CERTIFICATES: [
        `peer:sign:${org.mspId}=${path.join(dir, 'msp')}`,
        `peer:tls:${org.mspId}=${path.join(dir, 'tls')}`,
      ].join(','),
    });
    const exporter = await startExporter(config.sources, config);
    try {
      const text = await (await fetch(exporter.url)).text();
      assert.match(text, /^consortia_kafka_brokers 1$/m);
      assert.match(text, /^consortia_exporter_source_up\{source="kafka"\} 1$/m);
      assert.match(
        text,
        new RegExp(`^consortia_process_ready\\{process="${peer.name}"\\} 1$`, 'm'),
      );
      assert.match(
        text,
        new RegExp(
          `^consortia_certificate_expiry_timestamp_seconds\\{kind="peer",usage="sign",org="${org.mspId}",subject="${peer.hostname}"\\} \\d+$`,
          'm',
        ),
      );
      assert.match(
        text,
        new RegExp(`^consortia_certificate_expiry_timestamp_seconds\\{kind="ca",usage="tls",`, 'm'),
      );
      const local = (await collect(localSources(topology)))
        .filter((gauge) => gauge.samples.length > 0)
        .map((gauge) => gauge.name);
      assert.deepEqual([...names(text)].sort(), local.sort());
    } finally {
      await exporter.close();
    }
  });
});
