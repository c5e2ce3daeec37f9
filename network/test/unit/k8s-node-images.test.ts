// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import { parseFinalStage } from '../../src/k8s/images/dockerfile';
import { imageConfigDocument } from '../../src/k8s/images/oci';
import {
  productionInstallArgs,
  runtimeWorkspaces,
  SERVICE_WORKSPACES,
  serviceImageLayout,
  workspacesWithOwnModules,
} from '../../src/k8s/images/service-images';

const repo = path.resolve(__dirname, '..', '..', '..');

function dockerfile(workspace: string): string {
  return fs.readFileSync(path.join(repo, workspace, 'Dockerfile'), 'utf8');
}

describe('service images: Dockerfiles and the Docker-free builder agree', () => {
  it('reads the final stage of a Dockerfile', () => {
    const stage = parseFinalStage(
      [
        'FROM node AS build',
        'COPY . .',
        'FROM node',
        'ENV A=1',
        'WORKDIR /app',
        'COPY --from=build /repo/x/dist ./x/dist',
        'WORKDIR x',
        'USER 1000:1000',
        'EXPOSE 8080',
        'CMD ["node", "dist/index.js"]',
      ].join('\n'),
    );
    assert.deepEqual(stage.env, { A: '1' });
    assert.equal(stage.workingDir, '/app/x');
    assert.deepEqual(stage.copies, [
      { from: 'build', source: '/repo/x/dist', destination: '/app/x/dist' },
    ]);
    assert.deepEqual(stage.cmd, ['node', 'dist/index.js']);
    assert.deepEqual(stage.exposedPorts, ['8080/tcp']);
  });

  it("carries a workspace's own production modules, which the hoisted ones do not replace", () => {
    // the DAPP needs ajv 8 (ajv/dist/2020) while the root holds ajv 6; npm keeps it in dapp/node_modules
    assert.deepEqual(workspacesWithOwnModules(repo, ['dapp', 'common', 'app-api']), ['dapp']);
    assert.ok(serviceImageLayout(repo, 'dapp').paths.includes('/app/dapp/node_modules'));
    // the explorer loads datasync, whose own fabric-protos must come along
    assert.ok(serviceImageLayout(repo, 'explorer').paths.includes('/app/datasync/node_modules'));
  });

  it('follows production dependencies between workspaces, transitively', () => {
    assert.deepEqual(runtimeWorkspaces(repo, 'explorer').sort(), [
      'chaincode',
      'common',
      'datasync',
      'explorer',
    ]);
    assert.deepEqual(runtimeWorkspaces(repo, 'chaincode'), ['chaincode']);
  });

  for (const workspace of SERVICE_WORKSPACES) {
    it(`${workspace}: same files, user, workdir, ports and command`, () => {
      const layout = serviceImageLayout(repo, workspace);
      const stage = parseFinalStage(dockerfile(workspace));
      const copied = stage.copies.map((copy) => copy.destination).sort();
      // a workspace linked into node_modules but not copied would fail at the first require
      assert.deepEqual(copied, [...layout.paths].sort());
      assert.deepEqual(stage.env, layout.env);
      assert.equal(stage.workingDir, layout.workingDir);
      assert.equal(stage.user, layout.user);
      assert.deepEqual(stage.exposedPorts, layout.exposedPorts);
      assert.deepEqual(stage.cmd, layout.cmd);
    });

    it(`${workspace}: npm selects workspaces by package name, so network/dev never comes along`, () => {
      const name = (
        JSON.parse(fs.readFileSync(path.join(repo, workspace, 'package.json'), 'utf8')) as {
          name: string;
        }
      ).name;
      const args = productionInstallArgs(repo, workspace);
      assert.equal(args[args.indexOf('--workspace') + 1], name);
      const text = dockerfile(workspace).replace(/\\\n\s*/g, '');
      // the Dockerfile's deps stage runs the builder's install
      assert.ok(
        text.includes(`RUN npm ${args.join(' ')}`),
        `${workspace}/Dockerfile: npm ${args.join(' ')}`,
      );
      // a path (`-w network`) would also select every workspace nested below it
      for (const [, selector] of text.matchAll(/(?:-w|--workspace)[ =](\S+)/g))
        assert.match(
          selector ?? '',
          /^@consortia\//,
          `${workspace}/Dockerfile selects ${selector}`,
        );
    });

    it(`${workspace}: every npm ci sees every workspace's package.json`, () => {
      const text = dockerfile(workspace);
      const installs = text.match(/RUN npm ci/g)?.length ?? 0;
      const root = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8')) as {
        workspaces: string[];
      };
      for (const name of root.workspaces) {
        const copies = text.match(new RegExp(`COPY ${name}/package.json ${name}/\\n`, 'g'));
        assert.equal(copies?.length ?? 0, installs, `${name}/package.json before each npm ci`);
      }
    });
  }

  it('writes the OCI configuration the way a Dockerfile sets it', () => {
    const layout = serviceImageLayout(repo, 'dapp');
    const document = imageConfigDocument(
      {
        cmd: layout.cmd,
        env: ['NODE_ENV=production'],
        user: layout.user,
        workingDir: layout.workingDir,
        exposedPorts: layout.exposedPorts,
      },
      ['sha256:abc'],
    ) as { config: Record<string, unknown>; rootfs: { diff_ids: string[] } };
    assert.deepEqual(document.config.Cmd, ['node', 'dist/index.js']);
    assert.equal(document.config.User, '1000:1000');
    assert.deepEqual(document.config.ExposedPorts, { '8080/tcp': {} });
    assert.deepEqual(document.rootfs.diff_ids, ['sha256:abc']);
  });
});
