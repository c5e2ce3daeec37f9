// SPDX-License-Identifier: Apache-2.0
import type { Command } from 'commander';

import { revokeIdentity } from '../../ca/revoke';
import { consortiaHome } from '../../install';
import { loadNetwork } from '../../operations/status';
import { progress } from '../output';
import { addStateDir, stateDirOf } from './network';

interface RevokeFlags {
  stateDir?: string;
  org: string;
  reason: string;
}

export function registerCaCommands(program: Command): void {
  const ca = program
    .command('ca')
    .description("the organizations' Fabric CAs of a network made with --crypto ca");
  addStateDir(
    ca
      .command('revoke')
      .description(
        "revoke an identity at its org's CA and put the CA's CRL into the org's channel MSP, so every peer refuses it",
      )
      .argument('<enrollment-id>', 'the identity to revoke, e.g. a user registered by the app-api')
      .requiredOption('--org <name>', 'its organization (Org1, or its MSP id)')
      .option('--reason <reason>', 'revocation reason, as Fabric CA names them', 'unspecified'),
  ).action(async (enrollmentId: string, flags: RevokeFlags) => {
    const { topology } = loadNetwork(stateDirOf(flags));
    progress(`revoking ${enrollmentId} of ${flags.org} and updating the channel MSP`);
    await revokeIdentity(consortiaHome(), topology, flags.org, enrollmentId, flags.reason);
    progress(`${enrollmentId} revoked: the channel's ${flags.org} MSP lists it in its CRL`);
  });
}
