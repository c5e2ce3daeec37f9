// SPDX-License-Identifier: Apache-2.0
import { Link } from 'react-router-dom';

import type { NodeList } from '../../../../src/http/api-types';
import { formatNumber } from '../../format';
import { useApi, useInterval } from '../../hooks';
import { Card, ErrorNotice, HealthDot, Loading } from '../ui';

/** Each peer's and orderer's health, height on the channel and version. */
export function NodesCard({ channel }: { channel: string }) {
  const every = useInterval(10_000);
  const nodes = useApi<NodeList>('/nodes', every);
  return (
    <Card title="Peers and orderers" id="nodes-title" actions={<Link to="/nodes">Details</Link>}>
      {nodes.error ? <ErrorNotice error={nodes.error} /> : null}
      {nodes.data ? (
        nodes.data.nodes.length > 0 ? (
          <ul className="node-list">
            {nodes.data.nodes.map((node) => (
              <li key={`${node.kind}-${node.index}`}>
                <span className="node-name">{node.name}</span>
                <HealthDot health={node.health} />
                <span className="muted node-url">{node.url.replace(/^https?:\/\//, '')}</span>
                <span className="node-figures">
                  {node.heights[channel] !== undefined
                    ? `height ${formatNumber(node.heights[channel])}`
                    : ''}
                  {node.version ? ` · v${node.version}` : ''}
                </span>
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted">
            No operations endpoints configured (PEER_OPERATIONS_URLS, ORDERER_OPERATIONS_URLS).
          </p>
        )
      ) : (
        !nodes.error && <Loading what="nodes" />
      )}
    </Card>
  );
}
