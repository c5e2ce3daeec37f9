// SPDX-License-Identifier: Apache-2.0
import { useState } from 'react';
import type { SubmitEvent } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';

import type {
  KeyDetail,
  KeyHistoryEntry,
  NamespaceList,
  StateEntry,
  StatePage as StatePageData,
} from '../../../src/http/api-types';
import { query } from '../api';
import type { Column } from '../components/Table';
import { PagedTable } from '../components/Table';
import {
  ErrorNotice,
  Fetched,
  KeyLabel,
  Loading,
  PageTitle,
  StatusBadge,
  ValueBlock,
  WrittenValue,
} from '../components/ui';
import { formatTime, valuePreview } from '../format';
import { useApi, useCursor } from '../hooks';
import { blockPath, keyPath, statePath, txRefPath } from '../links';
import { useLive } from '../live';

function Namespaces({ channel, current }: { channel: string; current?: string }) {
  const list = useApi<NamespaceList>(`/channels/${encodeURIComponent(channel)}/state`);
  if (list.error) return <ErrorNotice error={list.error} />;
  if (!list.data) return <Loading what="namespaces" />;
  if (list.data.namespaces.length === 0) {
    return <p className="muted">The world state is empty.</p>;
  }
  return (
    <nav aria-label="Namespaces" className="chips">
      {list.data.namespaces.map((namespace) => (
        <Link
          key={namespace}
          to={statePath(channel, namespace)}
          aria-current={namespace === current ? 'page' : undefined}
          className="chip"
        >
          {namespace}
        </Link>
      ))}
    </nav>
  );
}

function KeyFilters({
  channel,
  namespace,
  objectTypes,
}: {
  channel: string;
  namespace: string;
  objectTypes: string[];
}) {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const [type, setType] = useState(params.get('type') ?? '');
  const [q, setQ] = useState(params.get('q') ?? '');
  const apply = (event: SubmitEvent) => {
    event.preventDefault();
    void navigate(`${statePath(channel, namespace)}${query({ type, q: q.trim() })}`);
  };
  return (
    <form className="filters" onSubmit={apply} aria-label="Filter keys">
      <div className="field">
        <label htmlFor="state-type">Object type</label>
        <select id="state-type" value={type} onChange={(event) => setType(event.target.value)}>
          <option value="">any</option>
          {objectTypes.map((objectType) => (
            <option key={objectType} value={objectType}>
              {objectType}
            </option>
          ))}
        </select>
      </div>
      <div className="field field-grow">
        <label htmlFor="state-q">Key contains</label>
        <input
          id="state-q"
          type="search"
          value={q}
          onChange={(event) => setQ(event.target.value)}
          spellCheck={false}
        />
      </div>
      <button type="submit">Apply</button>
    </form>
  );
}

function keyColumns(channel: string, namespace: string): Column<StateEntry>[] {
  return [
    {
      label: 'Key',
      cell: (entry) => (
        <>
          <Link to={keyPath(channel, namespace, entry.key.raw, entry.collection)}>
            <KeyLabel value={entry.key} />
          </Link>
          {entry.collection ? <span className="muted small"> in {entry.collection}</span> : null}
        </>
      ),
    },
    {
      label: 'Value',
      className: 'value-cell',
      cell: (entry) => <code className="value-inline">{valuePreview(entry.value)}</code>,
    },
    {
      label: 'Last written',
      cell: (entry) => (
        <Link to={blockPath(channel, entry.blockNumber)}>block {entry.blockNumber}</Link>
      ),
    },
  ];
}

function historyColumns(channel: string): Column<KeyHistoryEntry>[] {
  return [
    {
      label: 'Block',
      cell: (entry) => <Link to={blockPath(channel, entry.blockNumber)}>{entry.blockNumber}</Link>,
    },
    { label: 'Time', cell: (entry) => formatTime(entry.timestamp) },
    {
      label: 'Transaction',
      cell: (entry) => (
        <>
          <Link to={txRefPath(channel, entry)}>
            <code className="hash">{entry.txId.slice(0, 12)}…</code>
          </Link>{' '}
          <StatusBadge valid={entry.valid} />
        </>
      ),
    },
    { label: 'Write', className: 'value-cell', cell: (entry) => <WrittenValue write={entry} /> },
  ];
}

/** The world state of one chaincode namespace, in key order, with key search. */
export function StatePage() {
  const params = useParams();
  const channel = params.channel ?? '';
  const namespace = params.namespace;
  const [search] = useSearchParams();
  const live = useLive(channel);
  const { after, before, firstPage } = useCursor();
  const path =
    namespace === undefined
      ? null
      : `/channels/${encodeURIComponent(channel)}/state/${encodeURIComponent(namespace)}${query({
          type: search.get('type'),
          q: search.get('q'),
          after,
          before,
          limit: 25,
        })}`;
  const page = useApi<StatePageData>(path, firstPage ? live.tick : 0);
  return (
    <>
      <PageTitle title={`World state${namespace ? ` · ${namespace}` : ''} · ${channel}`}>
        World state{namespace ? <span className="muted"> · {namespace}</span> : null}
      </PageTitle>
      <Namespaces channel={channel} current={namespace} />
      {namespace === undefined ? (
        <p>Pick a chaincode namespace to browse its keys.</p>
      ) : (
        <>
          <KeyFilters
            key={`${namespace}?${search.get('type') ?? ''}&${search.get('q') ?? ''}`}
            channel={channel}
            namespace={namespace}
            objectTypes={page.data?.objectTypes ?? []}
          />
          <Fetched result={page} what="keys">
            {(data) => (
              <PagedTable
                testId="state-table"
                caption={`Keys of ${namespace}`}
                columns={keyColumns(channel, namespace)}
                page={data}
                rowKey={(entry) => `${entry.collection}/${entry.key.raw}`}
                empty="No key matches."
                pagerLabel="Key pages"
              />
            )}
          </Fetched>
        </>
      )}
    </>
  );
}

/** One key: its current value and every write to it, newest first. */
export function KeyPage() {
  const params = useParams();
  const channel = params.channel ?? '';
  const namespace = params.namespace ?? '';
  const [search] = useSearchParams();
  const live = useLive(channel);
  const key = search.get('key') ?? '';
  const collection = search.get('collection') ?? '';
  const { after, before } = useCursor();
  const detail = useApi<KeyDetail>(
    key
      ? `/channels/${encodeURIComponent(channel)}/state/${encodeURIComponent(namespace)}/key${query(
          { key, collection, after, before, limit: 25 },
        )}`
      : null,
    live.tick,
  );
  const data = detail.data;
  return (
    <>
      <PageTitle title={`Key · ${namespace} · ${channel}`}>
        Key <span className="muted">in {namespace}</span>
      </PageTitle>
      <p>
        <Link to={statePath(channel, namespace)}>← All keys of {namespace}</Link>
      </p>
      {!key ? <p className="notice notice-error">The address names no key.</p> : null}
      {detail.error ? <ErrorNotice error={detail.error} /> : null}
      {data ? (
        <>
          <dl className="facts">
            <dt>Key</dt>
            <dd>
              <KeyLabel value={data.key} />
            </dd>
            {data.key.objectType !== undefined ? (
              <>
                <dt>Stored as</dt>
                <dd>
                  <code>{data.key.raw}</code>
                </dd>
              </>
            ) : null}
            {data.collection ? (
              <>
                <dt>Collection</dt>
                <dd>{data.collection}</dd>
              </>
            ) : null}
            <dt>Current value</dt>
            <dd>
              {data.current ? (
                <>
                  <ValueBlock value={data.current.value} />
                  <span className="small">
                    written by{' '}
                    <Link to={txRefPath(channel, data.current)}>
                      a transaction in block {data.current.blockNumber}
                    </Link>
                  </span>
                </>
              ) : (
                <span className="muted">deleted (no current value)</span>
              )}
            </dd>
          </dl>
          <h2>History</h2>
          <PagedTable
            caption="Writes to this key, newest first"
            columns={historyColumns(channel)}
            page={data.history}
            rowKey={(entry) => `${entry.blockNumber}.${entry.txIndex}.${entry.txId}`}
            pagerLabel="History pages"
            newestFirst
          />
        </>
      ) : (
        key && !detail.error && <Loading what="the key" />
      )}
    </>
  );
}
