// SPDX-License-Identifier: Apache-2.0
import { Link, useParams } from 'react-router-dom';

import type { ChaincodeInfo, ChaincodeList } from '../../../src/http/api-types';
import { query } from '../api';
import type { Column } from '../components/Table';
import { Table } from '../components/Table';
import { Fetched, PageTitle } from '../components/ui';
import { formatNumber } from '../format';
import { useApi } from '../hooks';
import { blockPath, statePath, transactionsPath, txRefPath } from '../links';
import { useLive } from '../live';

function columns(channel: string): Column<ChaincodeInfo>[] {
  return [
    {
      label: 'Name',
      cell: (item) => (
        <>
          <strong>{item.name}</strong>
          {item.name.startsWith('_') ? <span className="badge badge-info">system</span> : null}
          <div className="small">
            <Link to={statePath(channel, item.name)}>world state</Link>
          </div>
        </>
      ),
    },
    { label: 'Version', cell: (item) => item.version ?? '—' },
    { label: 'Sequence', cell: (item) => item.sequence ?? '—' },
    {
      label: 'Committed in',
      cell: (item) =>
        item.definedIn ? (
          <Link to={txRefPath(channel, item.definedIn)}>block {item.definedIn.blockNumber}</Link>
        ) : (
          '—'
        ),
    },
    {
      label: 'Transactions',
      cell: (item) =>
        item.transactions.total > 0 ? (
          <Link to={`${transactionsPath(channel)}${query({ chaincode: item.name })}`}>
            {formatNumber(item.transactions.total)}
          </Link>
        ) : (
          '0'
        ),
    },
    {
      label: 'Invalid',
      cell: (item) =>
        item.transactions.invalid > 0 ? (
          <span className="bad">{formatNumber(item.transactions.invalid)}</span>
        ) : (
          '0'
        ),
    },
    {
      label: 'Last block',
      cell: (item) =>
        item.lastBlock !== undefined ? (
          <Link to={blockPath(channel, item.lastBlock)}>{item.lastBlock}</Link>
        ) : (
          '—'
        ),
    },
  ];
}

/** Chaincodes committed on the channel (from `_lifecycle`), with their traffic. */
export function ChaincodesPage() {
  const channel = useParams().channel ?? '';
  const live = useLive(channel);
  const list = useApi<ChaincodeList>(
    `/channels/${encodeURIComponent(channel)}/chaincodes`,
    live.tick,
  );
  return (
    <>
      <PageTitle title={`Chaincodes · ${channel}`}>Chaincodes</PageTitle>
      <Fetched result={list} what="chaincodes">
        {(data) => (
          <>
            {!data.lifecycleMirrored ? (
              <p className="notice" role="note">
                No committed chaincode definition is in the mirror yet; the list shows the
                chaincodes seen in transactions.
              </p>
            ) : null}
            <Table
              caption={`Chaincodes of ${channel}`}
              columns={columns(channel)}
              rows={data.items}
              rowKey={(item) => item.name}
            />
            {data.items.length === 0 ? <p className="muted">No chaincode yet.</p> : null}
          </>
        )}
      </Fetched>
    </>
  );
}
