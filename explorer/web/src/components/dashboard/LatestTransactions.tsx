// SPDX-License-Identifier: Apache-2.0
import { Link } from 'react-router-dom';

import type { Page, TransactionSummary } from '../../../../src/http/api-types';
import { shortHash } from '../../format';
import { useApi } from '../../hooks';
import { transactionsPath, txPath } from '../../links';
import { Card, ErrorNotice, Loading, StatusBadge } from '../ui';

/** The newest transactions with their chaincode, function and validation status. */
export function LatestTransactions({ channel, tick }: { channel: string; tick: number }) {
  const transactions = useApi<Page<TransactionSummary>>(
    `/channels/${encodeURIComponent(channel)}/transactions?limit=8`,
    tick,
  );
  return (
    <Card
      title="Latest transactions"
      id="latest-transactions-title"
      actions={<Link to={transactionsPath(channel)}>All transactions</Link>}
    >
      {transactions.error ? <ErrorNotice error={transactions.error} /> : null}
      {transactions.data ? (
        transactions.data.items.length > 0 ? (
          <table className="responsive" data-testid="latest-transactions">
            <thead>
              <tr>
                <th scope="col">Transaction</th>
                <th scope="col">Chaincode</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {transactions.data.items.map((tx) => (
                <tr key={`${tx.blockNumber}.${tx.txIndex}`}>
                  <td data-label="Transaction">
                    <Link
                      to={txPath(channel, tx.txId, { block: tx.blockNumber, index: tx.txIndex })}
                    >
                      <code className="hash">{shortHash(tx.txId, 10, 4)}</code>
                    </Link>
                    <span className="muted"> in {tx.blockNumber}</span>
                  </td>
                  <td data-label="Chaincode">
                    {tx.chaincode ?? tx.type}
                    {tx.function ? <span className="muted"> {tx.function}</span> : null}
                  </td>
                  <td data-label="Status">
                    <StatusBadge valid={tx.valid} name={tx.validationName} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p className="muted">No transactions mirrored yet.</p>
        )
      ) : (
        !transactions.error && <Loading what="transactions" />
      )}
    </Card>
  );
}
