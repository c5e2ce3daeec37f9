// SPDX-License-Identifier: Apache-2.0
// Loaded on its own (React.lazy): the charting library is the largest part of the front end.
import {
  Area,
  AreaChart,
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';

import type { ThroughputPoint } from '../../../src/http/api-types';
import { formatNumber } from '../format';

/** Valid and invalid transactions, stacked in that order in every chart. */
const SERIES = [
  { key: 'valid', colour: '#15803d', areaOpacity: 0.35 },
  { key: 'invalid', colour: '#c2410c', areaOpacity: 0.45 },
] as const;

function timeLabel(iso: string, bucketSeconds: number): string {
  const date = new Date(iso);
  if (bucketSeconds >= 3600) {
    return date.toLocaleString('en-GB', { month: 'short', day: 'numeric', hour: '2-digit' });
  }
  return date.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });
}

export function ThroughputChart({
  points,
  bucketSeconds,
}: {
  points: ThroughputPoint[];
  bucketSeconds: number;
}) {
  const data = points.map((point) => ({ ...point, label: timeLabel(point.time, bucketSeconds) }));
  return (
    <div className="chart" aria-hidden="true">
      <ResponsiveContainer width="100%" height={240}>
        <AreaChart data={data} margin={{ top: 8, right: 12, bottom: 0, left: -12 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
          <XAxis dataKey="label" minTickGap={24} tick={{ fontSize: 12 }} />
          <YAxis allowDecimals={false} tick={{ fontSize: 12 }} />
          <Tooltip formatter={(value) => formatNumber(Number(value))} />
          <Legend wrapperStyle={{ fontSize: 13 }} />
          {SERIES.map((series) => (
            <Area
              key={series.key}
              type="monotone"
              dataKey={series.key}
              name={series.key}
              stackId="tx"
              stroke={series.colour}
              fill={series.colour}
              fillOpacity={series.areaOpacity}
              isAnimationActive={false}
            />
          ))}
        </AreaChart>
      </ResponsiveContainer>
    </div>
  );
}

export function CountBars({ data }: { data: { name: string; valid: number; invalid: number }[] }) {
  const height = Math.max(120, data.length * 34 + 48);
  return (
    <div className="chart" aria-hidden="true">
      <ResponsiveContainer width="100%" height={height}>
        <BarChart data={data} layout="vertical" margin={{ top: 4, right: 16, bottom: 0, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" horizontal={false} />
          <XAxis type="number" allowDecimals={false} tick={{ fontSize: 12 }} />
          <YAxis type="category" dataKey="name" width={110} tick={{ fontSize: 12 }} />
          <Tooltip formatter={(value) => formatNumber(Number(value))} />
          <Legend wrapperStyle={{ fontSize: 13 }} />
          {SERIES.map((series) => (
            <Bar
              key={series.key}
              dataKey={series.key}
              stackId="tx"
              fill={series.colour}
              isAnimationActive={false}
            />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
