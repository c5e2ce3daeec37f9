// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import { baseLayerPath, mmdebstrapArgs } from '../../src/k8s/images/base-image';
import { parseStage } from '../../src/k8s/images/dockerfile';
import { imageConfigDocument } from '../../src/k8s/images/oci';
import {
  productionInstallArgs,
  runtimeWorkspaces,
  SERVICE_WORKSPACES,
  serviceImageLayout,
  workspacesWithOwnModules,
} from '../../src/k8s/images/service-images';

const repo = path.resolve(__dirname, '..', '..', '..');
const dockerfile = fs.readFileSync(path.join(repo, 'Dockerfile'), 'utf8');

describe('service images: the Dockerfile and the Docker-free builder agree', () => {
  it('reads a stage of a Dockerfile with what it inherits', () => {
    const text = [
      'FROM node AS build',
      'COPY . .',
      'FROM node AS runtime',
      'ENV A=1',
      'WORKDIR /app',
      'EXPOSE 8080',
      'FROM runtime AS x',
      'COPY --from=build /repo/x/dist ./x/dist',
      'WORKDIR x',
      'USER 1000:1000',
      'CMD ["node", "dist/index.js"]',
      'FROM node AS last',
    ].join('\n');
    const stage = parseStage(text, 'x');
    assert.deepEqual(stage.env, { A: '1' });
    assert.equal(stage.workingDir, '/app/x');
    assert.deepEqual(stage.copies, [
      { from: 'build', source: '/repo/x/dist', destination: '/app/x/dist' },
    ]);
    assert.deepEqual(stage.cmd, ['node', 'dist/index.js']);
    assert.deepEqual(stage.exposedPorts, ['8080/tcp']);
    // the stage it was built from is left as it was
    assert.deepEqual(parseStage(text, 'runtime').copies, []);
    assert.deepEqual(parseStage(text).env, {});
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

  it("lays out every image's /app in the build stage with the builder's own module", () => {
    assert.ok(
      dockerfile.includes('\nRUN node network/dist/k8s/images/service-app-main.js /images\n'),
    );
    assert.ok(fs.existsSync(path.join(repo, 'network/src/k8s/images/service-app-main.ts')));
  });

  it("installs from every workspace's package.json and the lockfile alone", () => {
    const root = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8')) as {
      workspaces: string[];
    };
    assert.equal(dockerfile.match(/RUN npm ci/g)?.length, 1);
    assert.ok(dockerfile.includes('COPY package.json package-lock.json .npmrc /\n'));
    for (const name of root.workspaces) {
      const copies = dockerfile.match(new RegExp(`COPY ${name}/package.json /${name}/\\n`, 'g'));
      assert.equal(copies?.length ?? 0, 1, `${name}/package.json before npm ci`);
    }
  });

  it('selects workspaces by package name in npm, so network/dev never comes along', () => {
    // a path (`-w network`) would also select every workspace nested below it
    const selectors = [...dockerfile.matchAll(/(?:-w|--workspace)[ =](\S+)/g)];
    assert.ok(selectors.length > 0);
    for (const [, selector] of selectors) assert.match(selector ?? '', /^@consortia\//);
  });

  for (const workspace of SERVICE_WORKSPACES) {
    it(`${workspace}: its target holds its laid-out /app, user, workdir, ports and command`, () => {
      const layout = serviceImageLayout(repo, workspace);
      const stage = parseStage(dockerfile, workspace);
      assert.deepEqual(stage.copies, [
        { from: 'build', source: `/images/${workspace}`, destination: '/app' },
      ]);
      assert.deepEqual(stage.env, layout.env);
      assert.equal(stage.workingDir, layout.workingDir);
      assert.equal(stage.user, layout.user);
      assert.deepEqual(stage.exposedPorts, layout.exposedPorts);
      assert.deepEqual(stage.cmd, layout.cmd);
    });

    it(`${workspace}: its production install selects it by package name`, () => {
      const manifest = JSON.parse(
        fs.readFileSync(path.join(repo, workspace, 'package.json'), 'utf8'),
      ) as { name: string };
      const args = productionInstallArgs(repo, workspace);
      assert.equal(args[args.indexOf('--workspace') + 1], manifest.name);
      assert.ok(args.includes('--omit=dev'));
      // no embedded PostgreSQL binaries (some 100 MB) in a production image
      assert.ok(args.includes('--omit=optional'));
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

describe('the Fabric tools image built without Docker', () => {
  it("carries every program the charts' and consortia k8s Jobs' scripts call, jq included", () => {
    // Hyperledger's fabric-tools image installs jq; the CRL publisher's and the consensus
    // migration's scripts read config JSON with it
    const scripts = [
      ...fs
        .readdirSync(path.join(repo, 'charts/org-blockchain/files/crl-publisher'))
        .map((name) => path.join(repo, 'charts/org-blockchain/files/crl-publisher', name)),
      path.join(repo, 'network/src/k8s/consensus-migration/scripts.ts'),
    ].map((file) => fs.readFileSync(file, 'utf8'));
    assert.ok(scripts.some((text) => /\bjq\b/.test(text)));
    assert.ok(mmdebstrapArgs('/tmp/base.tar').some((arg) => /^--include=.*\bjq\b/.test(arg)));
  });

  it('makes the base layer again when its package list changes', () => {
    const home = '/tmp/consortia-home';
    assert.match(path.basename(baseLayerPath(home)), /^debian-bookworm-base-[0-9a-f]{8}\.tar$/);
  });
});
