import fs from 'node:fs';
import path from 'node:path';

import { UserError } from '../errors';
import { fabricCaTool } from '../install/fabric-ca';
import { runCommand } from '../process/run-command';
import type { CaServer } from './layout';
import { caTlsTrustFile } from './layout';
import type { Registrar } from './server';
import { caUrl, registrarOf } from './server';

export type IdentityType = 'peer' | 'orderer' | 'admin' | 'client';

export interface NewIdentity extends Registrar {
  type: IdentityType;
  /** Attributes put in the identity's enrollment certificates (ecert). */
  attributes?: Record<string, string>;
}

/**
 * Runs fabric-ca-client against one CA. Credentials travel in the environment (URL and
 * secret), never the arguments, which the setup log records.
 */
async function caClient(
  home: string,
  server: CaServer,
  args: string[],
  options: { clientHome: string; url: string; env?: NodeJS.ProcessEnv },
): Promise<string> {
  fs.mkdirSync(options.clientHome, { recursive: true, mode: 0o700 });
  const result = await runCommand(
    fabricCaTool(home, 'fabric-ca-client'),
    [...args, '--tls.certfiles', caTlsTrustFile(server)],
    {
      env: {
        ...process.env,
        ...options.env,
        FABRIC_CA_CLIENT_HOME: options.clientHome,
        FABRIC_CA_CLIENT_URL: options.url,
      },
      logFile: path.join(path.dirname(server.dir), 'client.log'),
      timeoutMs: 60_000,
    },
  );
  if (result.code !== 0) {
    const output = `${result.stderr}\n${result.stdout}`.trim().split('\n').slice(-6).join('\n');
    throw new UserError(`fabric-ca-client ${args[0] ?? ''} at ${server.name} failed:\n${output}`);
  }
  return result.stdout;
}

/** The registrar's client home; its MSP is enrolled the first time it is needed. */
export async function registrarHome(home: string, server: CaServer): Promise<string> {
  const clientHome = `${server.dir}-registrar`;
  if (!fs.existsSync(path.join(clientHome, 'msp', 'signcerts', 'cert.pem'))) {
    await caClient(home, server, ['enroll', '--mspdir', 'msp'], {
      clientHome,
      url: caUrl(server, registrarOf(server)),
    });
  }
  return clientHome;
}

/** Registers an identity; one already registered (a retried setup) is left as it is. */
export async function registerIdentity(
  home: string,
  server: CaServer,
  identity: NewIdentity,
): Promise<void> {
  const clientHome = await registrarHome(home, server);
  const attributes = Object.entries(identity.attributes ?? {})
    .map(([name, value]) => `${name}=${value}:ecert`)
    .join(',');
  try {
    await caClient(
      home,
      server,
      [
        'register',
        '--mspdir',
        'msp',
        '--id.name',
        identity.id,
        '--id.type',
        identity.type,
        ...(attributes ? ['--id.attrs', attributes] : []),
      ],
      {
        clientHome,
        url: caUrl(server),
        env: { FABRIC_CA_CLIENT_ID_SECRET: identity.secret },
      },
    );
  } catch (error) {
    if (!(error instanceof UserError) || !/already registered/i.test(error.message)) throw error;
  }
}

export interface Enrollment {
  /** The MSP directory written: signcerts, keystore, cacerts (and intermediatecerts). */
  mspDir: string;
  /** 'tls' for a TLS certificate (from the TLS CA). */
  profile?: 'tls';
  /** Host names and addresses the certificate is valid for. */
  hosts?: string[];
}

/** Enrolls an identity into a fresh MSP directory. */
export async function enrollIdentity(
  home: string,
  server: CaServer,
  who: Registrar,
  enrollment: Enrollment,
): Promise<void> {
  fs.rmSync(enrollment.mspDir, { recursive: true, force: true });
  await caClient(
    home,
    server,
    [
      'enroll',
      '--mspdir',
      enrollment.mspDir,
      ...(enrollment.profile ? ['--enrollment.profile', enrollment.profile] : []),
      ...(enrollment.hosts ? ['--csr.hosts', enrollment.hosts.join(',')] : []),
    ],
    {
      // one client home per identity and CA, so enrollments can run side by side
      clientHome: path.join(path.dirname(server.dir), 'clients', `${server.role}-${who.id}`),
      url: caUrl(server, who),
    },
  );
}

/** A CA's registrar certificate and key files (enrolled on first use), for REST calls as it. */
export async function registrarFiles(
  home: string,
  server: CaServer,
): Promise<{ certFile: string; keyFile: string }> {
  const msp = path.join(await registrarHome(home, server), 'msp');
  const [key] = fs.readdirSync(path.join(msp, 'keystore'));
  if (!key) throw new Error(`${server.name}'s registrar has no key in ${msp}`);
  return {
    certFile: path.join(msp, 'signcerts', 'cert.pem'),
    keyFile: path.join(msp, 'keystore', key),
  };
}
