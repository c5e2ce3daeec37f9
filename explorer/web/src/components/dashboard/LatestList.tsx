// SPDX-License-Identifier: Apache-2.0
import type { Key } from 'react';
import { Link } from 'react-router-dom';

import type { Page } from '../../../../src/http/api-types';
import { useApi } from '../../hooks';
import type { Column } from '../Table';
import { Table } from '../Table';
import { Card, Fetched } from '../ui';

/** The newest few blocks or transactions of the channel, as a card linking to all of them. */
export function LatestList<T>({
  channel,
  what,
  allPath,
  tick,
  columns,
  rowKey,
  rowClass,
}: {
  channel: string;
  what: 'blocks' | 'transactions';
  /** The page listing all of them. */
  allPath: string;
  tick: number;
  columns: Column<T>[];
  rowKey: (row: T) => Key;
  rowClass?: (row: T) => string | undefined;
}) {
  const latest = useApi<Page<T>>(`/channels/${encodeURIComponent(channel)}/${what}?limit=8`, tick);
  return (
    <Card
      title={`Latest ${what}`}
      id={`latest-${what}-title`}
      actions={<Link to={allPath}>All {what}</Link>}
    >
      <Fetched result={latest} what={what}>
        {(data) =>
          data.items.length > 0 ? (
            <Table
              testId={`latest-${what}`}
              columns={columns}
              rows={data.items}
              rowKey={rowKey}
              rowClass={rowClass}
            />
          ) : (
            <p className="muted">No {what} mirrored yet.</p>
          )
        }
      </Fetched>
    </Card>
  );
}
