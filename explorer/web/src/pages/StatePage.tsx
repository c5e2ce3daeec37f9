// SPDX-License-Identifier: Apache-2.0
import { useState } from 'react';
import type { FormEvent } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';

import type {
  KeyDetail,
  NamespaceList,
  StatePage as StatePageData,
} from '../../../src/http/api-types';
import { query } from '../api';
import {
  ErrorNotice,
  KeyLabel,
  Loading,
  PageTitle,
  Pager,
  StatusBadge,
  ValueBlock,
} from '../components/ui';
import { formatTime, valuePreview } from '../format';
import { useApi } from '../hooks';
import { blockPath, keyPath, statePath, txPath } from '../links';
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
  const apply = (event: FormEvent) => {
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

/** The world state of one chaincode namespace, in key order, with key search. */
export function StatePage() {
  const params = useParams();
  const channel = params.channel ?? '';
  const namespace = params.namespace;
  const [search] = useSearchParams();
  const live = useLive(channel);
  const after = search.get('after') ?? undefined;
  const before = search.get('before') ?? undefined;
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
  const page = useApi<StatePageData>(path, !after && !before ? live.tick : 0);
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
          {page.error ? <ErrorNotice error={page.error} /> : null}
          {page.data ? (
            <>
              <table className="responsive" data-testid="state-table">
                <caption className="sr-only">Keys of {namespace}</caption>
                <thead>
                  <tr>
                    <th scope="col">Key</th>
                    <th scope="col">Value</th>
                    <th scope="col">Last written</th>
                  </tr>
                </thead>
                <tbody>
                  {page.data.items.map((entry) => (
                    <tr key={`${entry.collection}/${entry.key.raw}`}>
                      <td data-label="Key">
                        <Link to={keyPath(channel, namespace, entry.key.raw, entry.collection)}>
                          <KeyLabel value={entry.key} />
                        </Link>
                        {entry.collection ? (
                          <span className="muted small"> in {entry.collection}</span>
                        ) : null}
                      </td>
                      <td data-label="Value" className="value-cell">
                        <code className="value-inline">{valuePreview(entry.value)}</code>
                      </td>
                      <td data-label="Last written">
                        <Link to={blockPath(channel, entry.blockNumber)}>
                          block {entry.blockNumber}
                        </Link>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {page.data.items.length === 0 ? <p className="muted">No key matches.</p> : null}
              <Pager
                label="Key pages"
                next={page.data.next}
                prev={page.data.prev}
                nextLabel="Next"
                prevLabel="Previous"
              />
            </>
          ) : (
            !page.error && <Loading what="keys" />
          )}
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
  const after = search.get('after') ?? undefined;
  const before = search.get('before') ?? undefined;
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
                    <Link
                      to={txPath(channel, data.current.txId, {
                        block: data.current.blockNumber,
                        index: data.current.txIndex,
                      })}
                    >
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
          <table className="responsive">
            <caption className="sr-only">Writes to this key, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Block</th>
                <th scope="col">Time</th>
                <th scope="col">Transaction</th>
                <th scope="col">Write</th>
              </tr>
            </thead>
            <tbody>
              {data.history.items.map((entry) => (
                <tr key={`${entry.blockNumber}.${entry.txIndex}.${entry.txId}`}>
                  <td data-label="Block">
                    <Link to={blockPath(channel, entry.blockNumber)}>{entry.blockNumber}</Link>
                  </td>
                  <td data-label="Time">{formatTime(entry.timestamp)}</td>
                  <td data-label="Transaction">
                    <Link
                      to={txPath(channel, entry.txId, {
                        block: entry.blockNumber,
                        index: entry.txIndex,
                      })}
                    >
                      <code className="hash">{entry.txId.slice(0, 12)}…</code>
                    </Link>{' '}
                    <StatusBadge valid={entry.valid} />
                  </td>
                  <td data-label="Write" className="value-cell">
                    {entry.isDelete ? (
                      <span className="badge badge-warn">deleted</span>
                    ) : entry.value ? (
                      <code className="value-inline">{valuePreview(entry.value)}</code>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pager label="History pages" next={data.history.next} prev={data.history.prev} />
        </>
      ) : (
        key && !detail.error && <Loading what="the key" />
      )}
    </>
  );
}
