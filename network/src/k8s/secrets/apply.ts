// SPDX-License-Identifier: Apache-2.0
// Applying the Secrets collectSecrets describes: server-side apply, never replacing generated ones.
import type { V1Secret } from '@kubernetes/client-node';

import type { KubeClients } from '../client';
import { apiFailure, applyObject, isNotFound } from '../client';
import type { OrgLayout } from '../naming';
import { ORG_LABEL, PART_OF, PART_OF_LABEL } from '../naming';
import type { SecretSpec } from './collect';

/** The Secret object, labelled and annotated so helm adopts it into the release. */
export function secretObject(
  spec: SecretSpec,
  layout: OrgLayout,
): V1Secret & { apiVersion: string; kind: string; metadata: { name: string; namespace: string } } {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'Opaque',
    metadata: {
      name: spec.name,
      namespace: layout.namespaces[spec.kind],
      labels: {
        [PART_OF_LABEL]: PART_OF,
        'app.kubernetes.io/managed-by': 'Helm',
        [ORG_LABEL]: layout.slug,
      },
      annotations: {
        'meta.helm.sh/release-name': layout.releases[spec.kind],
        'meta.helm.sh/release-namespace': layout.namespaces[spec.kind],
      },
    },
    data: Object.fromEntries(
      Object.entries(spec.files).map(([key, value]) => [key, value.toString('base64')]),
    ),
  };
}

export interface SecretOutcome {
  name: string;
  namespace: string;
  purpose: string;
  keys: string[];
  action: 'created' | 'updated' | 'unchanged' | 'kept';
}

/** Creates a namespace when it is missing, labelled as ours. */
async function ensureNamespace(
  clients: KubeClients,
  namespace: string,
  dryRun: boolean,
): Promise<void> {
  try {
    await clients.core.readNamespace({ name: namespace });
    return;
  } catch (error) {
    if (!isNotFound(error)) throw apiFailure(`reading namespace ${namespace}`, error, clients);
  }
  try {
    await clients.core.createNamespace({
      body: { metadata: { name: namespace, labels: { [PART_OF_LABEL]: PART_OF } } },
      dryRun: dryRun ? 'All' : undefined,
    });
  } catch (error) {
    throw apiFailure(`creating namespace ${namespace}`, error, clients);
  }
}

function sameData(
  left: Record<string, string> | undefined,
  right: Record<string, string>,
): boolean {
  const leftKeys = Object.keys(left ?? {}).sort();
  const rightKeys = Object.keys(right).sort();
  return (
    leftKeys.length === rightKeys.length &&
    leftKeys.every((key, index) => key === rightKeys[index] && left?.[key] === right[key])
  );
}

/** Server-side applies each Secret, so re-running updates what changed and keeps the rest. */
export async function applySecrets(
  clients: KubeClients,
  specs: readonly SecretSpec[],
  layout: OrgLayout,
  dryRun = false,
): Promise<SecretOutcome[]> {
  for (const namespace of new Set(specs.map((spec) => layout.namespaces[spec.kind]))) {
    await ensureNamespace(clients, namespace, dryRun);
  }
  const outcomes: SecretOutcome[] = [];
  for (const spec of specs) {
    const object = secretObject(spec, layout);
    const namespace = object.metadata.namespace;
    let existing: V1Secret | undefined;
    try {
      existing = await clients.core.readNamespacedSecret({ name: spec.name, namespace });
    } catch (error) {
      if (!isNotFound(error))
        throw apiFailure(`reading Secret ${namespace}/${spec.name}`, error, clients);
    }
    if (existing && spec.generated) {
      outcomes.push({
        name: spec.name,
        namespace,
        purpose: spec.purpose,
        keys: Object.keys(existing.data ?? {}).sort(),
        action: 'kept',
      });
      continue;
    }
    try {
      await applyObject(clients, object, { dryRun });
    } catch (error) {
      throw apiFailure(`applying Secret ${namespace}/${spec.name}`, error, clients);
    }
    outcomes.push({
      name: spec.name,
      namespace,
      purpose: spec.purpose,
      keys: Object.keys(spec.files).sort(),
      action: !existing
        ? 'created'
        : sameData(existing.data, object.data ?? {})
          ? 'unchanged'
          : 'updated',
    });
  }
  return outcomes;
}
