// SPDX-License-Identifier: Apache-2.0
// The deploy suite's image archives, cluster material paths and chaincode packaging and deploy.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import { buildServicePackage } from '../../src/chaincode/package';
import { FABRIC_VERSION } from '../../src/install/fabric';
import { FABRIC_IMAGES } from '../../src/k8s/images/app-images';
import { KAFKA_IMAGE_LAYOUT } from '../../src/k8s/images/kafka-image';
import { imagesDir } from '../../src/k8s/images/node-images';
import { SERVICE_WORKSPACES, serviceImageLayout } from '../../src/k8s/images/service-images';
import { CHANNEL } from './clients';
import type { DeployContext, OperatorTools } from './harness';
import { REPO } from './harness';

export const ORDERER = 'orderers-ordering-service-orderer0.consortia-ordering.svc:7050';
const ORGS = [1, 2] as const;

/** An organization's TLS CA certificate in cryptogen's layout under the material's crypto/. */
export function tlsCaFile(material: string, kind: 'orderer' | 'peer', domain: string): string {
  const orgs = kind === 'orderer' ? 'ordererOrganizations' : 'peerOrganizations';
  return path.join(material, 'crypto', orgs, domain, 'tlsca', `tlsca.${domain}-cert.pem`);
}

export function ordererCaFile(material: string): string {
  return tlsCaFile(material, 'orderer', 'ordering.example.com');
}

/** The image archives a previous build wrote, by the names the builders give them. */
export function builtArchives(home: string): { name: string; archive: string }[] {
  const dir = imagesDir(home);
  return [
    ...FABRIC_IMAGES.map((image) => ({
      name: `${image.repository}:${FABRIC_VERSION}`,
      archive: path.join(dir, `${image.key}.oci.tar`),
    })),
    { name: KAFKA_IMAGE_LAYOUT.name, archive: path.join(dir, 'kafka.oci.tar') },
    ...SERVICE_WORKSPACES.map((workspace) => ({
      name: serviceImageLayout(REPO, workspace).name,
      archive: path.join(dir, `consortia-${workspace}.oci.tar`),
    })),
  ];
}

export interface ChaincodePackage {
  file: string;
  id: string;
}

export function chaincodeSteps(context: DeployContext, tools: OperatorTools) {
  const material = path.join(context.work, 'material');
  /**
   * Each org's package of a version; its connection.json names the org's chaincode Service
   * `org<N>-org-blockchain-<service>`, the one that runs this package.
   */
  const packages = async (version: string, service: string) => {
    const result: Record<number, ChaincodePackage> = {};
    for (const org of ORGS) {
      const label = `consortia_${version}`;
      const file = await buildServicePackage({
        label,
        address: `org${org}-org-blockchain-${service}:9999`,
        sourceDir: path.join(REPO, 'chaincode'),
        outputDir: path.join(context.work, `package-org${org}-${version}`),
      });
      const hash = createHash('sha256').update(fs.readFileSync(file)).digest('hex');
      result[org] = { file, id: `${label}:${hash}` };
    }
    return result;
  };
  /**
   * `k8s chaincode deploy` for Org2 (install, approve), then Org1 with --commit: the lifecycle and
   * endorsement policies are MAJORITY of two orgs, so Org2's peer endorses the commit too.
   */
  const deploy = async (
    byOrg: Record<number, ChaincodePackage>,
    version: string,
    sequence: number,
  ) => {
    const run = (org: number, ...extra: string[]) =>
      tools.consortia(
        'k8s',
        'chaincode',
        'deploy',
        '--org',
        `Org${org}`,
        '--channel',
        CHANNEL,
        '--name',
        'consortia',
        '--package',
        byOrg[org]?.file ?? '',
        '--version',
        version,
        '--sequence',
        String(sequence),
        '--orderer',
        ORDERER,
        '--orderer-ca',
        ordererCaFile(material),
        '--token-admin-msp',
        'Org1MSP',
        ...extra,
      );
    await run(2);
    const org2TlsCa = tlsCaFile(material, 'peer', 'org2.example.com');
    await run(
      1,
      '--commit',
      '--endorsing-peer',
      `org2-org-blockchain-peer0.consortia-org2.svc:7051=${org2TlsCa}`,
    );
  };
  return { packages, deploy };
}

export type ChaincodeSteps = ReturnType<typeof chaincodeSteps>;
