// SPDX-License-Identifier: Apache-2.0
import { Link, useParams, useSearchParams } from 'react-router-dom';

import type { BlockDetail, Page, TransactionSummary } from '../../../src/http/api-types';
import { query } from '../api';
import { ErrorNotice, Hash, Loading, PageTitle, Pager, StatusBadge } from '../components/ui';
import { formatTime, shortHash } from '../format';
import { useApi } from '../hooks';
import { blockPath, txPath } from '../links';
import { useLive } from '../live';

/** One block: its header hashes (linked along the chain) and its transactions, paged. */
export function BlockPage() {
  const params = useParams();
  const channel = params.channel ?? '';
  const number = Number(params.number);
  const [search] = useSearchParams();
  const live = useLive(channel);
  const valid = Number.isSafeInteger(number) && number >= 0;
  const base = `/channels/${encodeURIComponent(channel)}/blocks/${number}`;
  // a block not mirrored yet is asked for again as blocks arrive
  const detail = useApi<BlockDetail>(valid ? base : null, live.tick);
  const after = search.get('after') ?? undefined;
  const before = search.get('before') ?? undefined;
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
          {transactions.error ? <ErrorNotice error={transactions.error} /> : null}
          {transactions.data ? (
            <>
              <table className="responsive">
                <caption className="sr-only">Transactions of block {block.number}</caption>
                <thead>
                  <tr>
                    <th scope="col">#</th>
                    <th scope="col">Transaction</th>
                    <th scope="col">Type</th>
                    <th scope="col">Chaincode</th>
                    <th scope="col">Creator</th>
                    <th scope="col">Status</th>
                  </tr>
                </thead>
                <tbody>
                  {transactions.data.items.map((tx) => (
                    <tr key={tx.txIndex}>
                      <td data-label="#">{tx.txIndex}</td>
                      <td data-label="Transaction">
                        {tx.txId ? (
                          <Link
                            to={txPath(channel, tx.txId, {
                              block: tx.blockNumber,
                              index: tx.txIndex,
                            })}
                          >
                            <code className="hash" title={tx.txId}>
                              {shortHash(tx.txId, 12, 6)}
                            </code>
                          </Link>
                        ) : (
                          <span className="muted">(no id)</span>
                        )}
                      </td>
                      <td data-label="Type">{tx.type}</td>
                      <td data-label="Chaincode">
                        {tx.chaincode ?? '—'}
                        {tx.function ? <span className="muted"> {tx.function}</span> : null}
                      </td>
                      <td data-label="Creator">{tx.creatorMsp ?? '—'}</td>
                      <td data-label="Status">
                        <StatusBadge valid={tx.valid} name={tx.validationName} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <Pager
                label="Transaction pages"
                next={transactions.data.next}
                prev={transactions.data.prev}
                nextLabel="Next"
                prevLabel="Previous"
              />
            </>
          ) : (
            !transactions.error && <Loading what="transactions" />
          )}
        </>
      ) : (
        valid && !detail.error && <Loading what="the block" />
      )}
    </>
  );
}
