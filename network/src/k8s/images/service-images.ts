// SPDX-License-Identifier: Apache-2.0
import fs from 'node:fs';
import path from 'node:path';

import { workspaceSelector } from '../../repository';

/**
 * The Consortia workspaces that ship as images, each a target of the repository's Dockerfile; the
 * network image runs the Consortia exporter the charts deploy for monitoring.
 */
export const SERVICE_WORKSPACES = [
  'chaincode',
  'dapp',
  'datasync',
  'explorer',
  'app-api',
  'network',
] as const;
export type ServiceWorkspace = (typeof SERVICE_WORKSPACES)[number];

/** Extra run-time folders a workspace reads next to its dist/. */
const RUNTIME_EXTRAS: Partial<Record<string, string[]>> = { datasync: ['migrations'] };

/** Where the node binary sits in the official Node images, which the charts' commands expect. */
export const NODE_IN_IMAGE = '/usr/local/bin/node';

export interface ServiceImageLayout {
  workspace: ServiceWorkspace;
  /** e.g. docker.io/consortia/dapp:0.1.0, the name the charts' values give. */
  name: string;
  /** Workspaces whose package.json and dist/ (and extras) the image carries, itself first. */
  workspaces: string[];
  /** Absolute paths the final image holds, besides the base image. */
  paths: string[];
  env: Record<string, string>;
  workingDir: string;
  user: string;
  exposedPorts: string[];
  cmd: string[];
}

interface PackageJson {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
}

function readPackage(repo: string, workspace: string): PackageJson {
  return JSON.parse(
    fs.readFileSync(path.join(repo, workspace, 'package.json'), 'utf8'),
  ) as PackageJson;
}

/**
 * The workspaces a service loads at run time: its production dependencies on other workspaces,
 * transitively. `npm ci --omit=dev --workspace <ws>` links exactly these into node_modules, so
 * each must be in the image or the link dangles.
 */
export function runtimeWorkspaces(repo: string, workspace: string): string[] {
  const found = [workspace];
  // the array iterator also visits what is pushed while iterating
  for (const current of found) {
    const pkg = readPackage(repo, current);
    for (const dependency of Object.keys(pkg.dependencies ?? {})) {
      if (!dependency.startsWith('@consortia/')) continue;
      const name = dependency.slice('@consortia/'.length);
      if (!found.includes(name)) found.push(name);
    }
  }
  return found;
}

/**
 * Workspaces among `workspaces` for which `npm ci --omit=dev` installs a production package in the
 * workspace's own node_modules (a version that conflicts with the one hoisted to the root, such as
 * the DAPP's ajv 8 beside the root's ajv 6). Without that folder the service would load the
 * hoisted version or none ("Cannot find module 'ajv/dist/2020'").
 */
export function workspacesWithOwnModules(repo: string, workspaces: readonly string[]): string[] {
  const lock = JSON.parse(fs.readFileSync(path.join(repo, 'package-lock.json'), 'utf8')) as {
    packages?: Record<string, { dev?: boolean }>;
  };
  return workspaces.filter((name) =>
    Object.entries(lock.packages ?? {}).some(
      ([key, entry]) => key.startsWith(`${name}/node_modules/`) && entry.dev !== true,
    ),
  );
}

/**
 * The image's production install, `npm ci --omit=dev --omit=optional` for the workspace alone. It selects the
 * workspace by package name: a path (`--workspace network`) also selects every workspace nested
 * below it, so the network image would link the repository's test runner (network/dev).
 */
export function productionInstallArgs(repo: string, workspace: string): string[] {
  return [
    'ci',
    '--no-audit',
    '--no-fund',
    '--omit=dev',
    // optional packages: the embedded PostgreSQL binaries (a service in a cluster is given a
    // database), pkcs11 bindings for HSMs, and pg's Cloudflare socket
    '--omit=optional',
    '--workspace',
    workspaceSelector(workspace, repo),
    '--include-workspace-root=false',
  ];
}

export function serviceImageLayout(repo: string, workspace: ServiceWorkspace): ServiceImageLayout {
  const pkg = readPackage(repo, workspace);
  const workspaces = runtimeWorkspaces(repo, workspace);
  const paths = ['/app/node_modules'];
  for (const name of workspaces) {
    paths.push(`/app/${name}/package.json`, `/app/${name}/dist`);
    for (const extra of RUNTIME_EXTRAS[name] ?? []) paths.push(`/app/${name}/${extra}`);
  }
  for (const name of workspacesWithOwnModules(repo, workspaces))
    paths.push(`/app/${name}/node_modules`);
  const chaincode = workspace === 'chaincode';
  const layout: ServiceImageLayout = {
    workspace,
    name: `docker.io/consortia/${workspace}:${pkg.version}`,
    workspaces,
    paths,
    env: chaincode
      ? { NODE_ENV: 'production', CHAINCODE_SERVER_ADDRESS: '0.0.0.0:9999' }
      : { NODE_ENV: 'production', PORT: '8080' },
    workingDir: `/app/${workspace}`,
    user: '1000:1000',
    exposedPorts: [chaincode ? '9999/tcp' : '8080/tcp'],
    cmd: chaincode
      ? [
          'sh',
          '-c',
          'exec /app/node_modules/.bin/fabric-chaincode-node server --chaincode-address="$CHAINCODE_SERVER_ADDRESS" --chaincode-id="$CHAINCODE_ID"',
        ]
      : ['node', 'dist/index.js'],
  };
  // the network image runs the Consortia exporter, on the port the charts scrape
  return workspace === 'network'
    ? {
        ...layout,
        env: { NODE_ENV: 'production' },
        exposedPorts: ['9100/tcp'],
        cmd: ['node', 'dist/monitoring/exporter/main.js'],
      }
    : layout;
}
