// SPDX-License-Identifier: Apache-2.0
import { Link, useParams, useSearchParams } from 'react-router-dom';

import type { Page, TransactionDetail, WriteRecord } from '../../../src/http/api-types';
import { query } from '../api';
import type { Column } from '../components/Table';
import { Table } from '../components/Table';
import {
  ErrorNotice,
  Hash,
  KeyLabel,
  Loading,
  PageTitle,
  Pager,
  StatusBadge,
  ValueBlock,
  WrittenValue,
} from '../components/ui';
import { formatTime } from '../format';
import { useApi, useCursor } from '../hooks';
import { blockPath, keyPath, statePath, txRefPath } from '../links';
import { useLive } from '../live';

function writeColumns(channel: string): Column<WriteRecord>[] {
  return [
    {
      label: 'Namespace',
      cell: (write) => (
        <>
          {write.namespace}
          {write.collection ? <span className="muted"> / {write.collection}</span> : null}
        </>
      ),
    },
    {
      label: 'Key',
      cell: (write) => (
        <Link to={keyPath(channel, write.namespace, write.key.raw, write.collection)}>
          <KeyLabel value={write.key} />
        </Link>
      ),
    },
    {
      label: 'Value',
      className: 'value-cell',
      cell: (write) => <WrittenValue write={write} max={200} />,
    },
  ];
}

function WriteSet({ channel, writes }: { channel: string; writes: WriteRecord[] }) {
  if (writes.length === 0) return <p className="muted">This transaction wrote nothing.</p>;
  return (
    <Table
      caption="Write set"
      columns={writeColumns(channel)}
      rows={writes}
      rowKey={(write) => write.index}
    />
  );
}

/** One transaction: who sent it, what it called, whether it counted, what it wrote and emitted. */
export function TransactionPage() {
  const params = useParams();
  const channel = params.channel ?? '';
  const txId = params.txId ?? '';
  const [search] = useSearchParams();
  const live = useLive(channel);
  const block = search.get('block') ?? undefined;
  const index = search.get('index') ?? undefined;
  const { after, before } = useCursor();
  // a transaction not mirrored yet is asked for again as blocks arrive
  const detail = useApi<TransactionDetail>(
    `/channels/${encodeURIComponent(channel)}/transactions/${encodeURIComponent(txId)}${query({ block, index })}`,
    live.tick,
  );
  const tx = detail.data?.transaction;
  const paged = Boolean(after ?? before);
  const writesPage = useApi<Page<WriteRecord>>(
    tx && paged
      ? `/channels/${encodeURIComponent(channel)}/blocks/${tx.blockNumber}/transactions/${tx.txIndex}/writes${query({ after, before, limit: 100 })}`
      : null,
  );
  const writes = paged ? writesPage.data : detail.data?.writes;
  return (
    <>
      <PageTitle title={`Transaction ${txId.slice(0, 12)} · ${channel}`}>Transaction</PageTitle>
      {detail.error ? <ErrorNotice error={detail.error} /> : null}
      {tx && detail.data ? (
        <>
          {detail.data.matches.length > 1 ? (
            <div className="notice" role="note">
              This id occurs {detail.data.matches.length} times on the ledger:{' '}
              {detail.data.matches.map((match, position) => (
                <span key={`${match.blockNumber}.${match.txIndex}`}>
                  {position > 0 ? ', ' : ''}
                  <Link to={txRefPath(channel, { ...match, txId: tx.txId })}>
                    block {match.blockNumber} #{match.txIndex} ({match.valid ? 'valid' : 'invalid'})
                  </Link>
                </span>
              ))}
              .
            </div>
          ) : null}
          <dl className="facts">
            <dt>Transaction id</dt>
            <dd>
              <Hash value={tx.txId} full />
            </dd>
            <dt>Status</dt>
            <dd>
              <StatusBadge valid={tx.valid} name={tx.validationName} />{' '}
              <span className="muted">
                validation code {tx.validationCode} ({tx.validationName})
              </span>
            </dd>
            <dt>Block</dt>
            <dd>
              <Link to={blockPath(channel, tx.blockNumber)}>{tx.blockNumber}</Link>, position{' '}
              {tx.txIndex}
            </dd>
            <dt>Time</dt>
            <dd>
              <time dateTime={tx.timestamp ?? undefined}>{formatTime(tx.timestamp)}</time>
            </dd>
            <dt>Type</dt>
            <dd>{tx.type}</dd>
            <dt>Creator</dt>
            <dd>
              {tx.creatorMsp ?? '—'}
              {tx.creatorSubject ? <div className="muted small">{tx.creatorSubject}</div> : null}
            </dd>
            <dt>Chaincode</dt>
            <dd>
              {tx.chaincode ? (
                <Link to={statePath(channel, tx.chaincode)}>{tx.chaincode}</Link>
              ) : (
                '—'
              )}
            </dd>
            <dt>Function</dt>
            <dd>{tx.function ? <code>{tx.function}</code> : '—'}</dd>
            {tx.correlationId ? (
              <>
                <dt>Correlation id</dt>
                <dd>
                  <code>{tx.correlationId}</code>
                </dd>
              </>
            ) : null}
            <dt>Block hash</dt>
            <dd>
              <Hash value={tx.blockHash} />
            </dd>
          </dl>
          <h2>Write set</h2>
          <p className="muted small">
            The mirror keeps each transaction's writes; read sets are not mirrored.
            {tx.valid
              ? ''
              : ' This transaction was invalid: its writes never reached the world state.'}
          </p>
          {writes ? (
            <>
              <WriteSet channel={channel} writes={writes.items} />
              <Pager
                label="Write pages"
                next={writes.next}
                prev={writes.prev}
                nextLabel="More"
                prevLabel="Previous"
              />
            </>
          ) : writesPage.error ? (
            <ErrorNotice error={writesPage.error} />
          ) : (
            <Loading what="writes" />
          )}
          <h2>Events</h2>
          {detail.data.events.length > 0 ? (
            detail.data.events.map((event) => (
              <section key={event.index} className="event" aria-label={`Event ${event.name}`}>
                <h3>
                  {event.name} <span className="muted small">from {event.chaincode}</span>
                </h3>
                <ValueBlock value={event.payload} />
              </section>
            ))
          ) : (
            <p className="muted">
              {tx.valid ? 'No chaincode event.' : 'Events of invalid transactions are not kept.'}
            </p>
          )}
        </>
      ) : (
        !detail.error && <Loading what="the transaction" />
      )}
    </>
  );
}
