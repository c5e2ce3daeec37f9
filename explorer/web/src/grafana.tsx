// SPDX-License-Identifier: Apache-2.0
import { createContext, useContext } from 'react';

import { nodeDashboardUrl, orgDashboardUrl } from '../../src/grafana';
import type { NodeKind } from '../../src/http/api-types';

/** Grafana's URL from the session, when the explorer is configured with one. */
export const GrafanaUrl = createContext<string | undefined>(undefined);

/** A link to a Grafana dashboard, opened beside the explorer. */
function DashboardLink({ href, label }: { href: string; label: string }) {
  return (
    <a href={href} target="_blank" rel="noreferrer" className="grafana-link">
      {label}
    </a>
  );
}

/** ` · ` and the node's dashboard in Grafana (after its raw links), or nothing when no Grafana URL is configured. */
export function NodeDashboardLink({ kind }: { kind: NodeKind }) {
  const grafana = useContext(GrafanaUrl);
  return grafana ? (
    <>
      · <DashboardLink href={nodeDashboardUrl(grafana, kind)} label="Grafana dashboard" />
    </>
  ) : null;
}

/** Each organization's dashboard in Grafana, or nothing when no Grafana URL is configured. */
export function OrgDashboardLinks({ mspIds }: { mspIds: string[] }) {
  const grafana = useContext(GrafanaUrl);
  if (!grafana || mspIds.length === 0) return null;
  return (
    <p className="small">
      Grafana dashboards:{' '}
      {mspIds.map((mspId, index) => (
        <span key={mspId}>
          {index > 0 ? ' · ' : null}
          <DashboardLink href={orgDashboardUrl(grafana, mspId)} label={mspId} />
        </span>
      ))}
    </p>
  );
}
