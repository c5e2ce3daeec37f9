// SPDX-License-Identifier: Apache-2.0
import { Link } from 'react-router-dom';

import type { BlockSummary } from '../../../../src/http/api-types';
import { timeAgo } from '../../format';
import { blockPath, blocksPath } from '../../links';
import type { Column } from '../Table';
import { Hash, TxCount } from '../ui';
import { LatestList } from './LatestList';

function columns(channel: string): Column<BlockSummary>[] {
  return [
    {
      label: 'Block',
      cell: (block) => <Link to={blockPath(channel, block.number)}>{block.number}</Link>,
    },
    { label: 'Transactions', cell: (block) => <TxCount block={block} className="muted" /> },
    { label: 'Hash', cell: (block) => <Hash value={block.hash} head={8} tail={4} /> },
    { label: 'Time', cell: (block) => timeAgo(block.timestamp) },
  ];
}

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
  return (
    <LatestList
      channel={channel}
      what="blocks"
      allPath={blocksPath(channel)}
      tick={tick}
      columns={columns(channel)}
      rowKey={(block) => block.number}
      rowClass={(block) => (fresh.has(block.number) ? 'fresh' : undefined)}
    />
  );
}
