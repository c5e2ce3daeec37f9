// SPDX-License-Identifier: Apache-2.0
import { useEffect } from 'react';
import type { ReactNode } from 'react';
import { Link, useLocation } from 'react-router-dom';

import type { KeyView, ValueView } from '../../../src/http/api-types';
import type { ApiFailure } from '../api';
import { keyText, shortHash, valuePreview, valueText } from '../format';
import type { Loaded } from '../hooks';
import type { TxRef } from '../links';
import { txRefPath } from '../links';

/** The page's heading, also the document title; focused after navigation (see Layout). */
export function PageTitle({ children, title }: { children: ReactNode; title: string }) {
  useEffect(() => {
    document.title = `${title} · Consortia explorer`;
  }, [title]);
  return (
    <h1 id="page-title" tabIndex={-1}>
      {children}
    </h1>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p className="muted" role="status">
      Loading {what}…
    </p>
  );
}

export function ErrorNotice({ error }: { error: ApiFailure }) {
  return (
    <div className="notice notice-error" role="alert">
      <strong>{error.status === 404 ? 'Not found.' : 'Something went wrong.'}</strong>{' '}
      {error.message}
    </div>
  );
}

/** What an API read gave: its error if it failed, `children` once data came, else a loading line. */
export function Fetched<T>({
  result,
  what,
  children,
}: {
  result: Loaded<T>;
  what: string;
  children: (data: T) => ReactNode;
}) {
  return (
    <>
      {result.error ? <ErrorNotice error={result.error} /> : null}
      {result.data ? children(result.data) : !result.error && <Loading what={what} />}
    </>
  );
}

/** A transaction's id, shortened, linking to its page. */
export function TxLink({
  channel,
  tx,
  head = 12,
  tail = 6,
}: {
  channel: string;
  tx: TxRef;
  head?: number;
  tail?: number;
}) {
  return (
    <Link to={txRefPath(channel, tx)}>
      <Hash value={tx.txId} head={head} tail={tail} />
    </Link>
  );
}

/** A block's transaction count, with how many were invalid when any were. */
export function TxCount({
  block,
  className,
}: {
  block: { txCount: number; validCount: number };
  /** How the invalid count is shown: `bad` or `muted`. */
  className: string;
}) {
  return (
    <>
      {block.txCount}
      {block.validCount < block.txCount ? (
        <span className={className}> ({block.txCount - block.validCount} invalid)</span>
      ) : null}
    </>
  );
}

/** Valid / invalid as a word and a colour, never colour alone. */
export function StatusBadge({ valid, name }: { valid: boolean; name?: string }) {
  return (
    <span className={`badge ${valid ? 'badge-ok' : 'badge-bad'}`}>
      {valid ? 'valid' : (name ?? 'invalid')}
    </span>
  );
}

/** A hash in full, or shortened to its first `head` and last `tail` characters. */
export function Hash({
  value,
  full = false,
  head,
  tail,
}: {
  value: string;
  full?: boolean;
  head?: number;
  tail?: number;
}) {
  if (full) return <code className="hash hash-full">{value}</code>;
  return (
    <code className="hash" title={value}>
      {shortHash(value, head, tail)}
    </code>
  );
}

export function KeyLabel({ value }: { value: KeyView }) {
  if (value.objectType === undefined) return <code className="key">{value.raw}</code>;
  return (
    <code className="key" title={value.raw}>
      <span className="key-type">{value.objectType}</span>
      {(value.attributes ?? []).map((attribute, index) => (
        <span key={index} className="key-part">
          {attribute}
        </span>
      ))}
      <span className="sr-only">{keyText(value)}</span>
    </code>
  );
}

export function ValueBlock({ value }: { value: ValueView }) {
  return (
    <pre className="value">
      {valueText(value)}
      {value.truncated ? `\n… (${value.size} bytes in all)` : ''}
    </pre>
  );
}

/** What a write left: a deletion, or a preview of the value written. */
export function WrittenValue({
  write,
  max,
}: {
  write: { isDelete: boolean; value?: ValueView };
  max?: number;
}) {
  if (write.isDelete) return <span className="badge badge-warn">deleted</span>;
  return write.value ? (
    <code className="value-inline">{valuePreview(write.value, max)}</code>
  ) : null;
}

/**
 * Newer/older links for keyset pages. They keep the page's other query parameters, so a
 * filtered list stays filtered, and they are plain links, so every page has its own URL.
 */
export function Pager({
  next,
  prev,
  nextLabel = 'Older',
  prevLabel = 'Newer',
  label,
}: {
  next?: string;
  prev?: string;
  nextLabel?: string;
  prevLabel?: string;
  label: string;
}) {
  const location = useLocation();
  const link = (name: 'after' | 'before', cursor: string) => {
    const params = new URLSearchParams(location.search);
    params.delete('after');
    params.delete('before');
    params.set(name, cursor);
    return `${location.pathname}?${params.toString()}`;
  };
  const first = new URLSearchParams(location.search);
  const paged = first.has('after') || first.has('before');
  first.delete('after');
  first.delete('before');
  const firstLink = `${location.pathname}${first.size > 0 ? `?${first.toString()}` : ''}`;
  if (!next && !prev && !paged) return null;
  return (
    <nav className="pager" aria-label={label}>
      {paged ? <Link to={firstLink}>First page</Link> : <span aria-hidden="true" />}
      <span className="pager-steps">
        {prev ? (
          <Link to={link('before', prev)} rel="prev">
            ← {prevLabel}
          </Link>
        ) : (
          <span className="muted">← {prevLabel}</span>
        )}
        {next ? (
          <Link to={link('after', next)} rel="next">
            {nextLabel} →
          </Link>
        ) : (
          <span className="muted">{nextLabel} →</span>
        )}
      </span>
    </nav>
  );
}

export function Stat({
  label,
  value,
  hint,
}: {
  label: string;
  value: ReactNode;
  hint?: ReactNode;
}) {
  return (
    <div className="stat">
      <dt>{label}</dt>
      <dd>
        <span className="stat-value">{value}</span>
        {hint ? <span className="stat-hint">{hint}</span> : null}
      </dd>
    </div>
  );
}

/** A titled box on a page. */
export function Card({
  title,
  id,
  actions,
  children,
}: {
  title: string;
  id: string;
  actions?: ReactNode;
  children: ReactNode;
}) {
  return (
    <section className="card" aria-labelledby={id}>
      <div className="card-head">
        <h2 id={id}>{title}</h2>
        {actions}
      </div>
      {children}
    </section>
  );
}

export function HealthDot({ health }: { health: 'up' | 'down' | 'unreachable' }) {
  return (
    <span className={`health health-${health}`}>
      <span className="dot" aria-hidden="true" />
      {health}
    </span>
  );
}
