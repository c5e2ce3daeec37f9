// SPDX-License-Identifier: Apache-2.0
import { Link, useParams } from 'react-router-dom';

import type { ChaincodeList } from '../../../src/http/api-types';
import { query } from '../api';
import { ErrorNotice, Loading, PageTitle } from '../components/ui';
import { formatNumber } from '../format';
import { useApi } from '../hooks';
import { blockPath, statePath, transactionsPath, txPath } from '../links';
import { useLive } from '../live';

/** Chaincodes committed on the channel (from `_lifecycle`), with their traffic. */
export function ChaincodesPage() {
  const channel = useParams().channel ?? '';
  const live = useLive(channel);
  const list = useApi<ChaincodeList>(
    `/channels/${encodeURIComponent(channel)}/chaincodes`,
    live.tick,
  );
  return (
    <>
      <PageTitle title={`Chaincodes · ${channel}`}>Chaincodes</PageTitle>
      {list.error ? <ErrorNotice error={list.error} /> : null}
      {list.data ? (
        <>
          {!list.data.lifecycleMirrored ? (
            <p className="notice" role="note">
              No committed chaincode definition is in the mirror yet; the list shows the chaincodes
              seen in transactions.
            </p>
          ) : null}
          <table className="responsive">
            <caption className="sr-only">Chaincodes of {channel}</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Version</th>
                <th scope="col">Sequence</th>
                <th scope="col">Committed in</th>
                <th scope="col">Transactions</th>
                <th scope="col">Invalid</th>
                <th scope="col">Last block</th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((item) => (
                <tr key={item.name}>
                  <td data-label="Name">
                    <strong>{item.name}</strong>
                    {item.name.startsWith('_') ? (
                      <span className="badge badge-info">system</span>
                    ) : null}
                    <div className="small">
                      <Link to={statePath(channel, item.name)}>world state</Link>
                    </div>
                  </td>
                  <td data-label="Version">{item.version ?? '—'}</td>
                  <td data-label="Sequence">{item.sequence ?? '—'}</td>
                  <td data-label="Committed in">
                    {item.definedIn ? (
                      <Link
                        to={txPath(channel, item.definedIn.txId, {
                          block: item.definedIn.blockNumber,
                          index: item.definedIn.txIndex,
                        })}
                      >
                        block {item.definedIn.blockNumber}
                      </Link>
                    ) : (
                      '—'
                    )}
                  </td>
                  <td data-label="Transactions">
                    {item.transactions.total > 0 ? (
                      <Link to={`${transactionsPath(channel)}${query({ chaincode: item.name })}`}>
                        {formatNumber(item.transactions.total)}
                      </Link>
                    ) : (
                      '0'
                    )}
                  </td>
                  <td data-label="Invalid">
                    {item.transactions.invalid > 0 ? (
                      <span className="bad">{formatNumber(item.transactions.invalid)}</span>
                    ) : (
                      '0'
                    )}
                  </td>
                  <td data-label="Last block">
                    {item.lastBlock !== undefined ? (
                      <Link to={blockPath(channel, item.lastBlock)}>{item.lastBlock}</Link>
                    ) : (
                      '—'
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {list.data.items.length === 0 ? <p className="muted">No chaincode yet.</p> : null}
        </>
      ) : (
        !list.error && <Loading what="chaincodes" />
      )}
    </>
  );
}
