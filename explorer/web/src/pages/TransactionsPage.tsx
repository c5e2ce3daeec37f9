// SPDX-License-Identifier: Apache-2.0
import { useState } from 'react';
import type { SubmitEvent } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';

import type { ChaincodeList, Page, TransactionSummary } from '../../../src/http/api-types';
import { query } from '../api';
import type { Column } from '../components/Table';
import { PagedTable } from '../components/Table';
import { Fetched, PageTitle, StatusBadge, TxLink } from '../components/ui';
import { formatTime, timeAgo } from '../format';
import { useApi, useCursor } from '../hooks';
import { blockPath, transactionsPath } from '../links';
import { useLive } from '../live';

function Filters({ channel }: { channel: string }) {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const [chaincode, setChaincode] = useState(params.get('chaincode') ?? '');
  const [valid, setValid] = useState(params.get('valid') ?? '');
  const chaincodes = useApi<ChaincodeList>(`/channels/${encodeURIComponent(channel)}/chaincodes`);
  const apply = (event: SubmitEvent) => {
    event.preventDefault();
    void navigate(`${transactionsPath(channel)}${query({ chaincode, valid })}`);
  };
  return (
    <form className="filters" onSubmit={apply} aria-label="Filter transactions">
      <div className="field">
        <label htmlFor="filter-chaincode">Chaincode</label>
        <select
          id="filter-chaincode"
          value={chaincode}
          onChange={(event) => setChaincode(event.target.value)}
        >
          <option value="">any</option>
          {chaincodes.data?.items.map((item) => (
            <option key={item.name} value={item.name}>
              {item.name}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="filter-valid">Status</label>
        <select id="filter-valid" value={valid} onChange={(event) => setValid(event.target.value)}>
          <option value="">any</option>
          <option value="true">valid</option>
          <option value="false">invalid</option>
        </select>
      </div>
      <button type="submit">Apply</button>
    </form>
  );
}

function columns(channel: string): Column<TransactionSummary>[] {
  return [
    {
      label: 'Transaction',
      cell: (tx) =>
        tx.txId ? <TxLink channel={channel} tx={tx} /> : <span className="muted">{tx.type}</span>,
    },
    {
      label: 'Block',
      cell: (tx) => (
        <>
          <Link to={blockPath(channel, tx.blockNumber)}>{tx.blockNumber}</Link>
          <span className="muted">#{tx.txIndex}</span>
        </>
      ),
    },
    {
      label: 'Time',
      cell: (tx) => (
        <time dateTime={tx.timestamp ?? undefined} title={formatTime(tx.timestamp)}>
          {timeAgo(tx.timestamp)}
        </time>
      ),
    },
    { label: 'Chaincode', cell: (tx) => tx.chaincode ?? '—' },
    { label: 'Function', cell: (tx) => tx.function ?? '—' },
    { label: 'Creator', cell: (tx) => tx.creatorMsp ?? '—' },
    { label: 'Status', cell: (tx) => <StatusBadge valid={tx.valid} name={tx.validationName} /> },
  ];
}

/** Every transaction, newest first, filterable by chaincode and validity. */
export function TransactionsPage() {
  const channel = useParams().channel ?? '';
  const [params] = useSearchParams();
  const live = useLive(channel);
  const { after, before, firstPage } = useCursor();
  const path = `/channels/${encodeURIComponent(channel)}/transactions${query({
    after,
    before,
    chaincode: params.get('chaincode'),
    valid: params.get('valid'),
    limit: 25,
  })}`;
  const transactions = useApi<Page<TransactionSummary>>(path, firstPage ? live.tick : 0);
  return (
    <>
      <PageTitle title={`Transactions · ${channel}`}>Transactions</PageTitle>
      <Filters key={params.toString()} channel={channel} />
      <Fetched result={transactions} what="transactions">
        {(data) => (
          <PagedTable
            caption={`Transactions of ${channel}, newest first`}
            columns={columns(channel)}
            page={data}
            rowKey={(tx) => `${tx.blockNumber}.${tx.txIndex}`}
            empty="No transactions match."
            pagerLabel="Transaction pages"
            newestFirst
          />
        )}
      </Fetched>
    </>
  );
}
