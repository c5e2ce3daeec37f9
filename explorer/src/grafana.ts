// SPDX-License-Identifier: Apache-2.0
/**
 * Links from the explorer's pages to the Grafana dashboards that `consortia monitoring` generates
 * and the charts ship: their fixed UIDs and the template variables they take. Kept free of
 * Node.js imports, so the web front end bundles it as it is.
 */
import type { NodeKind } from './http/api-types';

/** The generated dashboards the explorer links to (a unit test checks them against the source). */
export const GRAFANA_DASHBOARDS = {
  overview: 'consortia-overview',
  /** Takes `org`: the MSP ID that every peer's series is labelled with. */
  peers: 'consortia-peers',
  ordering: 'consortia-ordering',
} as const;

/** The label value of the organization variable on the peers dashboard. */
export const ORG_VARIABLE = 'org';

/** The MSP ID the orderers' series carry; its dashboard is the ordering service's. */
export const ORDERER_MSP = 'OrdererMSP';

/** `<grafana>/d/<uid>?var-<name>=<value>`, leaving out variables without a value. */
export function grafanaDashboardUrl(
  grafanaUrl: string,
  uid: string,
  variables: Record<string, string | undefined> = {},
): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(variables)) {
    if (value) params.set(`var-${name}`, value);
  }
  const search = params.toString();
  return `${grafanaUrl.replace(/\/+$/, '')}/d/${encodeURIComponent(uid)}${search ? `?${search}` : ''}`;
}

/**
 * A node's dashboard: the peers dashboard (all organizations: the explorer does not know which
 * organization a configured peer belongs to, and every panel names each peer) or the ordering
 * service's.
 */
export function nodeDashboardUrl(grafanaUrl: string, kind: NodeKind): string {
  return grafanaDashboardUrl(
    grafanaUrl,
    kind === 'orderer' ? GRAFANA_DASHBOARDS.ordering : GRAFANA_DASHBOARDS.peers,
  );
}

/** An organization's dashboard: its peers, or the ordering service for the orderers' MSP. */
export function orgDashboardUrl(grafanaUrl: string, mspId: string): string {
  return mspId === ORDERER_MSP
    ? grafanaDashboardUrl(grafanaUrl, GRAFANA_DASHBOARDS.ordering)
    : grafanaDashboardUrl(grafanaUrl, GRAFANA_DASHBOARDS.peers, { [ORG_VARIABLE]: mspId });
}
