// SPDX-License-Identifier: Apache-2.0
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import { UserError } from '../../src/errors';
import { COMPONENTS, findComponents, installComponents } from '../../src/install';
import { chromiumComponent, chromiumPath } from '../../src/install/chromium';
import { checkPrerequisites } from '../../src/install/component';
import {
  fabricBinDir,
  fabricComponent,
  fabricGoMod,
  fabricGoSum,
  fabricPseudoVersion,
  FABRIC_SOURCES,
  fabricReleaseInUse,
  FABRIC_TOOLS,
  FABRIC_VERSION,
  installedFabricSource,
} from '../../src/install/fabric';
import { goInstall } from '../../src/install/go-install';
import { kafkaPom, KAFKA_VERSION } from '../../src/install/kafka';
import { consortiaHome } from '../../src/install/paths';
import { tempDir } from '../support/temp';

/** A PATH holding one fake `go` that prints the given text and exits with the given code. */
function fakeGo(output: string, code: number): string {
  const dir = tempDir('fake-go');
  fs.writeFileSync(
    path.join(dir, 'go'),
    `#!/bin/sh\ncat >&2 <<'OUT'\n${output}\nOUT\nexit ${code}\n`,
    { mode: 0o755 },
  );
  return `${dir}:/usr/bin:/bin`;
}

describe('install', function () {
  it('keeps its cache outside the repository, under CONSORTIA_HOME when set', function () {
    assert.equal(consortiaHome({ HOME: '/home/u', CONSORTIA_HOME: '/opt/c' }), '/opt/c');
    assert.match(consortiaHome({}), /\.cache\/consortia$/);
  });

  it('names every missing prerequisite and how to get it, in one message', function () {
    assert.throws(
      () => checkPrerequisites(['go', 'java', 'mvn'], { PATH: '/nonexistent' }),
      (error: unknown) => {
        assert.ok(error instanceof UserError);
        assert.equal(error.message, 'missing prerequisites: go, java, mvn');
        assert.match(error.hint ?? '', /Go 1\.26.*Java 17.*Maven/);
        return true;
      },
    );
    checkPrerequisites(['go'], { PATH: fakeGo('', 0) });
  });

  it('rejects an unknown component, listing the known ones', function () {
    assert.throws(() => findComponents(['fabirc']), /unknown component 'fabirc'/);
    assert.deepEqual(
      findComponents([]).map((component) => component.name),
      COMPONENTS.map((component) => component.name),
    );
  });

  it('reports a module proxy refusal as such, with a way around it', async function () {
    const home = tempDir('home');
    const env = {
      PATH: fakeGo(
        'go: example.com/x@v1: reading https://proxy.example/x/@v/v1.info: 403 Forbidden',
        1,
      ),
    };
    await assert.rejects(
      goInstall(
        {
          label: 'fabric',
          packages: ['example.com/x'],
          version: 'v1',
          binDir: home,
          refusedHint: 'set CONSORTIA_FABRIC_BIN',
        },
        { home, env, progress: () => undefined },
      ),
      (error: unknown) => {
        assert.ok(error instanceof UserError);
        assert.match(
          error.message,
          /the Go module proxy refused to serve fabric at v1: .*403 Forbidden/,
        );
        assert.match(error.hint ?? '', /CONSORTIA_FABRIC_BIN/);
        return true;
      },
    );
    assert.match(fs.readFileSync(path.join(home, 'logs', 'fabric.log'), 'utf8'), /403 Forbidden/);
  });

  it('shows the tail of any other build failure', async function () {
    const home = tempDir('home');
    await assert.rejects(
      goInstall(
        { label: 'helm', packages: ['example.com/x'], version: 'v1', binDir: home },
        {
          home,
          env: { PATH: fakeGo('compile error: undefined: foo', 2) },
          progress: () => undefined,
        },
      ),
      /go install of helm failed:\ncompile error: undefined: foo/,
    );
  });

  it('attempts every component even when one fails, and says which', async function () {
    const home = tempDir('home');
    const outcomes = await installComponents([fabricComponent], {
      home,
      env: { PATH: '/nonexistent' },
      progress: () => undefined,
    });
    assert.equal(outcomes[0]?.status, 'failed');
    assert.match(String(outcomes[0]?.error), /missing prerequisite: go/);
  });

  it('pins Fabric by the pseudo-version of a release-2.5 commit, v2.5.16 first', function () {
    const [first] = FABRIC_SOURCES;
    assert.equal(first?.commit, 'f871cf92a026aba7b12e6f06d71ded3e6e659d71');
    assert.equal(fabricPseudoVersion(first), 'v1.4.0-rc1.0.20260617221605-f871cf92a026');
    assert.match(
      fabricGoMod(first),
      /require github\.com\/hyperledger\/fabric v1\.4\.0-rc1\.0\.20260617221605-f871cf92a026/,
    );
    const pinned = FABRIC_SOURCES.find((source) => source.sums);
    assert.match(fabricGoSum(pinned!), /^github\.com\/hyperledger\/fabric v1\.4\.0-rc1\S+ h1:/m);
  });

  it('builds Fabric from the next source when the proxy refuses one, and records which', async function () {
    const home = tempDir('home');
    const goDir = tempDir('fake-go');
    const refused = fabricPseudoVersion(FABRIC_SOURCES[0]!);
    // refuses the first source's zip as the proxy does; "builds" every program for any other
    fs.writeFileSync(
      path.join(goDir, 'go'),
      [
        '#!/bin/sh',
        `if grep -q '${refused}' go.mod; then`,
        `  echo 'github.com/hyperledger/fabric@${refused}: reading https://proxy.example/github.com/hyperledger/fabric/@v/${refused}.zip: 403 Forbidden' >&2`,
        '  exit 1',
        'fi',
        'while [ "$1" != "-o" ]; do shift; done',
        `for tool in ${FABRIC_TOOLS.join(' ')}; do printf '#!/bin/sh\n' > "$2$tool"; chmod +x "$2$tool"; done`,
      ].join('\n'),
      { mode: 0o755 },
    );
    const progress: string[] = [];
    await fabricComponent.install({
      home,
      env: { PATH: `${goDir}:/usr/bin:/bin` },
      progress: (line) => progress.push(line),
    });
    assert.equal(installedFabricSource(home)?.name, FABRIC_SOURCES[1]?.name);
    // network.json records what was built, not the release targeted
    assert.equal(fabricReleaseInUse(home, {}), '2.5.15');
    assert.equal(fabricReleaseInUse(tempDir('nothing-built'), {}), FABRIC_VERSION);
    assert.equal(fabricComponent.isInstalled(home, {}), true);
    assert.ok(progress.some((line) => /refuses Fabric v2\.5\.16; trying release-2\.5/.test(line)));
  });

  it('does not hide a Fabric build failure behind another source', async function () {
    const home = tempDir('home');
    await assert.rejects(
      fabricComponent.install({
        home,
        env: { PATH: fakeGo('compile error: undefined: foo', 2) },
        progress: () => undefined,
      }),
      /go build of fabric failed:\ncompile error: undefined: foo/,
    );
    assert.equal(fabricComponent.isInstalled(home, {}), false);
  });

  it('uses Fabric programs from CONSORTIA_FABRIC_BIN when set', function () {
    const dir = tempDir('fabric-bin');
    const env = { CONSORTIA_FABRIC_BIN: dir };
    assert.equal(fabricBinDir('/home', env), dir);
    assert.equal(fabricComponent.isInstalled('/home', env), false);
    for (const tool of FABRIC_TOOLS)
      fs.writeFileSync(path.join(dir, tool), '#!/bin/sh\n', { mode: 0o755 });
    assert.equal(fabricComponent.isInstalled('/home', env), true);
  });

  it('resolves the Kafka broker and an SLF4J binding from a generated pom', function () {
    const pom = kafkaPom();
    assert.match(
      pom,
      new RegExp(
        `<artifactId>kafka_2\\.13</artifactId>\\s*<version>${KAFKA_VERSION.replace(/\./g, '\\.')}</version>`,
      ),
    );
    assert.match(pom, /slf4j-reload4j/);
    assert.match(KAFKA_VERSION, /^3\.9\./);
  });

  it('finds Chromium at CHROMIUM_PATH and names the fix when that is not a browser', async function () {
    const dir = tempDir('chromium');
    const browser = path.join(dir, 'chromium');
    fs.writeFileSync(browser, '#!/bin/sh\n', { mode: 0o755 });
    assert.equal(chromiumPath({ CHROMIUM_PATH: browser }), browser);
    assert.equal(chromiumComponent.isInstalled(dir, { CHROMIUM_PATH: browser }), true);
    const missing = path.join(dir, 'absent');
    assert.equal(chromiumComponent.isInstalled(dir, { CHROMIUM_PATH: missing }), false);
    await assert.rejects(
      chromiumComponent.install({
        home: dir,
        env: { CHROMIUM_PATH: missing },
        progress: () => undefined,
      }),
      (error: unknown) =>
        error instanceof UserError &&
        /CHROMIUM_PATH is .*absent, which is not an executable/.test(error.message),
    );
  });
});
