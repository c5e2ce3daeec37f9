// SPDX-License-Identifier: Apache-2.0
import { Link } from 'react-router-dom';

import type { BlockSummary, Page } from '../../../../src/http/api-types';
import { shortHash, timeAgo } from '../../format';
import { useApi } from '../../hooks';
import { blockPath, blocksPath } from '../../links';
import { Card, ErrorNotice, Loading } from '../ui';

/** The newest blocks; those that just arrived live are highlighted. */
export function LatestBlocks({
  channel,
  tick,
  fresh,
}: {
  channel: string;
  tick: number;
  fresh: Set<number>;
}) {
  const blocks = useApi<Page<BlockSummary>>(
    `/channels/${encodeURIComponent(channel)}/blocks?limit=8`,
    tick,
  );
  return (
    <Card
      title="Latest blocks"
      id="latest-blocks-title"
      actions={<Link to={blocksPath(channel)}>All blocks</Link>}
    >
      {blocks.error ? <ErrorNotice error={blocks.error} /> : null}
      {blocks.data ? (
        blocks.data.items.length > 0 ? (
          <table className="responsive" data-testid="latest-blocks">
            <thead>
              <tr>
                <th scope="col">Block</th>
                <th scope="col">Transactions</th>
                <th scope="col">Hash</th>
                <th scope="col">Time</th>
              </tr>
            </thead>
            <tbody>
              {blocks.data.items.map((block) => (
                <tr key={block.number} className={fresh.has(block.number) ? 'fresh' : undefined}>
                  <td data-label="Block">
                    <Link to={blockPath(channel, block.number)}>{block.number}</Link>
                  </td>
                  <td data-label="Transactions">
                    {block.txCount}
                    {block.validCount < block.txCount ? (
                      <span className="muted"> ({block.txCount - block.validCount} invalid)</span>
                    ) : null}
                  </td>
                  <td data-label="Hash">
                    <code className="hash" title={block.hash}>
                      {shortHash(block.hash, 8, 4)}
                    </code>
                  </td>
                  <td data-label="Time">{timeAgo(block.timestamp)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p className="muted">No blocks mirrored yet.</p>
        )
      ) : (
        !blocks.error && <Loading what="blocks" />
      )}
    </Card>
  );
}
