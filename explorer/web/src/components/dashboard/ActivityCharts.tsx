// SPDX-License-Identifier: Apache-2.0
import { lazy, Suspense, useState } from 'react';
import type { ReactNode } from 'react';

import type { Activity, ActivityRange } from '../../../../src/http/api-types';
import { query } from '../../api';
import { formatNumber } from '../../format';
import { OrgDashboardLinks } from '../../grafana';
import { useApi } from '../../hooks';
import { DataTable } from '../DataTable';
import { Card, ErrorNotice, Loading } from '../ui';

const Charts = {
  Throughput: lazy(() =>
    import('../Charts').then((module) => ({ default: module.ThroughputChart })),
  ),
  Bars: lazy(() => import('../Charts').then((module) => ({ default: module.CountBars }))),
};

const RANGES: { value: ActivityRange; label: string }[] = [
  { value: '1h', label: '1 hour' },
  { value: '6h', label: '6 hours' },
  { value: '24h', label: '24 hours' },
  { value: '7d', label: '7 days' },
];

/** A card of the window's valid and invalid transactions per name, as bars and as numbers. */
function Breakdown({
  title,
  id,
  caption,
  column,
  rows,
  children,
}: {
  title: string;
  id: string;
  caption: string;
  /** What the names are, as the numbers table heads them. */
  column: string;
  rows: { name: string; valid: number; invalid: number }[] | undefined;
  /** Shown under the table, e.g. links to the rows' dashboards. */
  children?: ReactNode;
}) {
  return (
    <Card title={title} id={id}>
      {rows ? (
        rows.length > 0 ? (
          <figure>
            <Suspense fallback={<Loading what="chart" />}>
              <Charts.Bars data={rows} />
            </Suspense>
            <DataTable
              caption={caption}
              columns={[column, 'valid', 'invalid']}
              rows={rows.map((row) => [row.name, row.valid, row.invalid])}
            />
            {children}
          </figure>
        ) : (
          <p className="muted">No transactions in this window.</p>
        )
      ) : null}
    </Card>
  );
}

/** Throughput over a chosen window, and the window's transactions by chaincode and by org. */
export function ActivityCharts({ channel, tick }: { channel: string; tick: number }) {
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
        <Breakdown
          title="By chaincode"
          id="by-chaincode-title"
          caption="Transactions by chaincode"
          column="chaincode"
          rows={data?.byChaincode.map((row) => ({ ...row, name: row.chaincode }))}
        />
        <Breakdown
          title="By organization"
          id="by-org-title"
          caption="Transactions by creating organization"
          column="organization"
          rows={data?.byOrg.map((row) => ({ ...row, name: row.mspId }))}
        >
          <OrgDashboardLinks mspIds={data?.byOrg.map((row) => row.mspId) ?? []} />
        </Breakdown>
      </div>
    </>
  );
}
