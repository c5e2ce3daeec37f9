// SPDX-License-Identifier: Apache-2.0
import { useState } from 'react';
import type { FormEvent } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';

import type { Asset, Page, TokenBalance } from '../../../src/http/api-types';
import { query } from '../api';
import { ErrorNotice, Loading, PageTitle, Pager } from '../components/ui';
import { assetKeyRaw, formatTime } from '../format';
import { useApi } from '../hooks';
import { assetsPath, blockPath, keyPath } from '../links';
import { useLive } from '../live';

function AssetFilters({ channel }: { channel: string }) {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const [owner, setOwner] = useState(params.get('owner') ?? '');
  const [status, setStatus] = useState(params.get('status') ?? '');
  const apply = (event: FormEvent) => {
    event.preventDefault();
    void navigate(`${assetsPath(channel)}${query({ owner: owner.trim(), status: status.trim() })}`);
  };
  return (
    <form className="filters" onSubmit={apply} aria-label="Filter assets">
      <div className="field">
        <label htmlFor="asset-owner">Owner organization (MSP id)</label>
        <input
          id="asset-owner"
          value={owner}
          onChange={(event) => setOwner(event.target.value)}
          placeholder="e.g. Org1MSP"
          spellCheck={false}
        />
      </div>
      <div className="field">
        <label htmlFor="asset-status">Status</label>
        <input
          id="asset-status"
          value={status}
          onChange={(event) => setStatus(event.target.value)}
          placeholder="e.g. ACTIVE"
          spellCheck={false}
        />
      </div>
      <button type="submit">Apply</button>
    </form>
  );
}

function attributesText(attributes: unknown): string {
  if (attributes === null || attributes === undefined) return '—';
  const text = JSON.stringify(attributes);
  return text.length > 120 ? `${text.slice(0, 120)}…` : text;
}

/** The AssetContract's current assets, from the mirror's `v_assets` view. */
export function AssetsPage() {
  const channel = useParams().channel ?? '';
  const [params] = useSearchParams();
  const live = useLive(channel);
  const after = params.get('after') ?? undefined;
  const before = params.get('before') ?? undefined;
  const assets = useApi<Page<Asset>>(
    `/channels/${encodeURIComponent(channel)}/assets${query({
      owner: params.get('owner'),
      status: params.get('status'),
      after,
      before,
      limit: 25,
    })}`,
    !after && !before ? live.tick : 0,
  );
  return (
    <>
      <PageTitle title={`Assets · ${channel}`}>Assets</PageTitle>
      <AssetFilters key={params.toString()} channel={channel} />
      {assets.error ? <ErrorNotice error={assets.error} /> : null}
      {assets.data ? (
        <>
          <table className="responsive">
            <caption className="sr-only">Assets on {channel}</caption>
            <thead>
              <tr>
                <th scope="col">Asset</th>
                <th scope="col">Type</th>
                <th scope="col">Owner</th>
                <th scope="col">Status</th>
                <th scope="col">Attributes</th>
                <th scope="col">Updated</th>
              </tr>
            </thead>
            <tbody>
              {assets.data.items.map((asset) => (
                <tr key={`${asset.chaincode}/${asset.assetId}`}>
                  <td data-label="Asset">
                    <Link to={keyPath(channel, asset.chaincode, assetKeyRaw(asset.assetId))}>
                      {asset.assetId}
                    </Link>
                  </td>
                  <td data-label="Type">{asset.type ?? '—'}</td>
                  <td data-label="Owner">
                    {asset.ownerMsp ?? '—'}
                    {asset.ownerId ? <span className="muted"> / {asset.ownerId}</span> : null}
                  </td>
                  <td data-label="Status">{asset.status ?? '—'}</td>
                  <td data-label="Attributes" className="value-cell">
                    <code className="value-inline">{attributesText(asset.attributes)}</code>
                  </td>
                  <td data-label="Updated">
                    <Link to={blockPath(channel, asset.blockNumber)}>
                      {asset.updatedAt ? formatTime(asset.updatedAt) : `block ${asset.blockNumber}`}
                    </Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {assets.data.items.length === 0 ? <p className="muted">No asset matches.</p> : null}
          <Pager
            label="Asset pages"
            next={assets.data.next}
            prev={assets.data.prev}
            nextLabel="Next"
            prevLabel="Previous"
          />
        </>
      ) : (
        !assets.error && <Loading what="assets" />
      )}
    </>
  );
}

/** Token balances per account, in base units as the TokenContract keeps them. */
export function TokensPage() {
  const channel = useParams().channel ?? '';
  const [params] = useSearchParams();
  const live = useLive(channel);
  const after = params.get('after') ?? undefined;
  const before = params.get('before') ?? undefined;
  const balances = useApi<Page<TokenBalance>>(
    `/channels/${encodeURIComponent(channel)}/tokens${query({ after, before, limit: 25 })}`,
    !after && !before ? live.tick : 0,
  );
  return (
    <>
      <PageTitle title={`Token balances · ${channel}`}>Token balances</PageTitle>
      <p className="muted small">
        Amounts are in base units. Pending credits are transfers received and not yet folded into
        the balance by the account&apos;s next debit.
      </p>
      {balances.error ? <ErrorNotice error={balances.error} /> : null}
      {balances.data ? (
        <>
          <table className="responsive">
            <caption className="sr-only">Token balances on {channel}</caption>
            <thead>
              <tr>
                <th scope="col">Account</th>
                <th scope="col" className="number">
                  Balance
                </th>
                <th scope="col" className="number">
                  Pending credits
                </th>
                <th scope="col">Last block</th>
              </tr>
            </thead>
            <tbody>
              {balances.data.items.map((row) => (
                <tr key={`${row.chaincode}/${row.account}`}>
                  <td data-label="Account">
                    <code className="hash account" title={row.account}>
                      {row.account}
                    </code>
                  </td>
                  <td data-label="Balance" className="number">
                    {row.balance}
                  </td>
                  <td data-label="Pending credits" className="number">
                    {row.pendingCredits}
                    {row.pendingCreditCount > 0 ? (
                      <span className="muted"> ({row.pendingCreditCount})</span>
                    ) : null}
                  </td>
                  <td data-label="Last block">
                    <Link to={blockPath(channel, row.lastBlock)}>{row.lastBlock}</Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {balances.data.items.length === 0 ? <p className="muted">No token account yet.</p> : null}
          <Pager
            label="Balance pages"
            next={balances.data.next}
            prev={balances.data.prev}
            nextLabel="Next"
            prevLabel="Previous"
          />
        </>
      ) : (
        !balances.error && <Loading what="balances" />
      )}
    </>
  );
}
