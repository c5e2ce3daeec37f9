// SPDX-License-Identifier: Apache-2.0
import { useEffect } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';

import type { SearchHit, SearchResult } from '../../../src/http/api-types';
import { query } from '../api';
import { ErrorNotice, Loading, PageTitle, StatusBadge } from '../components/ui';
import { useApi } from '../hooks';
import { blockPath, keyPath, txPath } from '../links';

export function hitPath(hit: SearchHit): string {
  switch (hit.kind) {
    case 'block':
      return blockPath(hit.channel, hit.blockNumber);
    case 'transaction':
      return txPath(hit.channel, hit.txId, { block: hit.blockNumber, index: hit.txIndex });
    case 'key':
      return keyPath(hit.channel, hit.namespace, hit.key.raw, hit.collection);
  }
}

/** Results of the search box; a single match opens its page directly. */
export function SearchPage() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const q = params.get('q') ?? '';
  const channel = params.get('channel') ?? undefined;
  const result = useApi<SearchResult>(q.trim() ? `/search${query({ q, channel })}` : null);
  const hits = result.data?.hits;
  const only = hits?.length === 1 ? hits[0] : undefined;

  useEffect(() => {
    if (only) void navigate(hitPath(only), { replace: true });
  }, [only, navigate]);

  return (
    <>
      <PageTitle title={`Search ${q}`}>
        Search <span className="muted">“{q}”</span>
      </PageTitle>
      {!q.trim() ? <p>Type a block number, a transaction id or a key in the search box.</p> : null}
      {result.error ? <ErrorNotice error={result.error} /> : null}
      {hits ? (
        hits.length === 0 ? (
          <p role="status">
            Nothing matches. A search finds a block by its number, a transaction by its whole id,
            and a world-state key by its whole name or one part of a composite key.
          </p>
        ) : (
          <ul className="hits" aria-label="Search results">
            {hits.map((hit) => (
              <li key={hitPath(hit)}>
                <Link to={hitPath(hit)}>{hit.label}</Link>{' '}
                {hit.kind === 'transaction' ? <StatusBadge valid={hit.valid} /> : null}
              </li>
            ))}
          </ul>
        )
      ) : (
        q.trim() && !result.error && <Loading what="results" />
      )}
    </>
  );
}
