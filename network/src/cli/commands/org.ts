// SPDX-License-Identifier: Apache-2.0
import fs from 'node:fs';

import type { Command } from 'commander';

import { UserError } from '../../errors';
import { missingSignatures } from '../../fabric/config-signatures';
import type { Json } from '../../fabric/config-update';
import { consortiaHome } from '../../install';
import { addOrg } from '../../membership/add-org';
import { orgDefinition } from '../../membership/org-material';
import { removeOrg } from '../../membership/remove-org';
import type { EnvelopeStatus, MembershipChange } from '../../membership/update-files';
import {
  adminNamed,
  createMembershipUpdate,
  envelopeStatus,
  signEnvelopeFile,
  submitEnvelopeFile,
} from '../../membership/update-files';
import { loadNetwork } from '../../operations/status';
import { formatTable, progress } from '../output';
import { DEFAULT_CHAINCODE_NAME } from './chaincode';
import { addStateDir, stateDirOf } from './network';

interface StateFlags {
  stateDir?: string;
}

function positiveInteger(value: string, flag: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1 || parsed > 8) {
    throw new UserError(`${flag} must be a whole number from 1 to 8, got '${value}'`);
  }
  return parsed;
}

function context(flags: StateFlags) {
  return { home: consortiaHome(), topology: loadNetwork(stateDirOf(flags)).topology };
}

/** An envelope's signers and, per policy the update touches, what it still needs. */
export function printStatus(file: string, status: EnvelopeStatus): void {
  console.log(`${file}: config update of channel ${status.channel}`);
  console.log(
    `signed by: ${status.signers.map((signer) => `${signer.mspId}${signer.admin ? ' (admin)' : ''}`).join(', ') || 'nobody yet'}`,
  );
  console.log(
    formatTable(
      ['policy', 'rule', 'satisfied', 'still needed'],
      status.checks.map((check) => [
        check.policy,
        check.rule,
        check.satisfied ? 'yes' : 'no',
        check.satisfied ? '' : `${check.needed} of ${check.candidates.join(', ')}`,
      ]),
    ),
  );
  console.log(
    status.complete
      ? 'every required signature is present'
      : `still missing: ${missingSignatures(status.checks) ?? ''}`,
  );
}

/** An organization's definition JSON, for `--add`. */
export function readDefinition(file: string): Json {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Json;
  } catch (error) {
    throw new UserError(
      `cannot read the organization definition ${file}: ${(error as Error).message}`,
      'make one with `consortia org definition` or `configtxgen -printOrg <MSPID>`',
    );
  }
}

function registerUpdateCommands(org: Command): void {
  const update = org
    .command('update')
    .description(
      'a membership config update as an envelope file passed between organizations (peer channel signconfigtx compatible)',
    );
  addStateDir(
    update
      .command('create')
      .description('write the unsigned config update that adds or removes an organization')
      .option(
        '--add <file>',
        "the joining organization's definition (JSON, as `org definition` prints it)",
      )
      .option('--remove <msp>', 'the MSP id of the organization that leaves')
      .option('--channel <name>', "the channel to change (default: the network's channel)")
      .option('--as <org>', 'whose admin reads the current config (default: the first org)')
      .requiredOption('--output <file>', 'where to write the envelope'),
  ).action(
    async (
      flags: StateFlags & {
        add?: string;
        remove?: string;
        channel?: string;
        as?: string;
        output: string;
      },
    ) => {
      if ((flags.add === undefined) === (flags.remove === undefined)) {
        throw new UserError('pass exactly one of --add <file> and --remove <msp>');
      }
      const change: MembershipChange =
        flags.add !== undefined
          ? { add: readDefinition(flags.add) }
          : { remove: flags.remove ?? '' };
      const ctx = context(flags);
      await createMembershipUpdate(ctx, {
        channel: flags.channel ?? ctx.topology.options.channel,
        change,
        output: flags.output,
        reader: flags.as ? adminNamed(ctx.topology, flags.as) : undefined,
      });
      printStatus(flags.output, await envelopeStatus(ctx, flags.output));
    },
  );
  addStateDir(
    update
      .command('sign')
      .description("add an organization admin's signature to an envelope file")
      .requiredOption('--file <file>', 'the envelope')
      .requiredOption('--org <org>', 'whose admin signs: Org1, Org1MSP, ... or orderer'),
  ).action(async (flags: StateFlags & { file: string; org: string }) => {
    const ctx = context(flags);
    printStatus(
      flags.file,
      await signEnvelopeFile(ctx, flags.file, adminNamed(ctx.topology, flags.org)),
    );
  });
  addStateDir(
    update
      .command('status')
      .description('which signatures an envelope file carries and which the channel still requires')
      .requiredOption('--file <file>', 'the envelope'),
  ).action(async (flags: StateFlags & { file: string }) => {
    printStatus(flags.file, await envelopeStatus(context(flags), flags.file));
  });
  addStateDir(
    update
      .command('submit')
      .description('submit an envelope file once it carries every required signature')
      .requiredOption('--file <file>', 'the envelope')
      .requiredOption(
        '--org <org>',
        'whose admin submits (and signs): Org1, Org1MSP, ... or orderer',
      ),
  ).action(async (flags: StateFlags & { file: string; org: string }) => {
    const ctx = context(flags);
    const status = await submitEnvelopeFile(ctx, flags.file, adminNamed(ctx.topology, flags.org));
    console.log(`submitted the config update of channel ${status.channel}`);
  });
}

export function registerOrgCommands(program: Command): void {
  const org = program
    .command('org')
    .description('organizations joining and leaving the running local network');
  addStateDir(
    org
      .command('add')
      .description(
        'add an organization: crypto material, config updates signed by the members, peers joined, chaincodes approved',
      )
      .option('--name <name>', 'Org<n> (default: the next free number)')
      .option('--peers <n>', 'peers of the new organization', '2')
      .option(
        '--services',
        "also start the organization's own DAPP and datasync (`start` and `up` start them again)",
      )
      .option('--chaincode <name>', 'the chaincode its services serve', DEFAULT_CHAINCODE_NAME),
  ).action(
    async (
      flags: StateFlags & { name?: string; peers: string; services?: boolean; chaincode: string },
    ) => {
      const result = await addOrg(
        consortiaHome(),
        stateDirOf(flags),
        {
          name: flags.name,
          peers: positiveInteger(flags.peers, '--peers'),
          services: flags.services ? { chaincode: flags.chaincode } : undefined,
        },
        progress,
      );
      console.log(
        `${result.org.name} (${result.org.mspId}) joined with ${result.org.peers.length} peer(s) in ${result.seconds} s; config updates: ${result.envelopes.join(', ')}`,
      );
      for (const service of result.services) {
        console.log(`${service.name}: ${service.url} (logs: consortia logs ${service.name})`);
      }
    },
  );
  addStateDir(
    org
      .command('remove')
      .description('remove an organization: policies move on, config updates, its nodes stop')
      .requiredOption('--name <name>', 'the organization, e.g. Org2'),
  ).action(async (flags: StateFlags & { name: string }) => {
    const result = await removeOrg(consortiaHome(), stateDirOf(flags), flags.name, progress);
    console.log(`${result.org.name} (${result.org.mspId}) left in ${result.seconds} s`);
  });
  addStateDir(
    org
      .command('definition')
      .description("print a member organization's definition (JSON) for `org update create --add`")
      .requiredOption('--name <name>', 'the organization, e.g. Org3')
      .option('--output <file>', 'write it to this file instead of printing it'),
  ).action(async (flags: StateFlags & { name: string; output?: string }) => {
    const ctx = context(flags);
    const member = ctx.topology.orgs.find(
      (candidate) => candidate.name === flags.name || candidate.mspId === flags.name,
    );
    if (!member) throw new UserError(`no organization ${flags.name} in this network`);
    const definition = JSON.stringify(await orgDefinition(ctx, member), null, 2);
    if (flags.output) fs.writeFileSync(flags.output, `${definition}\n`);
    else console.log(definition);
  });
  registerUpdateCommands(org);
}
