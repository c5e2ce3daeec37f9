import { lazy, Suspense, useState } from 'react';
import { Link, useParams } from 'react-router-dom';

import type {
  Activity,
  ActivityRange,
  BlockSummary,
  NodeList,
  Overview,
  Page,
  TransactionSummary,
} from '../../../src/http/api-types';
import { query } from '../api';
import {
  Card,
  ErrorNotice,
  HealthDot,
  Loading,
  PageTitle,
  Stat,
  StatusBadge,
} from '../components/ui';
import { formatNumber, shortHash, timeAgo } from '../format';
import { useApi, useInterval } from '../hooks';
import { blockPath, blocksPath, transactionsPath, txPath } from '../links';
import { useLive } from '../live';

const Charts = {
  Throughput: lazy(() =>
    import('../components/Charts').then((module) => ({ default: module.ThroughputChart })),
  ),
  Bars: lazy(() =>
    import('../components/Charts').then((module) => ({ default: module.CountBars })),
  ),
};

const RANGES: { value: ActivityRange; label: string }[] = [
  { value: '1h', label: '1 hour' },
  { value: '6h', label: '6 hours' },
  { value: '24h', label: '24 hours' },
  { value: '7d', label: '7 days' },
];

/** Transactions per minute over the last five minutes of the window. */
function perMinute(activity: Activity): number {
  const span = Math.max(1, Math.round(300 / activity.bucketSeconds));
  const recent = activity.points.slice(-span);
  const count = recent.reduce((sum, point) => sum + point.valid + point.invalid, 0);
  return count / ((recent.length * activity.bucketSeconds) / 60 || 1);
}

function DataTable({
  caption,
  rows,
  columns,
}: {
  caption: string;
  rows: (string | number)[][];
  columns: string[];
}) {
  return (
    <details className="chart-data">
      <summary>Show the numbers</summary>
      <table>
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column} scope="col">
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, index) => (
            <tr key={index}>
              {row.map((cell, cellIndex) => (
                <td key={cellIndex}>{cell}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

function ActivityCharts({ channel, tick }: { channel: string; tick: number }) {
  const [range, setRange] = useState<ActivityRange>('1h');
  const activity = useApi<Activity>(
    `/channels/${encodeURIComponent(channel)}/activity${query({ range })}`,
    tick,
  );
  const data = activity.data;
  const total = data?.points.reduce((sum, point) => sum + point.valid + point.invalid, 0) ?? 0;
  const rangeButtons = (
    <div className="segmented" role="group" aria-label="Time range">
      {RANGES.map((option) => (
        <button
          key={option.value}
          type="button"
          aria-pressed={range === option.value}
          onClick={() => setRange(option.value)}
        >
          {option.value}
        </button>
      ))}
    </div>
  );
  return (
    <>
      <Card title="Throughput" id="throughput-title" actions={rangeButtons}>
        {activity.error ? <ErrorNotice error={activity.error} /> : null}
        {data ? (
          <figure>
            <Suspense fallback={<Loading what="chart" />}>
              <Charts.Throughput points={data.points} bucketSeconds={data.bucketSeconds} />
            </Suspense>
            <figcaption>
              {formatNumber(total)} transactions in the{' '}
              {RANGES.find((option) => option.value === range)?.label} up to the newest block, per{' '}
              {data.bucketSeconds >= 3600
                ? `${data.bucketSeconds / 3600} h`
                : `${data.bucketSeconds / 60} min`}
              .
            </figcaption>
            <DataTable
              caption="Transactions per interval"
              columns={['interval start', 'valid', 'invalid']}
              rows={data.points
                .filter((point) => point.valid + point.invalid > 0)
                .map((point) => [
                  new Date(point.time).toLocaleString('en-GB'),
                  point.valid,
                  point.invalid,
                ])}
            />
          </figure>
        ) : (
          !activity.error && <Loading what="throughput" />
        )}
      </Card>
      <div className="grid-2">
        <Card title="By chaincode" id="by-chaincode-title">
          {data ? (
            data.byChaincode.length > 0 ? (
              <figure>
                <Suspense fallback={<Loading what="chart" />}>
                  <Charts.Bars
                    data={data.byChaincode.map((row) => ({ ...row, name: row.chaincode }))}
                  />
                </Suspense>
                <DataTable
                  caption="Transactions by chaincode"
                  columns={['chaincode', 'valid', 'invalid']}
                  rows={data.byChaincode.map((row) => [row.chaincode, row.valid, row.invalid])}
                />
              </figure>
            ) : (
              <p className="muted">No transactions in this window.</p>
            )
          ) : null}
        </Card>
        <Card title="By organization" id="by-org-title">
          {data ? (
            data.byOrg.length > 0 ? (
              <figure>
                <Suspense fallback={<Loading what="chart" />}>
                  <Charts.Bars data={data.byOrg.map((row) => ({ ...row, name: row.mspId }))} />
                </Suspense>
                <DataTable
                  caption="Transactions by creating organization"
                  columns={['organization', 'valid', 'invalid']}
                  rows={data.byOrg.map((row) => [row.mspId, row.valid, row.invalid])}
                />
              </figure>
            ) : (
              <p className="muted">No transactions in this window.</p>
            )
          ) : null}
        </Card>
      </div>
    </>
  );
}

function LatestBlocks({
  channel,
  tick,
  fresh,
}: {
  channel: string;
  tick: number;
  fresh: Set<number>;
}) {
  const blocks = useApi<Page<BlockSummary>>(
    `/channels/${encodeURIComponent(channel)}/blocks?limit=8`,
    tick,
  );
  return (
    <Card
      title="Latest blocks"
      id="latest-blocks-title"
      actions={<Link to={blocksPath(channel)}>All blocks</Link>}
    >
      {blocks.error ? <ErrorNotice error={blocks.error} /> : null}
      {blocks.data ? (
        blocks.data.items.length > 0 ? (
          <table className="responsive" data-testid="latest-blocks">
            <thead>
              <tr>
                <th scope="col">Block</th>
                <th scope="col">Transactions</th>
                <th scope="col">Hash</th>
                <th scope="col">Time</th>
              </tr>
            </thead>
            <tbody>
              {blocks.data.items.map((block) => (
                <tr key={block.number} className={fresh.has(block.number) ? 'fresh' : undefined}>
                  <td data-label="Block">
                    <Link to={blockPath(channel, block.number)}>{block.number}</Link>
                  </td>
                  <td data-label="Transactions">
                    {block.txCount}
                    {block.validCount < block.txCount ? (
                      <span className="muted"> ({block.txCount - block.validCount} invalid)</span>
                    ) : null}
                  </td>
                  <td data-label="Hash">
                    <code className="hash" title={block.hash}>
                      {shortHash(block.hash, 8, 4)}
                    </code>
                  </td>
                  <td data-label="Time">{timeAgo(block.timestamp)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p className="muted">No blocks mirrored yet.</p>
        )
      ) : (
        !blocks.error && <Loading what="blocks" />
      )}
    </Card>
  );
}

function LatestTransactions({ channel, tick }: { channel: string; tick: number }) {
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

function NodesCard({ channel }: { channel: string }) {
  const every = useInterval(10_000);
  const nodes = useApi<NodeList>('/nodes', every);
  return (
    <Card title="Peers and orderers" id="nodes-title" actions={<Link to="/nodes">Details</Link>}>
      {nodes.error ? <ErrorNotice error={nodes.error} /> : null}
      {nodes.data ? (
        nodes.data.nodes.length > 0 ? (
          <ul className="node-list">
            {nodes.data.nodes.map((node) => (
              <li key={`${node.kind}-${node.index}`}>
                <span className="node-name">{node.name}</span>
                <HealthDot health={node.health} />
                <span className="muted node-url">{node.url.replace(/^https?:\/\//, '')}</span>
                <span className="node-figures">
                  {node.heights[channel] !== undefined
                    ? `height ${formatNumber(node.heights[channel])}`
                    : ''}
                  {node.version ? ` · v${node.version}` : ''}
                </span>
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted">
            No operations endpoints configured (PEER_OPERATIONS_URLS, ORDERER_OPERATIONS_URLS).
          </p>
        )
      ) : (
        !nodes.error && <Loading what="nodes" />
      )}
    </Card>
  );
}

/** A channel at a glance: height, counts, throughput, latest blocks and the nodes' health. */
export function DashboardPage() {
  const channel = useParams().channel ?? '';
  const live = useLive(channel);
  const overview = useApi<Overview>('/overview', live.tick);
  const activity = useApi<Activity>(
    `/channels/${encodeURIComponent(channel)}/activity?range=1h`,
    live.tick,
  );
  const summary = overview.data?.channels.find((item) => item.channel === channel);
  const fresh = new Set(live.recent.map((block) => block.number));
  return (
    <>
      <PageTitle title={`Channel ${channel}`}>
        Channel <span className="title-channel">{channel}</span>
      </PageTitle>
      {overview.error ? <ErrorNotice error={overview.error} /> : null}
      <dl className="stats" data-testid="channel-stats">
        <Stat
          label="Block height"
          value={summary ? formatNumber(summary.height) : '…'}
          hint={summary?.lastBlockTime ? `newest ${timeAgo(summary.lastBlockTime)}` : undefined}
        />
        <Stat
          label="Transactions"
          value={summary ? formatNumber(summary.transactions.total) : '…'}
        />
        <Stat
          label="Valid / invalid"
          value={
            summary ? (
              <>
                <span className="ok">{formatNumber(summary.transactions.valid)}</span>
                {' / '}
                <span className="bad">{formatNumber(summary.transactions.invalid)}</span>
              </>
            ) : (
              '…'
            )
          }
        />
        <Stat
          label="Tx per minute"
          value={activity.data ? perMinute(activity.data).toFixed(1) : '…'}
          hint="last 5 minutes to the newest block"
        />
        <Stat
          label="Mirror lag"
          value={
            summary
              ? summary.lagBlocks !== undefined
                ? `${formatNumber(summary.lagBlocks)} block${summary.lagBlocks === 1 ? '' : 's'}`
                : 'unknown'
              : '…'
          }
          hint={
            summary
              ? summary.peerHeight !== undefined
                ? `peers at ${formatNumber(summary.peerHeight)}, mirrored ${timeAgo(summary.mirroredAt)}`
                : 'no peer reports a height'
              : undefined
          }
        />
      </dl>
      <ActivityCharts channel={channel} tick={live.tick} />
      <div className="grid-2">
        <LatestBlocks channel={channel} tick={live.tick} fresh={fresh} />
        <LatestTransactions channel={channel} tick={live.tick} />
      </div>
      <NodesCard channel={channel} />
    </>
  );
}
