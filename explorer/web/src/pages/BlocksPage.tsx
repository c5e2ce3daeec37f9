// SPDX-License-Identifier: Apache-2.0
import { Link, useParams, useSearchParams } from 'react-router-dom';

import type { BlockSummary, Page } from '../../../src/http/api-types';
import { query } from '../api';
import { ErrorNotice, Hash, Loading, PageTitle, Pager } from '../components/ui';
import { formatTime, timeAgo } from '../format';
import { useApi } from '../hooks';
import { blockPath, blocksPath } from '../links';
import { useLive } from '../live';

/** Every mirrored block, newest first, a page at a time; the first page follows new blocks. */
export function BlocksPage() {
  const channel = useParams().channel ?? '';
  const [params] = useSearchParams();
  const live = useLive(channel);
  const after = params.get('after') ?? undefined;
  const before = params.get('before') ?? undefined;
  const firstPage = !after && !before;
  const blocks = useApi<Page<BlockSummary>>(
    `/channels/${encodeURIComponent(channel)}/blocks${query({ after, before, limit: 25 })}`,
    firstPage ? live.tick : 0,
  );
  const fresh = new Set(live.recent.map((block) => block.number));
  const newest = live.recent[0];
  const shownNewest = blocks.data?.items[0]?.number ?? -1;
  return (
    <>
      <PageTitle title={`Blocks · ${channel}`}>Blocks</PageTitle>
      {!firstPage && newest && newest.number > shownNewest ? (
        <p className="notice" role="status">
          New blocks arrived (up to {newest.number}).{' '}
          <Link to={blocksPath(channel)}>Show the newest</Link>
        </p>
      ) : null}
      {blocks.error ? <ErrorNotice error={blocks.error} /> : null}
      {blocks.data ? (
        <>
          <table className="responsive">
            <caption className="sr-only">Blocks of {channel}, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Block</th>
                <th scope="col">Time</th>
                <th scope="col">Transactions</th>
                <th scope="col">Hash</th>
                <th scope="col">Data hash</th>
              </tr>
            </thead>
            <tbody>
              {blocks.data.items.map((block) => (
                <tr key={block.number} className={fresh.has(block.number) ? 'fresh' : undefined}>
                  <td data-label="Block">
                    <Link to={blockPath(channel, block.number)}>{block.number}</Link>
                    {block.isConfig ? <span className="badge badge-info">config</span> : null}
                  </td>
                  <td data-label="Time">
                    <time
                      dateTime={block.timestamp ?? undefined}
                      title={formatTime(block.timestamp)}
                    >
                      {timeAgo(block.timestamp)}
                    </time>
                  </td>
                  <td data-label="Transactions">
                    {block.txCount}
                    {block.validCount < block.txCount ? (
                      <span className="bad"> ({block.txCount - block.validCount} invalid)</span>
                    ) : null}
                  </td>
                  <td data-label="Hash">
                    <Hash value={block.hash} />
                  </td>
                  <td data-label="Data hash">
                    {block.dataHashValid ? (
                      <span className="ok">matches</span>
                    ) : (
                      <span className="bad">does not match</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {blocks.data.items.length === 0 ? <p className="muted">No blocks here.</p> : null}
          <Pager label="Block pages" next={blocks.data.next} prev={blocks.data.prev} />
        </>
      ) : (
        !blocks.error && <Loading what="blocks" />
      )}
    </>
  );
}
