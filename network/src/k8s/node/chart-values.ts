// SPDX-License-Identifier: Apache-2.0
import fs from 'node:fs';
import path from 'node:path';

import YAML from 'yaml';

import { LOCAL_STORAGE_CLASS } from './storage';

type Tree = Record<string, unknown>;

function isTree(value: unknown): value is Tree {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Every `resources.requests.cpu` of a chart's values set to `cpu`, as a sparse values tree. The
 * charts request CPU for cloud nodes; the ordering service and two organizations together ask for
 * more than a two-core machine has, and the scheduler would leave pods Pending. Limits, memory and
 * everything else stay as the chart has them.
 */
export function cpuRequestOverrides(values: unknown, cpu: string): Tree | undefined {
  if (!isTree(values)) return undefined;
  const out: Tree = {};
  for (const [key, value] of Object.entries(values)) {
    if (key === 'resources' && isTree(value) && isTree(value.requests) && 'cpu' in value.requests) {
      out[key] = { requests: { cpu } };
      continue;
    }
    const nested = cpuRequestOverrides(value, cpu);
    if (nested) out[key] = nested;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * The values a chart gets on the single node besides its cloud file: the node's StorageClass
 * (global.storageClass) and small CPU requests. Written next to the state and returned as a path.
 */
export function nodeValuesFile(chartDir: string, outDir: string, cpu = '10m'): string {
  const values: unknown = YAML.parse(fs.readFileSync(path.join(chartDir, 'values.yaml'), 'utf8'));
  const tree: Tree = {
    ...cpuRequestOverrides(values, cpu),
    global: { storageClass: LOCAL_STORAGE_CLASS },
  };
  fs.mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, `${path.basename(chartDir)}-node.yaml`);
  fs.writeFileSync(file, YAML.stringify(tree));
  return file;
}
