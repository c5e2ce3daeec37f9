// SPDX-License-Identifier: Apache-2.0
import { Link, useParams } from 'react-router-dom';

import type { BlockSummary, Page } from '../../../src/http/api-types';
import { query } from '../api';
import type { Column } from '../components/Table';
import { PagedTable } from '../components/Table';
import { Fetched, Hash, PageTitle, TxCount } from '../components/ui';
import { formatTime, timeAgo } from '../format';
import { useApi, useCursor } from '../hooks';
import { blockPath, blocksPath } from '../links';
import { useLive } from '../live';

function columns(channel: string): Column<BlockSummary>[] {
  return [
    {
      label: 'Block',
      cell: (block) => (
        <>
          <Link to={blockPath(channel, block.number)}>{block.number}</Link>
          {block.isConfig ? <span className="badge badge-info">config</span> : null}
        </>
      ),
    },
    {
      label: 'Time',
      cell: (block) => (
        <time dateTime={block.timestamp ?? undefined} title={formatTime(block.timestamp)}>
          {timeAgo(block.timestamp)}
        </time>
      ),
    },
    { label: 'Transactions', cell: (block) => <TxCount block={block} className="bad" /> },
    { label: 'Hash', cell: (block) => <Hash value={block.hash} /> },
    {
      label: 'Data hash',
      cell: (block) =>
        block.dataHashValid ? (
          <span className="ok">matches</span>
        ) : (
          <span className="bad">does not match</span>
        ),
    },
  ];
}

/** Every mirrored block, newest first, a page at a time; the first page follows new blocks. */
export function BlocksPage() {
  const channel = useParams().channel ?? '';
  const live = useLive(channel);
  const { after, before, firstPage } = useCursor();
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
      <Fetched result={blocks} what="blocks">
        {(data) => (
          <PagedTable
            caption={`Blocks of ${channel}, newest first`}
            columns={columns(channel)}
            page={data}
            rowKey={(block) => block.number}
            rowClass={(block) => (fresh.has(block.number) ? 'fresh' : undefined)}
            empty="No blocks here."
            pagerLabel="Block pages"
            newestFirst
          />
        )}
      </Fetched>
    </>
  );
}
