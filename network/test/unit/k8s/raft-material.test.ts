// SPDX-License-Identifier: Apache-2.0
// Raft ordering on Kubernetes: the channel's configuration, the flags of `k8s channel join`, and
// the osnadmin script run against a stand-in osnadmin that answers as Fabric's does.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { UserError } from '../../../src/errors';
import { channelJoinScript } from '../../../src/k8s/jobs';
import {
  clusterConfigtx,
  defaultOrderers,
  ordererService,
  parseConsensus,
} from '../../../src/k8s/material';
import { checkJoinFlags, ordererJoinScript } from '../../../src/k8s/orderer-join';
import { tempDir } from '../../support/temp';

const OPTIONS = {
  home: '/nowhere',
  out: '/tmp/out',
  orgs: 2,
  peersPerOrg: 2,
  orderers: 3,
  kafkaBrokers: 3,
  channel: 'consortium',
  consensus: 'etcdraft' as const,
};

interface RaftProfile {
  Orderer?: {
    OrdererType: string;
    EtcdRaft?: {
      Consenters: { Host: string; Port: number; ClientTLSCert: string; ServerTLSCert: string }[];
    };
    Organizations: { OrdererEndpoints: string[] }[];
  };
  Application?: { Organizations: { Name: string; AnchorPeers: unknown[] }[] };
  Consortium?: string;
}

function userError(run: () => unknown, message: RegExp, hint: RegExp): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof UserError, String(error));
    assert.match(error.message, message);
    assert.match(error.hint ?? '', hint);
    return true;
  });
}

describe('k8s material and channel join under Raft', () => {
  it("makes only the application channel, its consenters the orderers' Services and TLS certificates", () => {
    const configtx = clusterConfigtx(OPTIONS, '/crypto') as {
      Profiles: Record<string, RaftProfile>;
    };
    assert.deepEqual(Object.keys(configtx.Profiles), ['RaftApplicationChannel']);
    const profile = configtx.Profiles.RaftApplicationChannel;
    assert.equal(profile?.Orderer?.OrdererType, 'etcdraft');
    assert.equal(profile?.Consortium, undefined, 'no system channel, no consortium');
    const consenters = profile?.Orderer?.EtcdRaft?.Consenters ?? [];
    assert.equal(consenters.length, 3);
    assert.deepEqual(consenters[2], {
      Host: 'orderers-ordering-service-orderer2.consortia-ordering.svc.cluster.local',
      Port: 7050,
      ClientTLSCert:
        '/crypto/ordererOrganizations/ordering.example.com/orderers/orderer2.ordering.example.com/tls/server.crt',
      ServerTLSCert:
        '/crypto/ordererOrganizations/ordering.example.com/orderers/orderer2.ordering.example.com/tls/server.crt',
    });
    assert.equal(ordererService(2).name, 'orderers-ordering-service-orderer2');
    assert.deepEqual(profile?.Orderer?.Organizations[0]?.OrdererEndpoints, [
      'orderers-ordering-service-orderer0.consortia-ordering.svc.cluster.local:7050',
      'orderers-ordering-service-orderer1.consortia-ordering.svc.cluster.local:7050',
      'orderers-ordering-service-orderer2.consortia-ordering.svc.cluster.local:7050',
    ]);
    // the genesis block names each org's anchor peer: no anchor peer update is needed
    assert.deepEqual(profile?.Application?.Organizations[1]?.AnchorPeers, [
      { Host: 'org2-org-blockchain-peer0.consortia-org2.svc.cluster.local', Port: 7051 },
    ]);
    // Kafka stays as it was
    const kafka = clusterConfigtx({ ...OPTIONS, consensus: 'kafka', orderers: 1 }, '/crypto') as {
      Profiles: Record<string, unknown>;
    };
    assert.deepEqual(Object.keys(kafka.Profiles), ['SystemChannel', 'ApplicationChannel']);
  });

  it('reads --consensus and defaults the orderers to the chart’s count for it', () => {
    assert.equal(parseConsensus('etcdraft'), 'etcdraft');
    assert.equal(parseConsensus(' Kafka '), 'kafka');
    userError(() => parseConsensus('raft'), /--consensus 'raft': unknown/, /etcdraft/);
    userError(() => parseConsensus('bft'), /unknown ordering consensus/, /--consensus kafka or/);
    assert.equal(defaultOrderers('etcdraft'), 3);
    assert.equal(defaultOrderers('kafka'), 1);
    assert.equal(defaultOrderers('etcdraft', 5), 5);
  });

  it('refuses channel join flags that mix the two orderings or give half an admin identity', () => {
    checkJoinFlags({});
    checkJoinFlags({ channelTx: 'c.tx', anchorTx: 'a.tx' });
    checkJoinFlags({ channelBlock: 'c.block' });
    checkJoinFlags({ channelBlock: 'c.block', ordererAdminCert: 'a', ordererAdminKey: 'k' });
    userError(
      () => checkJoinFlags({ channelBlock: 'c.block', channelTx: 'c.tx' }),
      /two orderings/,
      /only --channel-block/,
    );
    userError(
      () => checkJoinFlags({ channelBlock: 'c.block', anchorTx: 'a.tx' }),
      /already names each organization's anchor peers/,
      /drop --anchor-tx/,
    );
    userError(
      () => checkJoinFlags({ channelBlock: 'c.block', ordererAdminCert: 'a' }),
      /both --orderer-admin-cert and --orderer-admin-key/,
      /client\.crt and client\.key/,
    );
    userError(
      () => checkJoinFlags({ ordererAdminCert: 'a', ordererAdminKey: 'k' }),
      /no --channel-block/,
      /--consensus etcdraft/,
    );
  });

  it('joins the peers with the channel block given, without fetching or creating the channel', () => {
    const script = channelJoinScript('JOIN', { channelBlockFile: 'c.block' }).split('\n');
    assert.deepEqual(script, ['cp /inputs/channel.block /work/channel.block', 'JOIN']);
  });

  describe('the osnadmin script, against a stand-in osnadmin', () => {
    const orderers = [0, 1, 2].map((index) => ({
      service: `orderers-ordering-service-orderer${index}`,
      admin: `orderer${index}:7053`,
      index,
    }));
    /**
     * Runs the script with an osnadmin that keeps each orderer's membership in a file: list answers
     * 200 (active consenter) or 404, join 201, or as `answers` says for an orderer.
     */
    const runScript = (members: number[], answers: Record<string, string> = {}) => {
      const dir = tempDir('osnadmin');
      for (const index of members) fs.writeFileSync(path.join(dir, `orderer${index}:7053`), '');
      // no waiting between polls
      fs.writeFileSync(path.join(dir, 'sleep'), '#!/bin/sh\n', { mode: 0o755 });
      const stub = path.join(dir, 'osnadmin');
      const cases = Object.entries(answers)
        .map(([host, answer]) => `  ${host}) printf '%b\\n' '${answer}'; exit 0 ;;`)
        .join('\n');
      fs.writeFileSync(
        stub,
        [
          '#!/bin/sh',
          'verb=$2; host=""; while [ $# -gt 0 ]; do [ "$1" = -o ] && host=$2; shift; done',
          `state=${dir}/$host`,
          'if [ "$verb" = list ]; then',
          '  if [ -e "$state" ]; then printf \'Status: 200\\n{\\n\\t"name": "consortium",\\n\\t"consensusRelation": "consenter",\\n\\t"status": "active",\\n\\t"height": 1\\n}\\n\'; exit 0; fi',
          '  printf \'Status: 404\\n{\\n\\t"error": "channel does not exist"\\n}\\n\'; exit 0',
          'fi',
          'case "$host" in',
          cases,
          'esac',
          `touch "$state"; echo "joined $host" >> ${dir}/joins`,
          'printf \'Status: 201\\n{\\n\\t"name": "consortium"\\n}\\n\'',
        ].join('\n'),
        { mode: 0o755 },
      );
      const result = spawnSync('sh', ['-ec', ordererJoinScript(orderers)], {
        encoding: 'utf8',
        env: { PATH: `${dir}:/usr/bin:/bin`, CHANNEL: 'consortium' },
        timeout: 20_000,
      });
      const joins = fs.existsSync(path.join(dir, 'joins'))
        ? fs.readFileSync(path.join(dir, 'joins'), 'utf8').trim().split('\n')
        : [];
      return { ...result, joins };
    };

    it('joins every orderer that is not a member, and leaves members as they are', () => {
      const first = runScript([]);
      assert.equal(first.status, 0, first.stdout + first.stderr);
      assert.deepEqual(first.joins, [
        'joined orderer0:7053',
        'joined orderer1:7053',
        'joined orderer2:7053',
      ]);
      assert.match(first.stdout, /orderers-ordering-service-orderer2 joined consortium/);
      assert.match(
        first.stdout,
        /orderers-ordering-service-orderer0: consortium active, consenter/,
      );
      // run again (or after a partial run): only the missing orderer joins
      const again = runScript([0, 2]);
      assert.equal(again.status, 0, again.stdout + again.stderr);
      assert.deepEqual(again.joins, ['joined orderer1:7053']);
      assert.match(
        again.stdout,
        /orderers-ordering-service-orderer0 already a member of consortium/,
      );
    });

    it('takes "channel already exists" as membership, and fails on any other refusal', () => {
      const exists = runScript([], {
        'orderer1:7053': 'Status: 405\\n{"error": "cannot join: channel already exists"}',
      });
      // orderer1 says it exists, but the stand-in then lists it as absent: not an active consenter
      assert.equal(exists.status, 1);
      assert.match(exists.stdout, /orderer1 already a member of consortium/);
      assert.match(exists.stdout, /orderer1 is not an active consenter of consortium/);
      const refused = runScript([], {
        'orderer0:7053': 'Status: 405\\n{"error": "cannot join: system channel exists"}',
      });
      assert.equal(refused.status, 1);
      assert.match(refused.stdout, /system channel exists/);
      assert.match(refused.stdout, /orderer0 refused to join consortium \(above: its answer\)/);
      assert.deepEqual(refused.joins, [], 'stops at the first refusal');
    });
  });
});
