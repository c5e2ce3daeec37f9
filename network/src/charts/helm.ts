// SPDX-License-Identifier: Apache-2.0
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import YAML, { parseAllDocuments } from 'yaml';

import { UserError } from '../errors';
import { REPOSITORY_ROOT } from '../repository';
import { helmBinary } from '../install/helm';
import { consortiaHome } from '../install/paths';
import type { RunResult } from '../process/run-command';
import { runCommand } from '../process/run-command';

/** The charts shipped in the repository's `charts/` folder. */
export const CHART_NAMES = ['ordering-service', 'org-blockchain', 'org-application'] as const;
export type ChartName = (typeof CHART_NAMES)[number];

/** Cloud flavours each chart has a values file for, besides its defaults. */
export const CLOUD_PROFILES = ['eks', 'pks'] as const;
export type CloudProfile = (typeof CLOUD_PROFILES)[number];

/** One rendered Kubernetes object, as helm prints it. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [field: string]: unknown;
}

export type SetValue = string | number | boolean;

export interface HelmOptions {
  /** The helm program; defaults to the one `consortia install helm` built. */
  helm?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

export interface ValuesOptions extends HelmOptions {
  /** Values files, applied in order after the chart's own values.yaml. */
  valuesFiles?: readonly string[];
  /** `--set` overrides, e.g. `{ 'peer.replicas': 5 }`. */
  set?: Readonly<Record<string, SetValue>>;
}

export interface RenderOptions extends ValuesOptions {
  releaseName?: string;
  namespace?: string;
}

export interface LintOptions extends ValuesOptions {
  /** Fail on warnings too. */
  strict?: boolean;
}

export interface HelmOutcome {
  ok: boolean;
  /** stdout and stderr together, as helm wrote them. */
  output: string;
}

/** Raised when helm refuses a chart or its values; the message is helm's own. */
export class HelmError extends Error {
  constructor(
    message: string,
    readonly args: readonly string[],
    readonly output: string,
  ) {
    super(message);
    this.name = 'HelmError';
  }
}

const DEFAULT_TIMEOUT_MS = 120_000;

/** The repository's `charts/` folder. */
export function chartsRoot(): string {
  return path.join(REPOSITORY_ROOT, 'charts');
}

export function chartDir(chart: ChartName, root: string = chartsRoot()): string {
  return path.join(root, chart);
}

/** The chart's `values-<profile>.yaml`. */
export function profileValuesFile(
  chart: ChartName,
  profile: CloudProfile,
  root: string = chartsRoot(),
): string {
  return path.join(chartDir(chart, root), `values-${profile}.yaml`);
}

/** The helm binary installed under CONSORTIA_HOME, or a UserError saying how to get it. */
export function locateHelm(env: NodeJS.ProcessEnv = process.env): string {
  const binary = helmBinary(consortiaHome(env));
  try {
    fs.accessSync(binary, fs.constants.X_OK);
  } catch {
    throw new UserError(
      `helm is not installed (looked for ${binary})`,
      'run `consortia install helm`',
    );
  }
  return binary;
}

function valuesArgs(options: ValuesOptions): string[] {
  const args: string[] = [];
  for (const file of options.valuesFiles ?? []) args.push('--values', file);
  for (const [key, value] of Object.entries(options.set ?? {})) {
    // --set-string keeps strings such as "2.5" or "true" from turning into numbers or booleans.
    args.push(typeof value === 'string' ? '--set-string' : '--set', `${key}=${String(value)}`);
  }
  return args;
}

function runHelm(args: string[], options: HelmOptions): Promise<RunResult> {
  const helm = options.helm ?? locateHelm(options.env);
  return runCommand(helm, args, {
    env: options.env,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
  });
}

/** A chart's dependencies kept beside it (`repository: file://...`), as Chart.yaml lists them. */
export function localDependencies(
  chartPath: string,
): { name: string; version: string; dir: string; archive: string }[] {
  const chartFile = path.join(chartPath, 'Chart.yaml');
  if (!fs.existsSync(chartFile)) return [];
  const chart = YAML.parse(fs.readFileSync(chartFile, 'utf8')) as {
    dependencies?: { name: string; version: string; repository?: string }[];
  };
  return (chart.dependencies ?? [])
    .filter((dependency) => dependency.repository?.startsWith('file://'))
    .map((dependency) => ({
      name: dependency.name,
      version: dependency.version,
      dir: path.resolve(chartPath, (dependency.repository ?? '').slice('file://'.length)),
      archive: path.join(chartPath, 'charts', `${dependency.name}-${dependency.version}.tgz`),
    }));
}

function newestChange(dir: string): number {
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((file) => fs.statSync(path.join(dir, file)).mtimeMs)
    .reduce((newest, time) => Math.max(newest, time), fs.statSync(dir).mtimeMs);
}

/**
 * Removes a vendored copy of a local dependency (the consortia-lib library chart) that is older
 * than its source, so the next `helm dependency build` (or --dependency-update) packs it again.
 * Returns whether every local dependency now needs building.
 */
export function dropStaleDependencies(chartPath: string): boolean {
  let missing = false;
  for (const dependency of localDependencies(chartPath)) {
    // a copy of the chart elsewhere (renderNotes) has its archive but not the source beside it
    if (
      fs.existsSync(dependency.archive) &&
      fs.existsSync(dependency.dir) &&
      fs.statSync(dependency.archive).mtimeMs < newestChange(dependency.dir)
    ) {
      fs.rmSync(dependency.archive);
    }
    if (!fs.existsSync(dependency.archive)) missing = true;
  }
  return missing;
}

/**
 * `helm dependency build` when a local dependency is missing from the chart's charts/ folder
 * or older than its source; the folder is not committed, so a fresh clone builds it once.
 */
export function buildDependencies(chartPath: string, options: HelmOptions = {}): Promise<void> {
  // renders started together (Promise.all) share one build instead of racing in charts/
  const key = path.resolve(chartPath);
  const running = buildsInProgress.get(key);
  if (running) return running;
  const build = runDependencyBuild(chartPath, options).finally(() => buildsInProgress.delete(key));
  buildsInProgress.set(key, build);
  return build;
}

const buildsInProgress = new Map<string, Promise<void>>();

async function runDependencyBuild(chartPath: string, options: HelmOptions): Promise<void> {
  if (!dropStaleDependencies(chartPath)) return;
  const args = ['dependency', 'build', chartPath, '--skip-refresh'];
  const result = await runHelm(args, options);
  if (result.code !== 0) {
    throw new HelmError(
      result.stderr.trim() || `helm exited with ${result.code}`,
      args,
      result.stderr,
    );
  }
}

/** `helm lint`; never throws on a failing chart, so callers can assert on the findings. */
export async function helmLint(chartPath: string, options: LintOptions = {}): Promise<HelmOutcome> {
  await buildDependencies(chartPath, options);
  const args = ['lint', chartPath, ...(options.strict ? ['--strict'] : []), ...valuesArgs(options)];
  const result = await runHelm(args, options);
  const output = [result.stdout, result.stderr].filter((text) => text.length > 0).join('\n');
  return { ok: result.code === 0, output };
}

/** `helm template`'s manifests as text; throws HelmError with helm's message when rendering fails. */
export async function helmTemplateText(
  chartPath: string,
  options: RenderOptions = {},
): Promise<string> {
  await buildDependencies(chartPath, options);
  const args = [
    'template',
    options.releaseName ?? 'consortia',
    chartPath,
    '--namespace',
    options.namespace ?? 'default',
    ...valuesArgs(options),
  ];
  const result = await runHelm(args, options);
  if (result.code !== 0) {
    throw new HelmError(
      result.stderr.trim() || `helm exited with ${result.code}`,
      args,
      result.stderr,
    );
  }
  return result.stdout;
}

/** Renders a chart and returns its objects, in helm's install order. */
export async function helmTemplate(
  chartPath: string,
  options: RenderOptions = {},
): Promise<KubeObject[]> {
  return parseManifests(await helmTemplateText(chartPath, options));
}

/** Splits helm's multi-document output into objects, skipping empty documents. */
export function parseManifests(text: string): KubeObject[] {
  const objects: KubeObject[] = [];
  for (const document of parseAllDocuments(text)) {
    if (document.errors.length > 0) {
      throw new Error(
        `helm printed invalid YAML: ${document.errors[0]?.message ?? 'unknown error'}`,
      );
    }
    const value: unknown = document.toJS();
    if (value === null || value === undefined) continue;
    if (!isKubeObject(value)) {
      throw new Error(
        `helm printed a document that is not a Kubernetes object: ${JSON.stringify(value)}`,
      );
    }
    objects.push(value);
  }
  return objects;
}

function isKubeObject(value: unknown): value is KubeObject {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  const metadata = record.metadata as Record<string, unknown> | undefined;
  return (
    typeof record.apiVersion === 'string' &&
    typeof record.kind === 'string' &&
    typeof metadata === 'object' &&
    metadata !== null &&
    typeof metadata.name === 'string'
  );
}

/**
 * Renders a chart's NOTES.txt, which `helm template` leaves out: a copy of the chart turns the
 * notes into a named template and prints them from a ConfigMap.
 */
export async function renderNotes(chartPath: string, options: RenderOptions = {}): Promise<string> {
  const notesFile = path.join(chartPath, 'templates', 'NOTES.txt');
  const notes = fs.readFileSync(notesFile, 'utf8');
  // the copy carries the built dependencies: its file:// paths would not resolve from there
  await buildDependencies(chartPath, options);
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'consortia-notes-'));
  try {
    const chartCopy = path.join(copy, path.basename(chartPath));
    fs.cpSync(chartPath, chartCopy, { recursive: true });
    const templates = path.join(chartCopy, 'templates');
    fs.rmSync(path.join(templates, 'NOTES.txt'));
    fs.writeFileSync(
      path.join(templates, '_consortia_notes.tpl'),
      `{{- define "consortia.notesPreview" -}}\n${notes}\n{{- end }}\n`,
    );
    fs.writeFileSync(
      path.join(templates, 'consortia-notes-preview.yaml'),
      [
        'apiVersion: v1',
        'kind: ConfigMap',
        'metadata:',
        '  name: consortia-notes-preview',
        'data:',
        '  notes: {{ include "consortia.notesPreview" . | toJson }}',
        '',
      ].join('\n'),
    );
    const text = await helmTemplateText(chartCopy, options);
    const preview = parseManifests(text).find(
      (object) => object.kind === 'ConfigMap' && object.metadata.name === 'consortia-notes-preview',
    );
    const data = preview?.data as Record<string, string> | undefined;
    if (data?.notes === undefined) throw new Error('the notes preview was not rendered');
    return data.notes;
  } finally {
    fs.rmSync(copy, { recursive: true, force: true });
  }
}
