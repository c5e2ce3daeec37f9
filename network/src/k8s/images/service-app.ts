// SPDX-License-Identifier: Apache-2.0
/**
 * The /app folder of a Consortia service image, laid out in one place for both ways the images are
 * built: the Dockerfile's build stage runs it for every image (service-app-main.ts) and
 * `consortia k8s-node images` packs what it writes into a layer.
 */
import fs from 'node:fs';
import path from 'node:path';

import { UserError } from '../../errors';
import { runCommand } from '../../process/run-command';
import type { ServiceWorkspace } from './service-images';
import { productionInstallArgs, serviceImageLayout } from './service-images';

/** Runs `npm <args>` in `dir`. */
export type Install = (dir: string, args: string[]) => Promise<void>;

const npm: Install = async (dir, args) => {
  const result = await runCommand('npm', args, { cwd: dir });
  if (result.code !== 0)
    throw new UserError(`npm ${args.join(' ')} failed:\n${result.stderr.trim()}`);
};

/**
 * Writes into `app` (the image's /app) the build output of the workspace and of each workspace it
 * loads at run time, from the built checkout `repo`, and their production dependencies, installed
 * in a scratch folder beside `app` from the manifests and the lockfile alone.
 */
export async function layOutServiceApp(
  repo: string,
  workspace: ServiceWorkspace,
  app: string,
  install: Install = npm,
): Promise<void> {
  const layout = serviceImageLayout(repo, workspace);
  const scratch = `${app}.install`;
  fs.rmSync(scratch, { recursive: true, force: true });
  const root = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8')) as {
    workspaces: string[];
  };
  const manifests = ['package.json', 'package-lock.json', '.npmrc'];
  try {
    for (const file of [...manifests, ...root.workspaces.map((name) => `${name}/package.json`)]) {
      fs.mkdirSync(path.dirname(path.join(scratch, file)), { recursive: true });
      fs.copyFileSync(path.join(repo, file), path.join(scratch, file));
    }
    await install(scratch, [...productionInstallArgs(repo, workspace), '--prefer-offline']);
    for (const file of layout.paths) {
      const relative = path.relative('/app', file);
      const target = path.join(app, relative);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      if (file.endsWith('/node_modules')) {
        const installed = path.join(scratch, relative);
        // moved, not copied: the links npm made (.bin, node_modules/@consortia/*) stay links
        if (fs.existsSync(installed)) fs.renameSync(installed, target);
        continue;
      }
      const source = path.join(repo, relative);
      if (!fs.existsSync(source)) {
        throw new UserError(
          `${source} is missing`,
          'build the workspaces first (npx tsc -b, and the explorer web build)',
        );
      }
      fs.cpSync(source, target, { recursive: true, dereference: true });
    }
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}
