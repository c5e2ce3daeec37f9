// SPDX-License-Identifier: Apache-2.0
import type { TransactionSummary } from '../../../../src/http/api-types';
import { transactionsPath } from '../../links';
import type { Column } from '../Table';
import { StatusBadge, TxLink } from '../ui';
import { LatestList } from './LatestList';

function columns(channel: string): Column<TransactionSummary>[] {
  return [
    {
      label: 'Transaction',
      cell: (tx) => (
        <>
          <TxLink channel={channel} tx={tx} head={10} tail={4} />
          <span className="muted"> in {tx.blockNumber}</span>
        </>
      ),
    },
    {
      label: 'Chaincode',
      cell: (tx) => (
        <>
          {tx.chaincode ?? tx.type}
          {tx.function ? <span className="muted"> {tx.function}</span> : null}
        </>
      ),
    },
    { label: 'Status', cell: (tx) => <StatusBadge valid={tx.valid} name={tx.validationName} /> },
  ];
}

/** The newest transactions with their chaincode, function and validation status. */
export function LatestTransactions({ channel, tick }: { channel: string; tick: number }) {
  return (
    <LatestList
      channel={channel}
      what="transactions"
      allPath={transactionsPath(channel)}
      tick={tick}
      columns={columns(channel)}
      rowKey={(tx) => `${tx.blockNumber}.${tx.txIndex}`}
    />
  );
}
