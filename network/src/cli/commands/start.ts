import type { Command } from 'commander';

import { describeError, UserError } from '../../errors';
import { COMPONENTS, consortiaHome, installComponents } from '../../install';
import { down } from '../../operations/down';
import type { RawNetworkOptions } from '../../topology/options';
import { formatTable, progress } from '../output';
import { DEFAULT_CHAINCODE_DIR, DEFAULT_CHAINCODE_NAME, runDeploy } from './chaincode';
import { addNetworkOptions, printStatus, runUp, stateDirOf } from './network';
import { readChaincodeProject } from '../../chaincode/package';
import { localApiKey, localServices, startLocalServices } from '../../services/local-services';

/**
 * `npm start`: install what is missing, bring up (or restart) the network, deploy the
 * repository's chaincode when its version is not the one committed, start the service
 * workspaces (DAPP, datasync), print where everything listens, and stay in the foreground until
 * Ctrl-C or SIGTERM, which stop it all.
 */
export function registerStart(program: Command): void {
  addNetworkOptions(
    program
      .command('start')
      .description(
        'install, bring up the network, deploy the chaincode, and run until interrupted',
      ),
  ).action(async (flags: RawNetworkOptions) => {
    const home = consortiaHome();
    const outcomes = await installComponents(COMPONENTS, { home, env: process.env, progress });
    const failed = outcomes.filter((outcome) => outcome.status === 'failed');
    if (failed.length > 0) {
      throw new UserError(
        failed.map((failure) => `${failure.component}: ${describeError(failure.error)}`).join('\n'),
        'fix the installation above, then run `npm start` again',
      );
    }
    const stateDir = stateDirOf(flags);
    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      progress(
        `\n${signal}: stopping the network (ledgers kept; \`consortia down --purge\` removes them)`,
      );
      const result = await down(stateDir, false);
      for (const stopped of result.stopped) progress(`${stopped.name}: ${stopped.result}`);
      process.exit(0);
    };
    process.once('SIGINT', () => void stop('SIGINT'));
    process.once('SIGTERM', () => void stop('SIGTERM'));

    try {
      const { manifest, topology } = await runUp(flags);
      const project = readChaincodeProject(DEFAULT_CHAINCODE_DIR);
      const deployed = manifest.chaincodes.find(
        (chaincode) => chaincode.name === DEFAULT_CHAINCODE_NAME,
      );
      if (deployed?.version !== project.version) {
        await runDeploy(stateDir, { name: DEFAULT_CHAINCODE_NAME, path: DEFAULT_CHAINCODE_DIR });
      }
      const apiKey = await localApiKey(stateDir);
      const services = await startLocalServices(
        topology,
        localServices(topology, DEFAULT_CHAINCODE_NAME, apiKey.entry),
        [],
      );
      await printStatus(stateDir, false);
      console.log(
        `\n${formatTable(
          ['service', 'url'],
          services.map((service) => [service.name, service.url]),
        )}`,
      );
      if (services.some((service) => service.name === 'dapp')) {
        console.log(`\nDAPP API key (send as x-api-key): ${apiKey.key}`);
      }
    } catch (error) {
      // nothing stays half-started: stop what is running, keep the ledgers
      await down(stateDir, false);
      throw error;
    }
    progress('\nthe consortium is running; press Ctrl-C to stop it');
    await new Promise<never>(() => {
      // stays in the foreground until a signal arrives
    });
  });
}
