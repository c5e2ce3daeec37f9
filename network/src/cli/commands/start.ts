// SPDX-License-Identifier: Apache-2.0
import path from 'node:path';

import type { Command } from 'commander';

import { describeError, UserError } from '../../errors';
import { consortiaHome, findComponents, installComponents } from '../../install';
import { down } from '../../operations/down';
import { startNetworkServices } from '../../operations/services';
import { networkStatus } from '../../operations/status';
import type { RawNetworkOptions } from '../../topology/options';
import { formatTable, progress } from '../output';
import { runCrlPublisher } from './ca';
import { DEFAULT_CHAINCODE_DIR, DEFAULT_CHAINCODE_NAME, runDeploy } from './chaincode';
import { addNetworkOptions, printStatus, runUp, stateDirOf } from './network';
import { readChaincodeProject } from '../../chaincode/package';
import { ensureTokenInitialized, LOCAL_TOKEN } from '../../chaincode/token';
import { firstOrg } from '../../topology/topology';
import type { HeldLock } from '../../process/lock';
import { acquireStartLock } from '../../process/lock';
import { isOurs, listPidRecords, logFile } from '../../process/supervisor';
import type { AdminState } from '../../services/app-api-admin';
import { appApiAdminState, logOffset } from '../../services/app-api-admin';
import type { LocalCredentials, LocalService } from '../../services/local-services';
import { localCredentials } from '../../services/local-services';

const WATCH_INTERVAL_MS = 15_000;
const CRL_PUBLISH_SECONDS = 10;

/** Says when a process stops answering its health check, and when it recovers. */
function watchHealth(home: string, stateDir: string): NodeJS.Timeout {
  const unhealthy = new Set<string>();
  const check = async () => {
    const status = await networkStatus(home, stateDir);
    for (const process of status.processes) {
      if (!process.healthy && !unhealthy.has(process.name)) {
        unhealthy.add(process.name);
        progress(
          `${process.name} is ${process.running ? 'not healthy' : 'not running'}; see \`consortia logs ${process.name}\``,
        );
      } else if (process.healthy && unhealthy.delete(process.name)) {
        progress(`${process.name} is healthy again`);
      }
    }
  };
  return setInterval(() => {
    check().catch((error: unknown) => progress(`health check failed: ${describeError(error)}`));
  }, WATCH_INTERVAL_MS);
}

const STOP_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * Stops everything in the state dir on the first SIGINT, SIGTERM or SIGHUP, then exits 0 (1 if a
 * process could not be stopped). Repeats are expected and ignored: Ctrl-C reaches every process
 * of the terminal's group, and npm and the bootstrap script forward it once more each.
 */
function stopOnSignal(
  stateDir: string,
  lock: HeldLock,
  beforeStop: () => void,
): { stopping: () => Promise<void> | undefined } {
  const runDir = path.join(stateDir, 'run');
  const stillRunning = () => listPidRecords(runDir).filter(isOurs);
  let stopping: Promise<void> | undefined;
  const stop = (signal: string) => {
    if (stopping) {
      progress(`${signal}: already stopping`);
      return;
    }
    stopping = (async () => {
      beforeStop();
      progress(
        `\n${signal}: stopping the network (ledgers kept; \`consortia down --purge\` removes them)`,
      );
      // A start still under way may start another process meanwhile: go again until none runs.
      for (let pass = 0; pass < 3 && stillRunning().length > 0; pass++) {
        const result = await down(stateDir, false);
        for (const stopped of result.stopped) progress(`${stopped.name}: ${stopped.result}`);
      }
      // Checked and exited in one synchronous run, so nothing can start in between.
      const left = stillRunning();
      lock.release();
      if (left.length > 0) {
        progress(
          `could not stop: ${left.map((record) => `${record.name} (pid ${record.pid})`).join(', ')}`,
        );
        process.exit(1);
      }
      progress('stopped');
      process.exit(0);
    })();
  };
  for (const signal of STOP_SIGNALS) process.on(signal, () => stop(signal));
  return { stopping: () => stopping };
}

/** What a local consortium runs on; helm, kube-apiserver and Chromium only serve the tests. */
const START_COMPONENTS = ['fabric', 'kafka'];

/** How to reach each service that runs: keys, logins, and the app-api's first admin. */
export function accessInstructions(
  services: readonly LocalService[],
  credentials: LocalCredentials,
  stateDir: string,
  admin: AdminState = 'unknown',
): string[] {
  const lines: string[] = [];
  const running = (name: string) => services.find((service) => service.name === name);
  if (running('dapp')) {
    lines.push('', `DAPP API key (send as x-api-key): ${credentials.dapp.key}`);
  }
  const explorer = running('explorer');
  if (explorer) {
    lines.push(
      '',
      `explorer: open ${explorer.url}/ and log in as ${credentials.explorer.user} / ${credentials.explorer.password}`,
    );
  }
  const appApi = running('app-api');
  if (appApi) {
    const login = [
      `curl -s ${appApi.url}/v1/auth/login -H 'content-type: application/json' \\`,
      `  -d '{"username":"<you>","password":"<password>"}'   (API docs: ${appApi.url}/docs)`,
    ];
    // the create-admin step only while the app-api has no administrator (or cannot tell)
    if (admin === 'present') {
      lines.push('', 'app-api: log in as one of its users:', ...login);
    } else {
      const lead =
        admin === 'missing'
          ? 'app-api: no administrator exists yet; create the first one'
          : 'app-api: create the first administrator, unless one exists';
      lines.push(
        '',
        `${lead} (a password is generated and printed; or pipe one in with --password-stdin):`,
        '  npm run network -- service app-api create-admin --username <you>',
        'then log in:',
        ...login,
      );
    }
  }
  if (lines.length > 0) {
    lines.push(
      '',
      `(secrets are kept in ${path.join(stateDir, 'services')}, readable by you only)`,
    );
  }
  return lines;
}

/**
 * `npm start`: install what is missing, bring up (or restart) the network, deploy the
 * repository's chaincode when its version is not the one committed, start the service
 * workspaces (DAPP, datasync, app-api, explorer, and the own DAPP and datasync of organizations
 * that joined with them), print where everything listens, and stay in the
 * foreground until Ctrl-C or SIGTERM, which stop it all and exit 0. One per state dir.
 */
export function registerStart(program: Command): void {
  addNetworkOptions(
    program
      .command('start')
      .description(
        'install, bring up the network, deploy the chaincode, and run until interrupted',
      ),
  ).action(async (flags: RawNetworkOptions) => {
    const stateDir = stateDirOf(flags);
    // One start per state dir: a second one would adopt the first one's processes, and its
    // Ctrl-C would stop them.
    const lock = acquireStartLock(stateDir);
    process.on('exit', () => lock.release());
    const health: { watcher?: NodeJS.Timeout } = {};
    const crlPublisher = new AbortController();
    const { stopping } = stopOnSignal(stateDir, lock, () => {
      clearInterval(health.watcher);
      crlPublisher.abort();
    });

    const home = consortiaHome();
    const outcomes = await installComponents(findComponents(START_COMPONENTS), {
      home,
      env: process.env,
      progress,
    });
    const failed = outcomes.filter((outcome) => outcome.status === 'failed');
    if (failed.length > 0) {
      throw new UserError(
        failed.map((failure) => `${failure.component}: ${describeError(failure.error)}`).join('\n'),
        'fix the installation above, then run `npm start` again',
      );
    }

    try {
      const { manifest, topology } = await runUp(flags);
      const project = readChaincodeProject(DEFAULT_CHAINCODE_DIR);
      const deployed = manifest.chaincodes.find(
        (chaincode) => chaincode.name === DEFAULT_CHAINCODE_NAME,
      );
      if (deployed?.version !== project.version) {
        await runDeploy(stateDir, { name: DEFAULT_CHAINCODE_NAME, path: DEFAULT_CHAINCODE_DIR });
      }
      const tokenOrg = firstOrg(topology);
      const token = await ensureTokenInitialized(topology, tokenOrg, DEFAULT_CHAINCODE_NAME);
      if (token === 'initialized') {
        progress(
          `initialized the ${LOCAL_TOKEN.symbol} token: ${tokenOrg.mspId} is its admin organization and minter`,
        );
      }
      const credentials = await localCredentials(stateDir);
      const appApiLog = logFile(topology.paths.logs, 'app-api');
      const appApiLogOffset = logOffset(appApiLog);
      // the first org's services, then those of orgs that joined with their own
      const { local: services, orgs } = await startNetworkServices(
        topology,
        DEFAULT_CHAINCODE_NAME,
        credentials,
        progress,
      );
      await printStatus(stateDir, false);
      console.log(
        `\n${formatTable(
          ['service', 'url'],
          [...services, ...orgs].map((service) => [service.name, service.url]),
        )}`,
      );
      const admin = appApiAdminState(appApiLog, appApiLogOffset);
      for (const line of accessInstructions(services, credentials, stateDir, admin)) {
        console.log(line);
      }
      if (topology.options.crypto === 'ca') {
        // as each org's admin (whose keys this machine holds), so that a user revoked through
        // the app-api is refused by the peers within a round
        runCrlPublisher(topology, topology.orgs, CRL_PUBLISH_SECONDS, crlPublisher.signal).catch(
          (error: unknown) => progress(`CRL publishing stopped: ${describeError(error)}`),
        );
      }
    } catch (error) {
      // Interrupted: the signal's stop is under way, and exits when done.
      const interrupted = stopping();
      if (interrupted) return interrupted;
      // nothing stays half-started: stop what is running, keep the ledgers
      await down(stateDir, false);
      throw error;
    }
    if (stopping()) return;
    progress('\nthe consortium is running; press Ctrl-C to stop it');
    // Stays in the foreground until a signal arrives, watching the processes meanwhile: a
    // pending promise alone would not keep Node running.
    health.watcher = watchHealth(home, stateDir);
  });
}
