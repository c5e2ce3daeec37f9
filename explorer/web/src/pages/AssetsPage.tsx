// SPDX-License-Identifier: Apache-2.0
import { useState } from 'react';
import type { SubmitEvent } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';

import type { Asset, Page, TokenBalance } from '../../../src/http/api-types';
import { query } from '../api';
import type { Column } from '../components/Table';
import { PagedTable } from '../components/Table';
import { Fetched, PageTitle } from '../components/ui';
import { assetKeyRaw, formatTime } from '../format';
import { useApi, useCursor } from '../hooks';
import { assetsPath, blockPath, keyPath } from '../links';
import { useLive } from '../live';

function AssetFilters({ channel }: { channel: string }) {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const [owner, setOwner] = useState(params.get('owner') ?? '');
  const [status, setStatus] = useState(params.get('status') ?? '');
  const apply = (event: SubmitEvent) => {
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

function assetColumns(channel: string): Column<Asset>[] {
  return [
    {
      label: 'Asset',
      cell: (asset) => (
        <Link to={keyPath(channel, asset.chaincode, assetKeyRaw(asset.assetId))}>
          {asset.assetId}
        </Link>
      ),
    },
    { label: 'Type', cell: (asset) => asset.type ?? '—' },
    {
      label: 'Owner',
      cell: (asset) => (
        <>
          {asset.ownerMsp ?? '—'}
          {asset.ownerId ? <span className="muted"> / {asset.ownerId}</span> : null}
        </>
      ),
    },
    { label: 'Status', cell: (asset) => asset.status ?? '—' },
    {
      label: 'Attributes',
      className: 'value-cell',
      cell: (asset) => <code className="value-inline">{attributesText(asset.attributes)}</code>,
    },
    {
      label: 'Updated',
      cell: (asset) => (
        <Link to={blockPath(channel, asset.blockNumber)}>
          {asset.updatedAt ? formatTime(asset.updatedAt) : `block ${asset.blockNumber}`}
        </Link>
      ),
    },
  ];
}

/** The AssetContract's current assets, from the mirror's `v_assets` view. */
export function AssetsPage() {
  const channel = useParams().channel ?? '';
  const [params] = useSearchParams();
  const live = useLive(channel);
  const { after, before, firstPage } = useCursor();
  const assets = useApi<Page<Asset>>(
    `/channels/${encodeURIComponent(channel)}/assets${query({
      owner: params.get('owner'),
      status: params.get('status'),
      after,
      before,
      limit: 25,
    })}`,
    firstPage ? live.tick : 0,
  );
  return (
    <>
      <PageTitle title={`Assets · ${channel}`}>Assets</PageTitle>
      <AssetFilters key={params.toString()} channel={channel} />
      <Fetched result={assets} what="assets">
        {(data) => (
          <PagedTable
            caption={`Assets on ${channel}`}
            columns={assetColumns(channel)}
            page={data}
            rowKey={(asset) => `${asset.chaincode}/${asset.assetId}`}
            empty="No asset matches."
            pagerLabel="Asset pages"
          />
        )}
      </Fetched>
    </>
  );
}

function balanceColumns(channel: string): Column<TokenBalance>[] {
  return [
    {
      label: 'Account',
      cell: (row) => (
        <code className="hash account" title={row.account}>
          {row.account}
        </code>
      ),
    },
    { label: 'Balance', className: 'number', cell: (row) => row.balance },
    {
      label: 'Pending credits',
      className: 'number',
      cell: (row) => (
        <>
          {row.pendingCredits}
          {row.pendingCreditCount > 0 ? (
            <span className="muted"> ({row.pendingCreditCount})</span>
          ) : null}
        </>
      ),
    },
    {
      label: 'Last block',
      cell: (row) => <Link to={blockPath(channel, row.lastBlock)}>{row.lastBlock}</Link>,
    },
  ];
}

/** Token balances per account, in base units as the TokenContract keeps them. */
export function TokensPage() {
  const channel = useParams().channel ?? '';
  const live = useLive(channel);
  const { after, before, firstPage } = useCursor();
  const balances = useApi<Page<TokenBalance>>(
    `/channels/${encodeURIComponent(channel)}/tokens${query({ after, before, limit: 25 })}`,
    firstPage ? live.tick : 0,
  );
  return (
    <>
      <PageTitle title={`Token balances · ${channel}`}>Token balances</PageTitle>
      <p className="muted small">
        Amounts are in base units. Pending credits are transfers received and not yet folded into
        the balance by the account&apos;s next debit.
      </p>
      <Fetched result={balances} what="balances">
        {(data) => (
          <PagedTable
            caption={`Token balances on ${channel}`}
            columns={balanceColumns(channel)}
            page={data}
            rowKey={(row) => `${row.chaincode}/${row.account}`}
            empty="No token account yet."
            pagerLabel="Balance pages"
          />
        )}
      </Fetched>
    </>
  );
}
