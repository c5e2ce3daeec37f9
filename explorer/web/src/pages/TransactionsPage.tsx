// SPDX-License-Identifier: Apache-2.0
import { useState } from 'react';
import type { FormEvent } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';

import type { ChaincodeList, Page, TransactionSummary } from '../../../src/http/api-types';
import { query } from '../api';
import { ErrorNotice, Loading, PageTitle, Pager, StatusBadge } from '../components/ui';
import { formatTime, shortHash, timeAgo } from '../format';
import { useApi } from '../hooks';
import { blockPath, transactionsPath, txPath } from '../links';
import { useLive } from '../live';

function Filters({ channel }: { channel: string }) {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const [chaincode, setChaincode] = useState(params.get('chaincode') ?? '');
  const [valid, setValid] = useState(params.get('valid') ?? '');
  const chaincodes = useApi<ChaincodeList>(`/channels/${encodeURIComponent(channel)}/chaincodes`);
  const apply = (event: FormEvent) => {
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

/** Every transaction, newest first, filterable by chaincode and validity. */
export function TransactionsPage() {
  const channel = useParams().channel ?? '';
  const [params] = useSearchParams();
  const live = useLive(channel);
  const after = params.get('after') ?? undefined;
  const before = params.get('before') ?? undefined;
  const firstPage = !after && !before;
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
      {transactions.error ? <ErrorNotice error={transactions.error} /> : null}
      {transactions.data ? (
        <>
          <table className="responsive">
            <caption className="sr-only">Transactions of {channel}, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Transaction</th>
                <th scope="col">Block</th>
                <th scope="col">Time</th>
                <th scope="col">Chaincode</th>
                <th scope="col">Function</th>
                <th scope="col">Creator</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {transactions.data.items.map((tx) => (
                <tr key={`${tx.blockNumber}.${tx.txIndex}`}>
                  <td data-label="Transaction">
                    {tx.txId ? (
                      <Link
                        to={txPath(channel, tx.txId, { block: tx.blockNumber, index: tx.txIndex })}
                      >
                        <code className="hash" title={tx.txId}>
                          {shortHash(tx.txId, 12, 6)}
                        </code>
                      </Link>
                    ) : (
                      <span className="muted">{tx.type}</span>
                    )}
                  </td>
                  <td data-label="Block">
                    <Link to={blockPath(channel, tx.blockNumber)}>{tx.blockNumber}</Link>
                    <span className="muted">#{tx.txIndex}</span>
                  </td>
                  <td data-label="Time">
                    <time dateTime={tx.timestamp ?? undefined} title={formatTime(tx.timestamp)}>
                      {timeAgo(tx.timestamp)}
                    </time>
                  </td>
                  <td data-label="Chaincode">{tx.chaincode ?? '—'}</td>
                  <td data-label="Function">{tx.function ?? '—'}</td>
                  <td data-label="Creator">{tx.creatorMsp ?? '—'}</td>
                  <td data-label="Status">
                    <StatusBadge valid={tx.valid} name={tx.validationName} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {transactions.data.items.length === 0 ? (
            <p className="muted">No transactions match.</p>
          ) : null}
          <Pager
            label="Transaction pages"
            next={transactions.data.next}
            prev={transactions.data.prev}
          />
        </>
      ) : (
        !transactions.error && <Loading what="transactions" />
      )}
    </>
  );
}
