// SPDX-License-Identifier: Apache-2.0
import type { CloudProfile } from '../charts/helm';
import { CLOUD_PROFILES } from '../charts/helm';
import { UserError } from '../errors';

export type Cloud = CloudProfile;
export const CLOUDS: readonly Cloud[] = CLOUD_PROFILES;

export function parseCloud(value: string): Cloud {
  const cloud = value.toLowerCase();
  if (cloud === 'eks' || cloud === 'pks') return cloud;
  throw new UserError(`unknown cloud '${value}'`, `pass --cloud ${CLOUDS.join(' or ')}`);
}

/** The charts, by the part of an organization they deploy. */
export type ReleaseKind = 'blockchain' | 'application' | 'ordering';
export const CHART_OF: Record<ReleaseKind, string> = {
  blockchain: 'org-blockchain',
  application: 'org-application',
  ordering: 'ordering-service',
};

export interface OrgNamesOptions {
  namespace?: string;
  appNamespace?: string;
  orderingNamespace?: string;
}

/** Where an organization's releases live in the cluster. */
export interface OrgLayout {
  org: string;
  /** The org name as it appears in Kubernetes names: lower case, DNS-1123. */
  slug: string;
  namespaces: Record<ReleaseKind, string>;
  releases: Record<ReleaseKind, string>;
}

export function orgSlug(org: string): string {
  const slug = org
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (!slug) {
    throw new UserError(
      `organization name '${org}' has no letters or digits`,
      'pass --org with the name used in the network, e.g. --org Org1',
    );
  }
  return slug;
}

export function orgLayout(org: string, options: OrgNamesOptions = {}): OrgLayout {
  const slug = orgSlug(org);
  const namespaces = {
    blockchain: options.namespace ?? `consortia-${slug}`,
    application: options.appNamespace ?? `consortia-${slug}-app`,
    ordering: options.orderingNamespace ?? 'consortia-ordering',
  };
  for (const namespace of Object.values(namespaces)) {
    if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(namespace)) {
      throw new UserError(
        `'${namespace}' is not a valid namespace name`,
        'use lower-case letters, digits and dashes, at most 63 characters',
      );
    }
  }
  return {
    org,
    slug,
    namespaces,
    // as charts/README.md names them; the two org releases live in different namespaces
    releases: {
      blockchain: slug,
      application: slug,
      ordering: 'orderers',
    },
  };
}

/** The labels every object created by the commands carries, so they can be found again. */
export const PART_OF_LABEL = 'app.kubernetes.io/part-of';
export const PART_OF = 'consortia';
export const ORG_LABEL = 'consortia.io/org';
