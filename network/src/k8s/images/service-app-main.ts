// SPDX-License-Identifier: Apache-2.0
/**
 * `node network/dist/k8s/images/service-app-main.js <dir> [workspace...]`: lays out each service
 * image's /app in <dir>/<workspace> (every image by default), as the Dockerfile's build stage runs it.
 */
import path from 'node:path';

import { runMain } from '@consortia/common';

import { UserError } from '../../errors';
import { REPOSITORY_ROOT } from '../../repository';
import { layOutServiceApp } from './service-app';
import type { ServiceWorkspace } from './service-images';
import { SERVICE_WORKSPACES } from './service-images';

async function main(argv: string[]): Promise<number> {
  const [dir, ...names] = argv;
  if (!dir) throw new UserError('usage: service-app-main.js <dir> [workspace...]');
  const workspaces = names.length > 0 ? names : [...SERVICE_WORKSPACES];
  for (const name of workspaces) {
    if (!(SERVICE_WORKSPACES as readonly string[]).includes(name))
      throw new UserError(`${name} is not a service image (${SERVICE_WORKSPACES.join(', ')})`);
    console.log(`laying out /app of the ${name} image`);
    await layOutServiceApp(REPOSITORY_ROOT, name as ServiceWorkspace, path.resolve(dir, name));
  }
  return 0;
}

void runMain(main);
