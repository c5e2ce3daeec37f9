// SPDX-License-Identifier: Apache-2.0
'use strict';
// Which web front ends need `vite build`: one whose output is older than any of its inputs (its
// sources, its build configuration, the API types it imports, the locked dependency versions).
const fs = require('node:fs');
const path = require('node:path');

/** The web front ends of the repository: inputs relative to the workspace, and the page built. */
const WEB_BUILDS = [
  {
    workspace: 'explorer',
    inputs: [
      'web',
      'vite.config.mts',
      'package.json',
      'src/http/api-types.ts',
      '../package-lock.json',
    ],
    output: 'dist/web/index.html',
  },
];

/** The newest modification time under a file or directory (0 when it does not exist). */
function newestMtime(target) {
  let stat;
  try {
    stat = fs.statSync(target);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of fs.readdirSync(target)) {
    newest = Math.max(newest, newestMtime(path.join(target, entry)));
  }
  return newest;
}

/** True when the build's output exists and is newer than each of its inputs. */
function webBuildCurrent(root, build) {
  const dir = path.join(root, build.workspace);
  let built;
  try {
    built = fs.statSync(path.join(dir, build.output)).mtimeMs;
  } catch {
    return false;
  }
  return build.inputs.every((input) => newestMtime(path.join(dir, input)) <= built);
}

/** The workspaces whose web front end must be built again. */
function staleWebBuilds(root, builds = WEB_BUILDS) {
  return builds.filter((build) => !webBuildCurrent(root, build)).map((build) => build.workspace);
}

module.exports = { WEB_BUILDS, staleWebBuilds, webBuildCurrent };
