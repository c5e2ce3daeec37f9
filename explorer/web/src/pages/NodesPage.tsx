// SPDX-License-Identifier: Apache-2.0
import { Fragment } from 'react';

import type { NodeList, NodeStatus } from '../../../src/http/api-types';
import { ErrorNotice, HealthDot, Loading, PageTitle } from '../components/ui';
import { formatDuration, formatNumber, timeAgo } from '../format';
import { NodeDashboardLink } from '../grafana';
import { useApi, useInterval } from '../hooks';

function NodeCard({ node }: { node: NodeStatus }) {
  const name = node.name;
  const raw = (what: 'healthz' | 'metrics') => `/api/nodes/${node.kind}/${node.index}/${what}`;
  const heights = Object.entries(node.heights);
  return (
    <section className="card node-card" aria-labelledby={`node-${node.kind}-${node.index}`}>
      <div className="card-head">
        <h2 id={`node-${node.kind}-${node.index}`}>{name}</h2>
        <HealthDot health={node.health} />
      </div>
      <dl className="facts">
        <dt>Operations endpoint</dt>
        <dd>
          <code>{node.url}</code>
        </dd>
        {node.detail ? (
          <>
            <dt>Problem</dt>
            <dd className="bad">{node.detail}</dd>
          </>
        ) : null}
        {node.failedChecks.length > 0 ? (
          <>
            <dt>Failed checks</dt>
            <dd>
              <ul>
                {node.failedChecks.map((check) => (
                  <li key={check.component}>
                    {check.component}: {check.reason}
                  </li>
                ))}
              </ul>
            </dd>
          </>
        ) : null}
        {node.version ? (
          <>
            <dt>Fabric version</dt>
            <dd>{node.version}</dd>
          </>
        ) : null}
        {node.uptimeSeconds !== undefined ? (
          <>
            <dt>Up for</dt>
            <dd>{formatDuration(node.uptimeSeconds)}</dd>
          </>
        ) : null}
        {heights.length > 0 ? (
          <>
            <dt>Ledger height</dt>
            <dd>
              {heights.map(([channel, height]) => (
                <div key={channel}>
                  {channel}: {formatNumber(height)}
                </div>
              ))}
            </dd>
          </>
        ) : null}
        {node.highlights.map((highlight) => (
          <Fragment key={highlight.label}>
            <dt>{highlight.label}</dt>
            <dd>{highlight.value}</dd>
          </Fragment>
        ))}
        {node.latencyMs !== undefined ? (
          <>
            <dt>Answered in</dt>
            <dd>
              {node.latencyMs} ms, {timeAgo(node.checkedAt)}
            </dd>
          </>
        ) : null}
      </dl>
      <p className="small">
        Raw:{' '}
        <a href={raw('healthz')} target="_blank" rel="noreferrer">
          /healthz
        </a>{' '}
        ·{' '}
        <a href={raw('metrics')} target="_blank" rel="noreferrer">
          /metrics
        </a>{' '}
        <NodeDashboardLink kind={node.kind} />
      </p>
    </section>
  );
}

/** Every configured peer and orderer: health, version, heights, a few metrics, raw answers. */
export function NodesPage() {
  const every = useInterval(10_000);
  const nodes = useApi<NodeList>('/nodes', every);
  return (
    <>
      <PageTitle title="Nodes">Peers and orderers</PageTitle>
      {nodes.error ? <ErrorNotice error={nodes.error} /> : null}
      {nodes.data ? (
        nodes.data.nodes.length > 0 ? (
          <div className="grid-2">
            {nodes.data.nodes.map((node) => (
              <NodeCard key={`${node.kind}-${node.index}`} node={node} />
            ))}
          </div>
        ) : (
          <p className="muted">
            No operations endpoints are configured: set PEER_OPERATIONS_URLS and
            ORDERER_OPERATIONS_URLS.
          </p>
        )
      ) : (
        !nodes.error && <Loading what="nodes" />
      )}
    </>
  );
}
