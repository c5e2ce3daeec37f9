// SPDX-License-Identifier: Apache-2.0
import { Link, useParams } from 'react-router-dom';

import type { BlockDetail, Page, TransactionSummary } from '../../../src/http/api-types';
import { query } from '../api';
import type { Column } from '../components/Table';
import { PagedTable } from '../components/Table';
import {
  ErrorNotice,
  Fetched,
  Hash,
  Loading,
  PageTitle,
  StatusBadge,
  TxLink,
} from '../components/ui';
import { formatTime } from '../format';
import { useApi, useCursor } from '../hooks';
import { blockPath } from '../links';
import { useLive } from '../live';

function transactionColumns(channel: string): Column<TransactionSummary>[] {
  return [
    { label: '#', cell: (tx) => tx.txIndex },
    {
      label: 'Transaction',
      cell: (tx) =>
        tx.txId ? <TxLink channel={channel} tx={tx} /> : <span className="muted">(no id)</span>,
    },
    { label: 'Type', cell: (tx) => tx.type },
    {
      label: 'Chaincode',
      cell: (tx) => (
        <>
          {tx.chaincode ?? '—'}
          {tx.function ? <span className="muted"> {tx.function}</span> : null}
        </>
      ),
    },
    { label: 'Creator', cell: (tx) => tx.creatorMsp ?? '—' },
    { label: 'Status', cell: (tx) => <StatusBadge valid={tx.valid} name={tx.validationName} /> },
  ];
}

/** One block: its header hashes (linked along the chain) and its transactions, paged. */
export function BlockPage() {
  const params = useParams();
  const channel = params.channel ?? '';
  const number = Number(params.number);
  const live = useLive(channel);
  const valid = Number.isSafeInteger(number) && number >= 0;
  const base = `/channels/${encodeURIComponent(channel)}/blocks/${number}`;
  // a block not mirrored yet is asked for again as blocks arrive
  const detail = useApi<BlockDetail>(valid ? base : null, live.tick);
  const { after, before } = useCursor();
  const transactions = useApi<Page<TransactionSummary>>(
    valid && detail.data ? `${base}/transactions${query({ after, before, limit: 50 })}` : null,
  );
  const block = detail.data?.block;
  return (
    <>
      <PageTitle title={`Block ${params.number ?? ''} · ${channel}`}>
        Block {params.number}
      </PageTitle>
      {!valid ? <p className="notice notice-error">A block number is a whole number.</p> : null}
      {detail.error ? <ErrorNotice error={detail.error} /> : null}
      {block && detail.data ? (
        <>
          <nav className="block-steps" aria-label="Neighbouring blocks">
            {block.number > 0 ? (
              <Link to={blockPath(channel, block.number - 1)} rel="prev">
                ← Block {block.number - 1}
              </Link>
            ) : (
              <span className="muted">Genesis block</span>
            )}
            {block.number < detail.data.lastBlock ? (
              <Link to={blockPath(channel, block.number + 1)} rel="next">
                Block {block.number + 1} →
              </Link>
            ) : (
              <span className="muted">Newest block</span>
            )}
          </nav>
          <dl className="facts">
            <dt>Channel</dt>
            <dd>{block.channel}</dd>
            <dt>Time</dt>
            <dd>
              <time dateTime={block.timestamp ?? undefined}>{formatTime(block.timestamp)}</time>
            </dd>
            <dt>Transactions</dt>
            <dd>
              {block.txCount} ({block.validCount} valid, {block.txCount - block.validCount} invalid)
              {block.isConfig ? <span className="badge badge-info">config block</span> : null}
            </dd>
            <dt>Block hash</dt>
            <dd>
              <Hash value={block.hash} full />
            </dd>
            <dt>Previous hash</dt>
            <dd>
              {block.number > 0 ? (
                <Link
                  to={blockPath(channel, block.number - 1)}
                  aria-label={`Previous block ${block.number - 1}, hash ${block.previousHash}`}
                >
                  <Hash value={block.previousHash} full />
                </Link>
              ) : (
                <span className="muted">none (genesis)</span>
              )}
            </dd>
            <dt>Data hash</dt>
            <dd>
              <Hash value={block.dataHash} full />{' '}
              {block.dataHashValid ? (
                <span className="ok">matches the block's data</span>
              ) : (
                <span className="bad">does not match the block's data</span>
              )}
            </dd>
            <dt>Mirrored</dt>
            <dd>{formatTime(block.mirroredAt)}</dd>
          </dl>
          <h2>Transactions</h2>
          <Fetched result={transactions} what="transactions">
            {(data) => (
              <PagedTable
                caption={`Transactions of block ${block.number}`}
                columns={transactionColumns(channel)}
                page={data}
                rowKey={(tx) => tx.txIndex}
                pagerLabel="Transaction pages"
              />
            )}
          </Fetched>
        </>
      ) : (
        valid && !detail.error && <Loading what="the block" />
      )}
    </>
  );
}
