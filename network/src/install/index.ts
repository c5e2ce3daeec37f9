// SPDX-License-Identifier: Apache-2.0
import { UserError } from '../errors';
import type { Component, InstallContext } from './component';
import { checkPrerequisites } from './component';
import { chromiumComponent } from './chromium';
import { fabricComponent } from './fabric';
import { fabricCaComponent } from './fabric-ca';
import { helmComponent } from './helm';
import { kafkaComponent } from './kafka';
import { kubernetesComponent } from './kubernetes';
import { kubernetesNodeComponent } from './kubernetes-node';
import { prometheusComponent } from './prometheus';

export { consortiaHome } from './paths';

/** Everything `consortia install` knows, in the order it installs them. */
export const COMPONENTS: readonly Component[] = [
  fabricComponent,
  fabricCaComponent,
  kafkaComponent,
  helmComponent,
  kubernetesComponent,
  chromiumComponent,
  prometheusComponent,
];

/**
 * Installed only when named (`consortia install kubernetes-node`): a long build that only the
 * real-node test suite needs, kept out of a plain `consortia install` and `npm test`.
 */
export const ON_REQUEST_COMPONENTS: readonly Component[] = [kubernetesNodeComponent];

export function findComponents(names: readonly string[] | undefined): Component[] {
  if (!names || names.length === 0) return [...COMPONENTS];
  const known = [...COMPONENTS, ...ON_REQUEST_COMPONENTS];
  return names.map((name) => {
    const component = known.find((candidate) => candidate.name === name);
    if (!component) {
      throw new UserError(
        `unknown component '${name}'`,
        `choose from: ${known.map((candidate) => candidate.name).join(', ')}`,
      );
    }
    return component;
  });
}

export interface InstallOutcome {
  component: string;
  status: 'present' | 'installed' | 'failed';
  error?: unknown;
}

/**
 * Installs each component that is missing. Every component is attempted even when an earlier
 * one fails, so one refusal does not hide the state of the others.
 */
export async function installComponents(
  components: readonly Component[],
  context: InstallContext,
): Promise<InstallOutcome[]> {
  const outcomes: InstallOutcome[] = [];
  for (const component of components) {
    if (component.isInstalled(context.home, context.env)) {
      outcomes.push({ component: component.name, status: 'present' });
      continue;
    }
    const progress = (message: string) => context.progress(`[${component.name}] ${message}`);
    try {
      checkPrerequisites(component.prerequisites, context.env);
      progress(`installing ${component.summary}`);
      const started = Date.now();
      await component.install({ ...context, progress });
      progress(`installed in ${Math.round((Date.now() - started) / 1000)} s`);
      outcomes.push({ component: component.name, status: 'installed' });
    } catch (error) {
      outcomes.push({ component: component.name, status: 'failed', error });
    }
  }
  return outcomes;
}
