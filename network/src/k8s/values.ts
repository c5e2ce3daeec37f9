// SPDX-License-Identifier: Apache-2.0
import fs from 'node:fs';
import path from 'node:path';

import YAML from 'yaml';

import { chartsRoot } from '../charts/helm';
import { UserError } from '../errors';
import type { Cloud, ReleaseKind } from './naming';
import { CHART_OF } from './naming';

/** The repository's charts directory; the same relative place from src/k8s and dist/k8s. */
export function defaultChartsDir(env: NodeJS.ProcessEnv = process.env): string {
  const own = env.CONSORTIA_CHARTS?.trim();
  return own ? path.resolve(own) : chartsRoot();
}

export function chartDir(chartsDir: string, kind: ReleaseKind): string {
  const dir = path.join(chartsDir, CHART_OF[kind]);
  if (!fs.existsSync(path.join(dir, 'Chart.yaml'))) {
    throw new UserError(
      `chart ${CHART_OF[kind]} not found in ${chartsDir}`,
      'run from a checkout of the repository, or pass --charts (or set CONSORTIA_CHARTS) to the charts directory',
    );
  }
  return dir;
}

/** The values files helm gets for a release, in order: the cloud's file, then the operator's. */
export function valuesFiles(
  chartsDir: string,
  kind: ReleaseKind,
  cloud: Cloud,
  extra: readonly string[] = [],
): string[] {
  const dir = chartDir(chartsDir, kind);
  const cloudFile = path.join(dir, `values-${cloud}.yaml`);
  if (!fs.existsSync(cloudFile)) {
    throw new UserError(
      `chart ${CHART_OF[kind]} has no values-${cloud}.yaml`,
      `add ${cloudFile}, or choose the other --cloud`,
    );
  }
  for (const file of extra) {
    if (!fs.existsSync(file)) {
      throw new UserError(`values file ${file} does not exist`, 'check the --values path');
    }
  }
  return [cloudFile, ...extra.map((file) => path.resolve(file))];
}

export type Values = Record<string, unknown>;

function isRecord(value: unknown): value is Values {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readYaml(file: string): Values {
  let parsed: unknown;
  try {
    parsed = YAML.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UserError(
      `cannot read values file ${file}: ${(error as Error).message}`,
      'fix the YAML syntax',
    );
  }
  if (parsed === null || parsed === undefined) return {};
  if (!isRecord(parsed)) {
    throw new UserError(
      `values file ${file} is not a mapping`,
      'a values file maps keys to values',
    );
  }
  return parsed;
}

/** Merges maps the way helm does: later files win, maps merge key by key, lists are replaced. */
export function mergeValues(base: Values, over: Values): Values {
  const merged: Values = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = merged[key];
    merged[key] = isRecord(current) && isRecord(value) ? mergeValues(current, value) : value;
  }
  return merged;
}

/** The effective values of a release: the chart's defaults, then each file given to helm. */
export function effectiveValues(chartPath: string, files: readonly string[]): Values {
  const defaults = path.join(chartPath, 'values.yaml');
  const layers = [...(fs.existsSync(defaults) ? [defaults] : []), ...files];
  return layers.reduce<Values>((merged, file) => mergeValues(merged, readYaml(file)), {});
}

export interface NamedSetting {
  /** Dotted path of the value, e.g. peer.persistence.storageClassName. */
  path: string;
  name: string;
}

const STORAGE_KEYS = new Set(['storageClassName', 'storageClass']);
const INGRESS_KEYS = new Set(['ingressClassName']);

/**
 * Finds the storage and ingress classes the values ask for, wherever the chart keeps them
 * (`className` counts as an ingress class only under an `ingress` key). Disabled ingress
 * sections are skipped.
 */
export function classSettings(values: Values): {
  storage: NamedSetting[];
  ingress: NamedSetting[];
} {
  const storage: NamedSetting[] = [];
  const ingress: NamedSetting[] = [];
  const visit = (node: unknown, trail: string[]) => {
    if (Array.isArray(node)) {
      node.forEach((item, index) => visit(item, [...trail, String(index)]));
      return;
    }
    if (!isRecord(node)) return;
    const parent = trail[trail.length - 1] ?? '';
    if (/ingress/i.test(parent) && node.enabled === false) return;
    for (const [key, value] of Object.entries(node)) {
      const where = [...trail, key].join('.');
      if (typeof value === 'string' && value.trim() && value !== '-') {
        if (STORAGE_KEYS.has(key)) storage.push({ path: where, name: value });
        if (INGRESS_KEYS.has(key) || (key === 'className' && /ingress/i.test(parent))) {
          ingress.push({ path: where, name: value });
        }
      }
      visit(value, [...trail, key]);
    }
  };
  visit(values, []);
  return { storage, ingress };
}

const KIND_PREFIX = /^(ordering|blockchain|application):(.+)$/;

/**
 * Picks the --values/--set entries meant for one release: `blockchain:peer.logLevel=DEBUG` goes
 * to that release only (each chart's schema rejects the others' keys); unprefixed ones to all.
 */
export function scopedFor(kind: ReleaseKind, entries: readonly string[]): string[] {
  return entries.flatMap((entry) => {
    const match = KIND_PREFIX.exec(entry);
    if (!match) return [entry];
    return match[1] === kind && match[2] ? [match[2]] : [];
  });
}
