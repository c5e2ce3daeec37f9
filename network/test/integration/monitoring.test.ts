// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import crypto from 'node:crypto';

import { eventually, freePort } from '@consortia/common/testing';

import { consortiaHome } from '../../src/install';
import { prometheusComponent } from '../../src/install/prometheus';
import { dashboardQueries, DASHBOARDS } from '../../src/monitoring/dashboards';
import { correlatedLines } from '../../src/monitoring/correlated-logs';
import { metricNames } from '../../src/monitoring/promql';
import { alertRuleGroups } from '../../src/monitoring/rules';
import { runMonitoring } from '../../src/monitoring/run';
import { stopStarted } from '../../src/operations/down';
import type { PidRecord } from '../../src/process/supervisor';
import {
  localCredentials,
  localServices,
  startLocalServices,
} from '../../src/services/local-services';
import type { TestNetwork } from '../../src/testing';
import { sharedTestNetwork } from '../../src/testing';
import { servicePorts } from '../../src/topology/topology';
import { commitThroughDapp, prometheusApi } from '../support/monitoring';
import { tempDir } from '../support/temp';

// A real Prometheus, built from its Go module, and the Consortia exporter, started by
// `consortia monitoring run`'s code beside the shared network, scrape its peers and orderer and
// the four services as `npm start` runs them. After a little traffic every target is up and every
// metric named by a rule or a dashboard panel is among the scraped series: nothing reads a metric
// no process exports.
describe('Prometheus against the local network (real Prometheus, real network)', function () {
  this.timeout(300_000);
  const home = consortiaHome();
  let network: TestNetwork;
  let prometheusUrl: string;
  // the services and monitoring processes this suite started; those already running are kept
  const started: PidRecord[] = [];

  const api = <T>(query: string) => prometheusApi<T>(prometheusUrl, query);

  before(async function () {
    if (!prometheusComponent.isInstalled(home)) this.skip();
    network = await sharedTestNetwork();
    const credentials = await localCredentials(network.stateDir);
    await startLocalServices(
      network.topology,
      localServices(network.topology, network.chaincode, credentials),
      started,
    );
    const monitoring = await runMonitoring(home, network.topology, {
      dir: tempDir('monitoring'),
      prometheusPort: await freePort(),
      exporterPort: await freePort(),
      // a scrape every second keeps the suite short
      scrapeIntervalSeconds: 1,
    });
    started.push(...monitoring.started);
    prometheusUrl = monitoring.prometheusUrl;
  });

  after(async function () {
    if (network) await stopStarted(network.topology.paths.run, started);
  });

  it('scrapes every target of the network', async function () {
    const targets = await eventually(
      'every target scraped and up',
      async () => {
        const data = await api<{
          activeTargets: {
            scrapePool: string;
            scrapeUrl: string;
            health: string;
            lastError: string;
          }[];
        }>('targets?state=active');
        const down = data.activeTargets.filter((target) => target.health !== 'up');
        if (data.activeTargets.length === 0 || down.length > 0) {
          throw new Error(
            down.map((target) => `${target.scrapeUrl}: ${target.lastError}`).join('; ') ||
              'no targets yet',
          );
        }
        return data.activeTargets;
      },
      30_000,
      500,
    );
    const pools = new Set(targets.map((target) => target.scrapePool));
    assert.deepEqual([...pools].sort(), [
      'app-api',
      'consortia-exporter',
      'dapp',
      'datasync',
      'explorer',
      'fabric-orderer',
      'fabric-peer',
    ]);
    assert.equal(targets.filter((target) => target.scrapePool === 'fabric-peer').length, 4);
  });

  it('follows one request by its correlation id through the DAPP, its chaincode event and the mirror (consortia logs --correlation-id)', async function () {
    const { dapp } = await localCredentials(network.stateDir);
    const correlationId = `monitoring-${crypto.randomUUID()}`;
    const { txId } = await commitThroughDapp(
      network.topology,
      network.chaincode,
      dapp.key,
      correlationId,
    );
    // datasync reads the id back from the chaincode's event when it mirrors the transaction
    const lines = await eventually(
      'the mirrored transaction logged with the correlation id',
      async () => {
        const found = correlatedLines(network.topology.paths.logs, correlationId);
        return found.some((line) => line.process === 'datasync') ? found : undefined;
      },
      30_000,
      500,
    );
    const messages = lines.map((line) => {
      const parsed = JSON.parse(line.line) as { msg: string; txId?: string };
      return `${line.process}: ${parsed.msg}${parsed.txId ? ` ${parsed.txId}` : ''}`;
    });
    assert.ok(messages.includes(`dapp: request committed ${txId}`), messages.join('\n'));
    assert.ok(messages.includes(`datasync: transaction mirrored ${txId}`), messages.join('\n'));
  });

  it('finds every metric the rules and dashboards read among the scraped series, and data for every panel', async function () {
    const topology = network.topology;
    const ports = servicePorts(topology);
    const { dapp: apiKey } = await localCredentials(network.stateDir);
    const url = (service: keyof typeof ports, route: string) =>
      `http://127.0.0.1:${ports[service].http}${route}`;
    // traffic that makes the event-driven series appear: a committed transaction (the peers'
    // ledger and commit figures, the DAPP's Fabric and outcome figures), a query, answers of each
    // service, a failed login and a denied request at the app-api
    await commitThroughDapp(topology, network.chaincode, apiKey.key);
    for (const service of ['dapp', 'datasync', 'app-api', 'explorer'] as const) {
      await fetch(url(service, '/no-such-route'));
    }
    await fetch(url('app-api', '/v1/auth/login'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'nobody', password: 'not the password' }),
    });
    await fetch(url('app-api', '/v1/assets'));

    const wanted = new Map<string, string[]>();
    const want = (where: string, expr: string) => {
      for (const name of metricNames(expr)) wanted.set(name, [...(wanted.get(name) ?? []), where]);
    };
    for (const rule of alertRuleGroups().flatMap((group) => group.rules))
      want(rule.alert, rule.expr);
    for (const spec of DASHBOARDS) {
      for (const query of dashboardQueries(spec)) want(query.where, query.expr);
    }
    // Fabric exports these vectors only once their event happens (a chaincode launch fails, a
    // peer elects itself gossip leader; with static org leaders it never does), so a fresh
    // network may not have them yet; they are still real Fabric metric names.
    const eventOnly = new Set(['chaincode_launch_failures', 'gossip_leader_election_leader']);
    for (const name of eventOnly) wanted.delete(name);
    // The app-api's event stream figures have samples only once a subscription exists and
    // delivers, the DAPP's user certificate expiry once a user has a Fabric identity (a network
    // of Fabric CAs); until then each service declares them (HELP and TYPE), which Prometheus
    // keeps as each target's metadata: they are checked there.
    const declaredOnly = [...wanted.keys()].filter(
      (name) => name.startsWith('app_api_events_') || name.startsWith('dapp_user_certificate_'),
    );
    for (const name of declaredOnly) wanted.delete(name);
    const family = (name: string) => name.replace(/_(bucket|count|sum)$/, '');
    const metadata = await eventually(
      'the event stream and user certificate metrics the services declare',
      async () => {
        const known = await api<Record<string, unknown>>('metadata');
        return declaredOnly.every((name) => family(name) in known) ? known : undefined;
      },
      20_000,
      1000,
    ).catch(() => api<Record<string, unknown>>('metadata'));
    assert.deepEqual(
      declaredOnly.filter((name) => !(family(name) in metadata)),
      [],
      'metrics read by rules or panels that no service declares',
    );
    const missing = await eventually(
      'every metric of the rules and dashboards scraped',
      async () => {
        const names = new Set(await api<string[]>('label/__name__/values'));
        const absent = [...wanted.keys()].filter((name) => !names.has(name));
        return absent.length === 0 ? absent : undefined;
      },
      20_000,
      1000,
    ).catch(async () => {
      const names = new Set(await api<string[]>('label/__name__/values'));
      return [...wanted.keys()].filter((name) => !names.has(name));
    });
    assert.deepEqual(
      missing.map((name) => `${name} (${wanted.get(name)?.join(', ')})`),
      [],
      'metrics read by rules or panels that no process exports',
    );

    // and Prometheus accepts every expression as it stands
    for (const rule of alertRuleGroups().flatMap((group) => group.rules)) {
      await api(`query?query=${encodeURIComponent(rule.expr)}`);
    }
    // and every panel shows data from the live network (a rate needs two samples of a series
    // the traffic above just made), with its dashboard's variables at All and at one value each
    // (the first org, node or instance the variable's own query offers)
    const substitute = (expr: string, values: Record<string, string>) =>
      expr
        .replace(/\$__rate_interval/g, '1m')
        .replace(/\$([A-Za-z]\w*)/g, (_, name: string) => values[name] ?? '.*');
    const oneEach = async (spec: (typeof DASHBOARDS)[number]) => {
      const chosen: Record<string, string> = {};
      for (const variable of spec.variables ?? []) {
        const expr = `group by (${variable.labelName}) (${substitute(variable.metric, chosen)})`;
        const data = await api<{ result: { metric: Record<string, string> }[] }>(
          `query?query=${encodeURIComponent(expr)}`,
        );
        const value = data.result[0]?.metric[variable.labelName];
        assert.ok(value, `${spec.uid} variable ${variable.name} offers no value`);
        chosen[variable.name] = value;
      }
      return chosen;
    };
    const panelsWithoutData = async () => {
      const empty: string[] = [];
      for (const spec of DASHBOARDS) {
        for (const values of [{}, await oneEach(spec)]) {
          for (const query of dashboardQueries(spec)) {
            const names = metricNames(query.expr);
            if (names.every((name) => eventOnly.has(name))) continue;
            if (names.some((name) => declaredOnly.includes(name))) continue;
            const expr = substitute(query.expr, values);
            const data = await api<{ result: unknown[] }>(
              `query?query=${encodeURIComponent(expr)}`,
            );
            if (data.result.length === 0) empty.push(`${query.where}: ${expr}`);
          }
        }
      }
      return empty;
    };
    const empty = await eventually(
      'data for every panel',
      async () => ((await panelsWithoutData()).length === 0 ? [] : undefined),
      15_000,
      1000,
    ).catch(panelsWithoutData);
    assert.deepEqual(empty, [], 'panel queries without data');
  });
});
