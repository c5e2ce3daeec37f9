// SPDX-License-Identifier: Apache-2.0
// What a real node showed the charts lacked, held by their rendered output (the real-node suite
// runs the same releases: npm run test:k8s-node).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import YAML from 'yaml';

import { CCAAS_BUILDER_DIR } from '../../../src/chaincode/builder';
import {
  FABRIC_MODULE,
  fabricPseudoVersion,
  installedFabricSource,
} from '../../../src/install/fabric';
import { CCAAS_BUILDER_IN_IMAGE, FABRIC_IMAGES } from '../../../src/k8s/images/app-images';
import { consortiaHome } from '../../../src/install';
import {
  containerNamed,
  envValue,
  named,
  podSpec,
  render,
  type Container,
} from '../charts/support';

const PEER = 'org1-org-blockchain-peer0';

/** Fabric's sample configuration in the Go module cache, as the images carry it; none without Fabric. */
function sampleConfigDir(): string | undefined {
  const source = installedFabricSource(consortiaHome());
  if (!source) return undefined;
  const modCache = execFileSync('go', ['env', 'GOMODCACHE'], { encoding: 'utf8' }).trim();
  const dir = path.join(
    modCache,
    `${FABRIC_MODULE}@${fabricPseudoVersion(source)}`,
    'sampleconfig',
  );
  return fs.existsSync(dir) ? dir : undefined;
}

function initContainer(containers: Container[] | undefined, name: string): Container {
  const found = containers?.find((container) => container.name === name);
  if (!found) throw new Error(`no init container ${name}`);
  return found;
}

describe('charts on a real node', () => {
  it('gives each peer a core.yaml without the Docker endpoint, so /healthz is not held at 503', async function () {
    const objects = await render('org-blockchain', 'eks');
    const set = named(objects, 'StatefulSet', PEER);
    const peer = containerNamed(set, 'peer');
    assert.equal(envValue(peer, 'FABRIC_CFG_PATH'), '/etc/hyperledger/peer-config');
    const init = initContainer(podSpec(set).initContainers, 'core-config');
    assert.equal(init.image, peer.image);
    assert.ok(
      peer.volumeMounts?.some((mount) => mount.mountPath === '/etc/hyperledger/peer-config'),
    );
    // the init container's script, run on Fabric's own sample core.yaml, leaves vm.endpoint empty
    // and changes nothing else
    const sample = sampleConfigDir();
    if (!sample) this.skip();
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'core-config-'));
    const script = (init.command?.[2] ?? '')
      .replaceAll('/etc/hyperledger/fabric', sample)
      .replaceAll('/etc/hyperledger/peer-config', root);
    execFileSync('sh', ['-c', script]);
    const before = fs.readFileSync(path.join(sample, 'core.yaml'), 'utf8').split('\n');
    const after = fs.readFileSync(path.join(root, 'core.yaml'), 'utf8').split('\n');
    fs.rmSync(root, { recursive: true, force: true });
    const changed = before.flatMap((line, i) => (line === after[i] ? [] : [[line, after[i]]]));
    assert.deepEqual(changed, [['    endpoint: unix:///var/run/docker.sock', '    endpoint: ""']]);
  });

  it('keeps peer state in LevelDB without CouchDB when couchdb.mode is none', async () => {
    const objects = await render('org-blockchain', 'eks', { 'couchdb.mode': 'none' });
    const set = named(objects, 'StatefulSet', PEER);
    const spec = podSpec(set);
    assert.deepEqual(
      spec.containers.map((container) => container.name),
      ['peer'],
    );
    const peer = containerNamed(set, 'peer');
    assert.equal(envValue(peer, 'CORE_LEDGER_STATE_STATEDATABASE'), 'goleveldb');
    assert.equal(
      peer.env?.some((variable) => variable.name.startsWith('CORE_LEDGER_STATE_COUCHDBCONFIG')),
      false,
    );
    assert.equal(
      objects.some(
        (object) => object.kind === 'StatefulSet' && /couchdb/.test(object.metadata.name),
      ),
      false,
    );
  });

  it("puts the ccaas builder in the peer image where Fabric's core.yaml names it", function () {
    const sample = sampleConfigDir();
    if (!sample) this.skip();
    const core = YAML.parse(fs.readFileSync(path.join(sample, 'core.yaml'), 'utf8')) as {
      chaincode: { externalBuilders: { name: string; path: string }[] };
    };
    const named = core.chaincode.externalBuilders.find(
      (builder) => builder.name === 'ccaas_builder',
    );
    assert.equal(named?.path, CCAAS_BUILDER_IN_IMAGE);
    assert.equal(FABRIC_IMAGES.find((image) => image.key === 'fabric-peer')?.ccaasBuilder, true);
    for (const step of ['detect', 'build', 'release'])
      assert.ok(fs.existsSync(path.join(CCAAS_BUILDER_DIR, 'bin', step)), step);
  });
});
